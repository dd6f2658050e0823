"""Sending dispatches by workers (SPEC §7.4, §9): batches of at most 100 through
the SMS backend's send_many, claimed with a lease, recorded once; a unique claim code per
recipient (only its keyed hash stored); money moves reserved → spent, or back on failure."""

import datetime as dt
import hashlib
import json
import re
from collections import Counter

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from domain.common.transitions import transition
from domain.corporates.models import CorporateManager
from domain.dispatches import sending
from domain.dispatches.events import dispatch_cancelled_event
from domain.dispatches.message import image_store
from domain.dispatches.models import Dispatch, DispatchEvent, Recipient
from domain.dispatches.sending import (
    BATCH_SIZE,
    SENDING_LEASE,
    claim_code_hash,
    dispatch_send,
    dispatches_send_due,
)
from domain.messaging.backends import BaseSmsBackend, GatewayError, SendResult, locmem
from domain.messaging.backends.locmem import LocmemSmsBackend
from domain.purchases.models import Purchase, PurchaseEvent
from tests.concurrency import run_concurrently
from tests.dispatch_images import image_bytes, image_file
from tests.factories.corporates import corporate_with_master
from tests.factories.dispatches import dispatch_make, recipients_of
from tests.factories.purchases import approved_purchase

HERE = "tests.domain.dispatches.test_sending"
Status = Recipient.Status


@pytest.fixture(autouse=True)
def _empty_gateway():
    locmem.reset()
    yield
    locmem.reset()


@pytest.fixture
def clock(monkeypatch):
    """timezone.now under the test's control (the services, the leases and the ledger)."""

    class Clock:
        now = timezone.now()

        def advance(self, **delta) -> None:
            self.now += dt.timedelta(**delta)

    clock = Clock()
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


def make(count: int, *, purchase_amount: int | None = None, **kwargs) -> Dispatch:
    """A dispatch of `count` recipients (10,000 won each) of the test's one company, on a
    purchase of its own."""
    master = CorporateManager.objects.filter(role="master").first() or corporate_with_master()
    purchase = approved_purchase(master, purchase_amount or 10_000 * count + 1_000_000)
    return dispatch_make(
        manager=master, purchase=purchase, recipients=recipients_of(count), **kwargs
    )


def codes_by_mobile() -> dict[str, list[str]]:
    """The claim codes in the links texted so far, per mobile number (one per message)."""
    found: dict[str, list[str]] = {}
    base = re.escape(django_settings.GIFT_URL_BASE.rstrip("/"))
    for message in locmem.outbox:
        (code,) = re.findall(rf"{base}/([a-z2-7]+)$", message.body)
        found.setdefault(message.to, []).append(code)
    return found


def books_balance(dispatch: Dispatch) -> None:
    """balance + reserved + sent (not given back) == the approved amount (SPEC §7.4)."""
    purchase = Purchase.objects.get(pk=dispatch.purchase_id)
    sent = sum(
        Recipient.objects.filter(dispatch=dispatch, status=Status.SENT).values_list(
            "amount", flat=True
        )
    )
    assert purchase.balance + purchase.reserved + sent == purchase.amount


@pytest.mark.django_db
def test_a_dispatch_of_250_sends_everyone_once_in_batches_of_at_most_100(settings):
    settings.GIFT_URL_BASE = "https://gift.example/onnuri/"
    dispatch = make(250, purchase_amount=3_000_000)
    assert dispatch_send(dispatch_id=dispatch.pk).status == Dispatch.Status.COMPLETED

    mobiles = [m.to for m in locmem.outbox]
    assert len(mobiles) == len(set(mobiles)) == 250
    recipients = list(Recipient.objects.filter(dispatch=dispatch))
    assert {r.status for r in recipients} == {Status.SENT}
    assert all(r.sent_at and r.attempts == 1 and r.lease_until is None for r in recipients)
    assert len({r.provider_message_id for r in recipients}) == 250
    assert sorted(Counter(r.batch_key for r in recipients).values()) == [50, 100, 100]
    assert BATCH_SIZE == 100

    # Each message is the dispatch's text and a claim link with the recipient's own code;
    # only the keyed hash of the code is stored.
    codes = codes_by_mobile()
    by_mobile = {r.mobile: r for r in recipients}
    for message in locmem.outbox:
        (code,) = codes[message.to]
        assert message.body == f"{dispatch.body}\nhttps://gift.example/onnuri/{code}"
        assert by_mobile[message.to].claim_code_hash == claim_code_hash(code) != code
    assert len({c for (c,) in codes.values()}) == 250

    dispatch.refresh_from_db()
    assert dispatch.started_at and dispatch.completed_at
    events = list(DispatchEvent.objects.filter(dispatch=dispatch).values_list("type", "amount"))
    assert events[0] == ("started", 0) and events[-1] == ("completed", 0)
    assert sorted(events[1:-1]) == [
        ("batch_sent", 500_000),
        ("batch_sent", 1_000_000),
        ("batch_sent", 1_000_000),
    ]
    purchase = Purchase.objects.get(pk=dispatch.purchase_id)
    assert (purchase.balance, purchase.reserved) == (500_000, 0)
    spent = PurchaseEvent.objects.filter(purchase=purchase, type="spent")
    assert sorted(spent.values_list("parameters__amount", flat=True)) == [
        500_000,
        1_000_000,
        1_000_000,
    ]
    books_balance(dispatch)


@pytest.mark.django_db
def test_each_batch_costs_the_same_number_of_queries():
    """Bulk claims and records: the queries grow by a constant per batch of 100, not per
    recipient."""

    def queries(count: int) -> int:
        dispatch = make(count)
        with CaptureQueriesContext(connection) as captured:
            dispatch_send(dispatch_id=dispatch.pk)
        return len(captured)

    one, two, three = queries(100), queries(200), queries(300)
    assert three - two == two - one <= 20  # 11 queries and their savepoints


@pytest.mark.django_db
def test_a_worker_killed_after_the_gateway_took_a_batch_sends_nobody_twice(monkeypatch, clock):
    """The batch key is stored before the gateway call; the worker dies before recording; once
    the lease has expired a fresh run sends the same batch again under the same key, which the
    locmem gateway (like NHN Cloud's lookup by senderGroupingKey) does not deliver twice."""
    dispatch = make(250)
    record = sending._batch_record
    crashes = []

    def crash_once(*args, **kwargs):
        if not crashes:
            crashes.append(1)
            raise RuntimeError("worker killed")
        return record(*args, **kwargs)

    monkeypatch.setattr(sending, "_batch_record", crash_once)
    with pytest.raises(RuntimeError, match="worker killed"):
        dispatch_send(dispatch_id=dispatch.pk)
    assert len(locmem.outbox) == 100  # the gateway took the first batch
    in_flight = Recipient.objects.filter(dispatch=dispatch, status=Status.SENDING)
    assert in_flight.count() == 100
    first_codes = codes_by_mobile()
    purchase = Purchase.objects.get(pk=dispatch.purchase_id)
    assert purchase.reserved == dispatch.total  # nothing recorded, nothing spent
    books_balance(dispatch)

    # Another run before the lease ends sends the others but leaves the claimed batch alone.
    assert dispatches_send_due() == 150
    assert in_flight.count() == 100
    assert Dispatch.objects.get(pk=dispatch.pk).status == Dispatch.Status.SENDING

    clock.advance(seconds=SENDING_LEASE.total_seconds())
    assert dispatches_send_due() == 100
    mobiles = [m.to for m in locmem.outbox]
    assert len(mobiles) == len(set(mobiles)) == 250  # nobody twice
    assert set(Recipient.objects.filter(dispatch=dispatch).values_list("status", flat=True)) == {
        Status.SENT
    }
    # The recovered recipients' stored hashes are those of the codes they received.
    for recipient in Recipient.objects.filter(mobile__in=first_codes):
        assert recipient.claim_code_hash == claim_code_hash(first_codes[recipient.mobile][0])
    assert Dispatch.objects.get(pk=dispatch.pk).status == Dispatch.Status.COMPLETED
    purchase.refresh_from_db()
    assert (purchase.reserved, purchase.balance) == (0, purchase.amount - dispatch.total)
    books_balance(dispatch)


class PlainGateway(BaseSmsBackend):
    """A gateway with no idempotent request id (the base send_many: one send per message)."""

    def send(self, message):
        locmem.outbox.append(message)
        return f"plain-{len(locmem.outbox)}"


@pytest.mark.django_db
def test_without_an_idempotent_gateway_a_killed_worker_sends_its_batch_again(
    settings, monkeypatch, clock
):
    """At least once: the batch goes out again, with the same links (one gift each)."""
    settings.SMS_BACKEND = f"{HERE}.PlainGateway"
    dispatch = make(30)
    record = sending._batch_record
    monkeypatch.setattr(sending, "_batch_record", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        dispatch_send(dispatch_id=dispatch.pk)
    monkeypatch.setattr(sending, "_batch_record", record)
    clock.advance(seconds=SENDING_LEASE.total_seconds())
    dispatches_send_due()
    codes = codes_by_mobile()
    assert len(locmem.outbox) == 60
    assert all(len(set(sent)) == 1 and len(sent) == 2 for sent in codes.values())
    assert Recipient.objects.filter(dispatch=dispatch, status=Status.SENT).count() == 30
    books_balance(dispatch)


@pytest.mark.django_db
def test_a_late_worker_whose_lease_expired_cannot_record_over_the_new_claim(monkeypatch, clock):
    """Worker A's gateway call outlasts the lease; worker B resends the batch (deduplicated)
    and records it; A's answer then changes nothing: the money is spent once."""
    dispatch = make(5)
    calls = []
    original = LocmemSmsBackend.send_many

    def slow(self, messages, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            clock.advance(seconds=SENDING_LEASE.total_seconds() + 1)
            assert dispatches_send_due() == 5  # worker B, meanwhile
        return original(self, messages, **kwargs)

    monkeypatch.setattr(LocmemSmsBackend, "send_many", slow)
    dispatch_send(dispatch_id=dispatch.pk)
    assert len(locmem.outbox) == 5
    spent = PurchaseEvent.objects.filter(purchase_id=dispatch.purchase_id, type="spent")
    assert list(spent.values_list("parameters__amount", flat=True)) == [50_000]
    assert DispatchEvent.objects.filter(dispatch=dispatch, type="batch_sent").count() == 1
    books_balance(dispatch)


class RefusingGateway(LocmemSmsBackend):
    """Refuses one number every time (e.g. a line that cannot take texts)."""

    refused = "01090000001"

    def send_many(self, messages, **kwargs):
        results = super().send_many([m for m in messages if m.to != self.refused], **kwargs)
        answers = iter(results)
        return [
            SendResult(error="recipient resultCode -2019: refused")
            if m.to == self.refused
            else next(answers)
            for m in messages
        ]


@pytest.mark.django_db
def test_a_recipient_refused_three_times_fails_and_its_amount_is_released(settings, clock):
    settings.SMS_BACKEND = f"{HERE}.RefusingGateway"
    dispatch = make(3, purchase_amount=100_000)
    dispatch_send(dispatch_id=dispatch.pk)
    refused = Recipient.objects.get(dispatch=dispatch, mobile=RefusingGateway.refused)
    assert (refused.status, refused.attempts) == (Status.QUEUED, 1)
    assert refused.last_error == "recipient resultCode -2019: refused"
    assert Dispatch.objects.get(pk=dispatch.pk).status == Dispatch.Status.SENDING
    books_balance(dispatch)

    assert dispatches_send_due() == 0  # backing off: not yet
    refused.refresh_from_db()
    assert refused.attempts == 1
    for attempt, wait in ((2, 30), (3, 60)):
        clock.advance(seconds=wait)
        dispatches_send_due()
        refused.refresh_from_db()
        assert refused.attempts == attempt

    assert refused.status == Status.FAILED
    assert refused.claim_code_hash is None  # its link never works
    assert Dispatch.objects.get(pk=dispatch.pk).status == Dispatch.Status.COMPLETED
    purchase = Purchase.objects.get(pk=dispatch.purchase_id)
    assert (purchase.balance, purchase.reserved) == (100_000 - 20_000, 0)
    events = DispatchEvent.objects.filter(dispatch=dispatch)
    assert list(events.filter(type="recipients_failed").values_list("amount", flat=True)) == [
        10_000
    ]
    assert events.filter(type="batch_retried").count() == 2
    assert PurchaseEvent.objects.filter(purchase=purchase, type="released").count() == 1
    assert len(locmem.outbox) == 2
    books_balance(dispatch)


class SilentGateway(LocmemSmsBackend):
    """Takes the batch, then the connection drops before the answer (outcome unknown)."""

    def send_many(self, messages, **kwargs):
        super().send_many(messages, **kwargs)
        raise GatewayError("timed out")


@pytest.mark.django_db
def test_a_batch_without_an_answer_is_sent_again_under_the_same_key(settings, clock):
    settings.SMS_BACKEND = f"{HERE}.SilentGateway"
    dispatch = make(4)
    dispatch_send(dispatch_id=dispatch.pk)
    rows = Recipient.objects.filter(dispatch=dispatch)
    assert set(rows.values_list("status", "attempts", "last_error")) == {
        (Status.QUEUED, 1, "GatewayError: timed out")
    }
    (key,) = set(rows.values_list("batch_key", flat=True))
    hashes = set(rows.values_list("claim_code_hash", flat=True))

    settings.SMS_BACKEND = "locmem"
    clock.advance(seconds=30)
    assert dispatches_send_due() == 4
    assert len(locmem.outbox) == 4  # the gateway had them already: not delivered twice
    assert set(rows.values_list("status", "batch_key")) == {(Status.SENT, key)}
    assert set(rows.values_list("claim_code_hash", flat=True)) == hashes  # same codes
    books_balance(dispatch)


@pytest.mark.django_db
def test_a_scheduled_dispatch_is_sent_at_its_time_not_before(clock):
    dispatch = make(
        3,
        send_type=Dispatch.SendType.SCHEDULED,
        scheduled_at=clock.now + dt.timedelta(hours=1),
    )
    assert dispatches_send_due() == 0
    assert dispatch_send(dispatch_id=dispatch.pk).status == Dispatch.Status.PENDING
    clock.advance(minutes=59)
    assert dispatches_send_due() == 0
    assert locmem.outbox == []
    assert not DispatchEvent.objects.filter(dispatch=dispatch).exists()

    clock.advance(minutes=1)
    assert dispatches_send_due() == 3
    dispatch.refresh_from_db()
    assert dispatch.status == Dispatch.Status.COMPLETED
    assert dispatch.started_at == clock.now
    assert len(locmem.outbox) == 3


@pytest.mark.django_db
def test_an_immediate_dispatch_whose_task_was_lost_is_sent_by_the_periodic_job():
    dispatch = make(2)  # created, but its on-commit task never ran (broker down)
    assert dispatches_send_due() == 2
    assert Dispatch.objects.get(pk=dispatch.pk).status == Dispatch.Status.COMPLETED


@pytest.mark.django_db
def test_a_cancelled_dispatch_sends_nothing():
    dispatch = make(2)
    transition(
        dispatch,
        Dispatch.Status.CANCELLED,
        event=dispatch_cancelled_event,
        actor=None,
        released=0,
    )
    assert dispatch_send(dispatch_id=dispatch.pk).status == Dispatch.Status.CANCELLED
    assert dispatches_send_due() == 0
    assert locmem.outbox == []


@pytest.mark.django_db
def test_a_run_takes_no_new_batch_after_its_time_budget(monkeypatch):
    """Well before django-q's timeout a run stops claiming; the next periodic run goes on."""
    dispatch = make(150)
    budget = sending.TIME_BUDGET
    monkeypatch.setattr(sending, "TIME_BUDGET", 0)
    assert dispatch_send(dispatch_id=dispatch.pk).status == Dispatch.Status.SENDING
    assert locmem.outbox == []
    monkeypatch.setattr(sending, "TIME_BUDGET", budget)
    assert dispatches_send_due() == 150
    assert Dispatch.objects.get(pk=dispatch.pk).status == Dispatch.Status.COMPLETED


@pytest.mark.django_db
def test_an_unknown_dispatch_is_nothing_to_do():
    assert dispatch_send(dispatch_id=987654) is None


@pytest.mark.django_db
def test_a_link_that_makes_the_text_too_long_for_an_sms_sends_an_lms():
    dispatch = make(1, body="가" * 30)  # 60 bytes: an SMS alone, not with its link
    dispatch_send(dispatch_id=dispatch.pk)
    (message,) = locmem.outbox
    assert message.kind == "lms"
    assert message.template == f"{dispatch.body}\n{django_settings.GIFT_URL_BASE}/##code##"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_running_the_due_job_at_once_send_each_recipient_once():
    """The periodic job and the immediate task, twice each, at once (real threads on
    PostgreSQL; SKIP LOCKED on dispatches and recipients): every recipient texted once."""
    first, second = make(150), make(120, send_type=Dispatch.SendType.IMMEDIATE)
    locmem.reset()  # the purchase approvals' texts (sent on commit here)

    def work(index: int):
        if index % 2:
            return dispatches_send_due()
        return dispatch_send(dispatch_id=(first, second)[index // 2 % 2].pk)

    run_concurrently(work, 4)
    dispatches_send_due()  # whatever a thread left (on SQLite they ran one after another)
    mobiles = [(m.to, m.body) for m in locmem.outbox]
    assert len(mobiles) == len(set(mobiles)) == 270
    for dispatch in (first, second):
        dispatch.refresh_from_db()
        assert dispatch.status == Dispatch.Status.COMPLETED
        assert set(dispatch.recipients.values_list("status", flat=True)) == {Status.SENT}
        assert DispatchEvent.objects.filter(dispatch=dispatch, type="started").count() == 1
        assert DispatchEvent.objects.filter(dispatch=dispatch, type="completed").count() == 1
        books_balance(dispatch)


@pytest.mark.django_db
def test_each_batch_outcome_is_one_event_naming_its_recipients_and_key(settings, clock):
    """A batch's move is recorded by the move itself (transition_many's batch event), once:
    a worker that claimed a batch and died (attempt 1) → one `batch_retried` (lease expired)
    when it goes back; then sent → one `batch_sent` with the amount, refused (attempt 2) → one
    `batch_retried`; refused at the last attempt → one `recipients_failed`. No event for a move
    of no rows (attempt 3 sends no one else)."""
    settings.SMS_BACKEND = f"{HERE}.RefusingGateway"
    dispatch = make(3)
    refused = Recipient.objects.get(dispatch=dispatch, mobile=RefusingGateway.refused).pk
    dead = sending._batch_claim(dispatch)  # a worker claims the batch, then dies
    everyone = sorted(row.pk for row in dead.rows)
    others = [pk for pk in everyone if pk != refused]
    clock.advance(seconds=SENDING_LEASE.total_seconds() + 1)
    assert dispatches_send_due() == 2
    for wait in (30, 60):
        clock.advance(seconds=wait)
        dispatches_send_due()

    events = DispatchEvent.objects.filter(dispatch=dispatch)
    assert [(e.type, e.old_status, e.new_status, e.amount, e.parameters) for e in events] == [
        ("started", "pending", "sending", 0, {}),
        (
            "batch_retried",
            "sending",
            "sending",
            0,
            {"recipients": everyone, "batch_key": dead.key, "reason": "lease_expired"},
        ),
        ("batch_sent", "sending", "sending", 20_000, {"recipients": others, "batch_key": dead.key}),
        (
            "batch_retried",
            "sending",
            "sending",
            0,
            {"recipients": [refused], "batch_key": dead.key, "reason": "refused"},
        ),
        (
            "recipients_failed",
            "sending",
            "sending",
            10_000,
            {"recipients": [refused], "batch_key": dead.key, "reason": "send_failed"},
        ),
        ("completed", "sending", "completed", 0, {}),
    ]


# --- A purchase that expires before its dispatch is sent (SPEC §7.3, §7.4) -------------------


def expire_at(dispatch: Dispatch, moment: dt.datetime) -> None:
    """Bring the purchase's end of validity (approval + 5 years) to `moment`."""
    Purchase.objects.filter(pk=dispatch.purchase_id).update(expires_at=moment)


@pytest.mark.django_db
def test_a_dispatch_whose_purchase_expired_before_its_time_sends_nothing_and_fails(clock):
    dispatch = make(
        3,
        purchase_amount=100_000,
        send_type=Dispatch.SendType.SCHEDULED,
        scheduled_at=clock.now + dt.timedelta(hours=2),
    )
    expire_at(dispatch, clock.now + dt.timedelta(hours=1))
    clock.advance(hours=2)

    assert dispatches_send_due() == 0
    assert locmem.outbox == []
    dispatch.refresh_from_db()
    assert (dispatch.status, dispatch.failure_reason) == ("failed", "purchase_expired")
    assert dispatch.failed_at == clock.now and dispatch.completed_at is None
    rows = Recipient.objects.filter(dispatch=dispatch)
    assert set(rows.values_list("status", "last_error", "claim_code_hash")) == {
        (Status.FAILED, "purchase_expired", None)
    }
    purchase = Purchase.objects.get(pk=dispatch.purchase_id)
    assert (purchase.balance, purchase.reserved) == (100_000, 0)  # back, but no longer usable
    moves = PurchaseEvent.objects.filter(purchase=purchase, type__in=["spent", "released"])
    assert list(moves.values_list("type", "parameters__amount", "parameters__reason")) == [
        ("released", 30_000, "purchase_expired")
    ]
    events = DispatchEvent.objects.filter(dispatch=dispatch)
    assert list(events.values_list("type", "new_status", "amount")) == [
        ("started", "sending", 0),
        ("recipients_failed", "sending", 30_000),
        ("failed", "failed", 0),
    ]
    assert events.get(type="recipients_failed").parameters["reason"] == "purchase_expired"
    assert events.get(type="failed").parameters == {"reason": "purchase_expired"}
    books_balance(dispatch)
    assert dispatches_send_due() == 0  # done with: nothing more happens
    assert events.count() == 3


@pytest.mark.django_db
def test_an_immediate_dispatch_task_run_after_the_expiry_sends_nothing(clock):
    dispatch = make(2, purchase_amount=50_000)
    expire_at(dispatch, clock.now)  # its task ran late: the purchase ended meanwhile
    assert dispatch_send(dispatch_id=dispatch.pk).status == Dispatch.Status.FAILED
    assert locmem.outbox == []
    assert Purchase.objects.get(pk=dispatch.purchase_id).reserved == 0
    books_balance(dispatch)


@pytest.mark.django_db
def test_recipients_still_to_retry_when_the_purchase_expires_fail_the_sent_stay_spent(
    settings, clock
):
    settings.SMS_BACKEND = f"{HERE}.RefusingGateway"
    dispatch = make(3, purchase_amount=100_000)
    dispatch_send(dispatch_id=dispatch.pk)  # two sent, one refused and queued to retry
    expire_at(dispatch, clock.now + dt.timedelta(seconds=10))
    clock.advance(seconds=30)

    assert dispatches_send_due() == 0
    assert len(locmem.outbox) == 2  # the retry did not go out
    refused = Recipient.objects.get(dispatch=dispatch, mobile=RefusingGateway.refused)
    assert (refused.status, refused.last_error, refused.attempts) == (
        Status.FAILED,
        "purchase_expired",
        1,
    )
    dispatch.refresh_from_db()
    assert (dispatch.status, dispatch.failure_reason) == ("failed", "purchase_expired")
    purchase = Purchase.objects.get(pk=dispatch.purchase_id)
    assert (purchase.balance, purchase.reserved) == (100_000 - 20_000, 0)
    books_balance(dispatch)


@pytest.mark.django_db
def test_the_expiry_job_keeps_a_scheduled_dispatchs_reservation_until_its_time(clock):
    """The daily job expires the purchase but leaves its reserved money held; the dispatch,
    at its time, releases it into the expired (unusable) balance: nothing is lost or spent."""
    from domain.purchases.services import purchase_balance_usable, purchases_expire

    dispatch = make(
        2,
        purchase_amount=50_000,
        send_type=Dispatch.SendType.SCHEDULED,
        scheduled_at=clock.now + dt.timedelta(days=2),
    )
    expire_at(dispatch, clock.now + dt.timedelta(days=1))
    clock.advance(days=1, minutes=1)
    assert [p.pk for p in purchases_expire()] == [dispatch.purchase_id]
    purchase = Purchase.objects.get(pk=dispatch.purchase_id)
    assert (purchase.status, purchase.balance, purchase.reserved) == ("expired", 30_000, 20_000)
    books_balance(dispatch)

    clock.advance(days=1)
    assert dispatches_send_due() == 0
    purchase.refresh_from_db()
    assert (purchase.balance, purchase.reserved) == (50_000, 0)
    assert purchase_balance_usable(purchase) == 0
    assert Dispatch.objects.get(pk=dispatch.pk).status == Dispatch.Status.FAILED
    books_balance(dispatch)


# --- MMS: the image through the private storage ---------------------------------------------


def with_image(dispatch: Dispatch) -> str:
    """`dispatch` as an MMS whose image is stored in the private storage; its storage name."""
    name = image_store(image_file()).path
    Dispatch.objects.filter(pk=dispatch.pk).update(image=name, kind=Dispatch.Kind.MMS)
    return name


@pytest.mark.django_db
def test_an_mms_goes_out_with_the_image_the_worker_read_from_the_bucket(s3_storage, settings):
    """No path reaches the backend: the worker reads the bytes through the storage, so a worker
    on any machine sends what an API process on another one stored."""
    settings.SMS_BACKEND = "file"
    dispatch = make(3)
    with_image(dispatch)
    dispatch_send(dispatch_id=dispatch.pk)
    written = [json.loads(path.read_text()) for path in settings.SMS_FILE_DIR.glob("*.json")]
    assert len(written) == 3
    expected = hashlib.sha256(image_bytes()).hexdigest()
    assert {(w["kind"], w["image_sha256"], w["image_size"]) for w in written} == {
        ("mms", expected, len(image_bytes()))
    }
    dispatch.refresh_from_db()
    assert dispatch.status == Dispatch.Status.COMPLETED


@pytest.mark.django_db
def test_while_its_image_cannot_be_read_nothing_is_claimed_and_a_later_run_sends(settings, request):
    dispatch = make(2)
    with_image(dispatch)
    on_disk = settings.STORAGES
    request.getfixturevalue("storage_down")
    dispatch_send(dispatch_id=dispatch.pk)
    dispatch.refresh_from_db()
    assert dispatch.status == Dispatch.Status.SENDING
    recipients = list(dispatch.recipients.values_list("status", "attempts", "batch_key"))
    assert recipients == [(Status.QUEUED, 0, "")] * 2
    assert locmem.outbox == []
    assert (dispatch.purchase.reserved, dispatch.purchase.balance) == (20_000, 1_000_000)

    settings.STORAGES = on_disk  # the storage is back: the periodic job sends
    assert dispatches_send_due() == 2
    assert [m.image for m in locmem.outbox] == [image_bytes()] * 2
    dispatch.refresh_from_db()
    assert dispatch.status == Dispatch.Status.COMPLETED
