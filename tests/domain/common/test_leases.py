"""The one claiming mechanism for background work (domain/common/leases.py):
claim marks rows in flight with a fresh token and a lease, record moves only rows the same claim
still holds, expired finds claims whose worker died. Used by the outbox and by dispatch sending.
"""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from domain.common import leases
from domain.dispatches.models import Recipient
from domain.messaging.models import OutboxMessage
from tests.concurrency import run_concurrently
from tests.factories.corporates import corporate_with_master
from tests.factories.dispatches import dispatch_make, recipients_of
from tests.factories.purchases import approved_purchase

LEASE = leases.Lease(
    free=Recipient.Status.QUEUED, held=Recipient.Status.SENDING, duration=dt.timedelta(minutes=5)
)


def recipients(count: int):
    master = corporate_with_master()
    purchase = approved_purchase(master, 10_000 * count)
    dispatch = dispatch_make(manager=master, purchase=purchase, recipients=recipients_of(count))
    return Recipient.objects.filter(dispatch=dispatch).order_by("id")


@pytest.mark.django_db
def test_a_claim_marks_up_to_its_limit_in_flight_with_its_own_token_and_lease():
    queryset = recipients(5)
    now = timezone.now()
    first = leases.claim(queryset, lease=LEASE, limit=3, now=now)
    second = leases.claim(queryset, lease=LEASE, limit=3, now=now)
    third = leases.claim(queryset, lease=LEASE, limit=3, now=now)

    assert [len(first.rows), len(second.rows), len(third.rows)] == [3, 2, 0]
    assert len({first.token, second.token}) == 2 and len(first.token) == 32
    assert first.until == now + LEASE.duration
    rows = {row.pk: row for row in queryset}
    for claim in (first, second):
        for row in claim.rows:
            stored = rows[row.pk]
            assert stored.status == Recipient.Status.SENDING
            assert (stored.claim_token, stored.lease_until) == (claim.token, claim.until)
    assert {r.pk for r in first.rows}.isdisjoint({r.pk for r in second.rows})


@pytest.mark.django_db
def test_a_claim_sets_per_row_fields_computed_from_each_row():
    queryset = recipients(2)
    claim = leases.claim(
        queryset,
        lease=LEASE,
        limit=10,
        now=timezone.now(),
        fields={"batch_key": "k1"},
        each=lambda row: {"attempts": row.attempts + 1, "last_error": f"row {row.row}"},
    )
    assert sorted(queryset.values_list("batch_key", "attempts", "last_error")) == [
        ("k1", 1, "row 1"),
        ("k1", 1, "row 2"),
    ]
    assert [row.attempts for row in claim.rows] == [1, 1]


@pytest.mark.django_db
def test_record_moves_only_rows_the_claim_still_holds():
    """A worker whose lease expired and whose rows another worker claimed cannot overwrite."""
    queryset = recipients(2)
    now = timezone.now()
    late = leases.claim(queryset, lease=LEASE, limit=10, now=now)
    later = now + LEASE.duration
    assert set(leases.expired(queryset, lease=LEASE, now=later)) == set(queryset)
    leases.release(
        leases.expired(queryset, lease=LEASE, now=later), lease=LEASE, fields={"last_error": "x"}
    )
    fresh = leases.claim(queryset, lease=LEASE, limit=10, now=later)
    assert {r.pk for r in fresh.rows} == {r.pk for r in late.rows}

    moved = leases.record(queryset, lease=LEASE, token=late.token, to=Recipient.Status.SENT)
    assert moved == []
    assert set(queryset.values_list("status", flat=True)) == {Recipient.Status.SENDING}

    moved = leases.record(
        queryset,
        lease=LEASE,
        token=fresh.token,
        to=Recipient.Status.SENT,
        each=lambda row: {"provider_message_id": f"id-{row.row}"},
    )
    assert len(moved) == 2
    assert sorted(queryset.values_list("status", "provider_message_id")) == [
        ("sent", "id-1"),
        ("sent", "id-2"),
    ]


@pytest.mark.django_db
def test_record_and_release_record_one_batch_event_only_for_rows_they_move():
    """A late worker's record moves nothing and records nothing; the rows moved are passed to
    the batch event once (a dispatch records its batch this way)."""
    queryset = recipients(3)
    now = timezone.now()
    late = leases.claim(queryset, lease=LEASE, limit=10, now=now)
    calls = []
    released = leases.release(
        leases.expired(queryset, lease=LEASE, now=now + LEASE.duration),
        lease=LEASE,
        batch_event=lambda rows: calls.append(("released", sorted(r.pk for r in rows))),
    )
    fresh = leases.claim(queryset, lease=LEASE, limit=10, now=now + LEASE.duration)
    for token in (late.token, fresh.token):
        leases.record(
            queryset,
            lease=LEASE,
            token=token,
            to=Recipient.Status.SENT,
            batch_event=lambda rows, token=token: calls.append((token, [r.status for r in rows])),
        )
    assert calls == [
        ("released", sorted(r.pk for r in released)),
        (fresh.token, [Recipient.Status.SENT] * 3),
    ]


@pytest.mark.django_db
def test_expired_finds_only_held_rows_past_their_lease():
    queryset = recipients(3)
    now = timezone.now()
    leases.claim(queryset, lease=LEASE, limit=1, now=now)
    assert not leases.expired(queryset, lease=LEASE, now=now + dt.timedelta(minutes=4)).exists()
    assert leases.expired(queryset, lease=LEASE, now=now + LEASE.duration).count() == 1


@pytest.mark.django_db
def test_the_outbox_claims_with_the_same_mechanism():
    """The outbox keeps its lease in next_attempt_at (its retry time while pending)."""
    from domain.messaging.services import OUTBOX_LEASE, outbox_sms

    message = outbox_sms(to="01012345678", body="안내")
    now = timezone.now()
    claim = leases.claim(OutboxMessage.objects.all(), lease=OUTBOX_LEASE, limit=5, now=now)
    message.refresh_from_db()
    assert [row.pk for row in claim.rows] == [message.pk]
    assert message.status == OutboxMessage.Status.SENDING
    assert message.claim_token == claim.token
    assert message.next_attempt_at == now + OUTBOX_LEASE.duration


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_claims_never_share_a_row():
    """Eight workers claim batches of 10 out of 50 at once (real threads on PostgreSQL with
    SKIP LOCKED): every row is claimed by exactly one of them."""
    queryset = recipients(50)
    now = timezone.now()

    def claim(index):
        with transaction.atomic():
            return [row.pk for row in leases.claim(queryset, lease=LEASE, limit=10, now=now).rows]

    claimed = [pk for rows in run_concurrently(claim, 8) for pk in rows]
    assert len(claimed) == len(set(claimed)) == 50
    assert set(queryset.values_list("status", flat=True)) == {Recipient.Status.SENDING}
