"""Changes of a scheduled dispatch before sending (domain.dispatches.changes; SPEC §7.4; manual
004 §3.2): the books add up after every change, one event per change, and concurrent changes
release each amount once."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from domain.common.errors import Conflict, DomainError, NotFound
from domain.dispatches.changes import (
    dispatch_cancel,
    dispatch_edit,
    dispatch_editable,
    dispatch_recipients_remove,
)
from domain.dispatches.errors import DispatchErrorCode
from domain.dispatches.models import Dispatch, DispatchEvent, Recipient
from domain.purchases.models import Purchase, PurchaseEvent
from tests.concurrency import run_concurrently
from tests.factories.corporates import corporate_with_master
from tests.factories.dispatches import dispatch_make, recipients_of
from tests.factories.purchases import approved_purchase

APPROVED = 200_000


def scheduled(manager, purchase, count=4, amount=5_000, start=0):
    return dispatch_make(
        manager=manager,
        purchase=purchase,
        recipients=recipients_of(count, amount=amount, start=start),
        send_type=Dispatch.SendType.SCHEDULED,
        scheduled_at=timezone.now() + dt.timedelta(hours=2),
    )


def books(purchase: Purchase) -> tuple[int, int]:
    purchase.refresh_from_db()
    assert purchase.balance + purchase.reserved == purchase.amount
    return purchase.balance, purchase.reserved


@pytest.fixture
def master(db):
    return corporate_with_master()


@pytest.fixture
def purchase(master):
    return approved_purchase(master, APPROVED)


def test_editable_means_scheduled_pending_and_before_its_time(master, purchase):
    dispatch = scheduled(master, purchase)
    now = timezone.now()
    assert dispatch_editable(dispatch, now=now)
    assert not dispatch_editable(dispatch, now=dispatch.scheduled_at)
    immediate = dispatch_make(manager=master, purchase=purchase, recipients=recipients_of(1))
    assert not dispatch_editable(immediate, now=now - dt.timedelta(days=1))


def test_an_edit_that_changes_nothing_writes_no_event(master, purchase):
    dispatch = scheduled(master, purchase)
    dispatch_edit(manager=master, dispatch_id=dispatch.pk, changes={"title": dispatch.title})
    assert not DispatchEvent.objects.filter(dispatch=dispatch).exists()


def test_a_moved_time_is_logged_with_the_old_and_new_time(master, purchase):
    dispatch = scheduled(master, purchase)
    old = dispatch.scheduled_at
    new = old + dt.timedelta(days=1)
    dispatch_edit(manager=master, dispatch_id=dispatch.pk, changes={"scheduled_at": new})
    event = DispatchEvent.objects.get(dispatch=dispatch)
    assert event.parameters == {
        "changed": ["scheduled_at"],
        "old_scheduled_at": old.isoformat(),
        "new_scheduled_at": new.isoformat(),
    }
    assert (event.old_status, event.new_status) == ("pending", "pending")


def test_another_companys_manager_finds_no_dispatch(master, purchase):
    other = corporate_with_master(username="othermaster1", business_number="2208162517")
    dispatch = scheduled(master, purchase)
    for call in (
        lambda: dispatch_edit(manager=other, dispatch_id=dispatch.pk, changes={"title": "x"}),
        lambda: dispatch_cancel(manager=other, dispatch_id=dispatch.pk),
        lambda: dispatch_recipients_remove(
            manager=other, dispatch_id=dispatch.pk, recipient_ids=[1]
        ),
    ):
        with pytest.raises(NotFound) as caught:
            call()
        assert caught.value.code == DispatchErrorCode.DISPATCH_NOT_FOUND


def test_remove_then_cancel_moves_each_amount_once_with_one_event_each(master, purchase):
    dispatch = scheduled(master, purchase, count=4, amount=5_000)
    other = scheduled(master, purchase, count=2, amount=3_000, start=10)
    assert books(purchase) == (APPROVED - 26_000, 26_000)
    first, second = dispatch.recipients.order_by("row")[:2]
    dispatch_recipients_remove(
        manager=master, dispatch_id=dispatch.pk, recipient_ids=[first.pk, second.pk]
    )
    dispatch.refresh_from_db()
    assert (dispatch.total, dispatch.recipient_count) == (10_000, 2)
    assert books(purchase) == (APPROVED - 16_000, 16_000)
    dispatch_cancel(manager=master, dispatch_id=dispatch.pk)
    assert books(purchase) == (APPROVED - 6_000, 6_000)
    dispatch.refresh_from_db()
    assert dispatch.status == "cancelled" and dispatch.cancelled_at is not None
    statuses = sorted(dispatch.recipients.values_list("status", flat=True))
    assert statuses == ["cancelled", "cancelled", "removed", "removed"]
    assert list(DispatchEvent.objects.filter(dispatch=dispatch).values_list("type", "amount")) == [
        ("recipients_removed", 10_000),
        ("cancelled", 10_000),
    ]
    released = PurchaseEvent.objects.filter(purchase=purchase, type="released")
    assert [e.parameters["reason"] for e in released] == [
        "recipients_removed",
        "dispatch_cancelled",
    ]
    assert set(other.recipients.values_list("status", flat=True)) == {"queued"}


def test_a_refused_change_moves_no_money(master, purchase):
    dispatch = scheduled(master, purchase)
    Dispatch.objects.filter(pk=dispatch.pk).update(send_type=Dispatch.SendType.IMMEDIATE)
    with pytest.raises(Conflict) as caught:
        dispatch_cancel(manager=master, dispatch_id=dispatch.pk)
    assert caught.value.code == DispatchErrorCode.DISPATCH_NOT_EDITABLE
    with pytest.raises(DomainError):
        dispatch_edit(
            manager=master,
            dispatch_id=dispatch.pk,
            changes={"scheduled_at": timezone.now() - dt.timedelta(hours=1)},
        )
    assert books(purchase) == (APPROVED - 20_000, 20_000)
    assert set(Recipient.objects.values_list("status", flat=True)) == {"queued"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_cancellations_release_the_total_once():
    master = corporate_with_master()
    purchase = approved_purchase(master, APPROVED)
    dispatch = scheduled(master, purchase, count=5, amount=4_000)

    def cancel(index):
        with transaction.atomic():
            return dispatch_cancel(manager=master, dispatch_id=dispatch.pk).status

    outcomes = run_concurrently(cancel, 6)
    assert sorted(outcomes) == ["cancelled"] + ["dispatch_not_editable"] * 5
    assert books(purchase) == (APPROVED, 0)
    assert DispatchEvent.objects.filter(dispatch=dispatch, type="cancelled").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_removals_and_a_cancel_keep_the_books():
    """Removing recipients one by one while the dispatch is cancelled: whatever the order, each
    recipient's amount is released exactly once."""
    master = corporate_with_master()
    purchase = approved_purchase(master, APPROVED)
    dispatch = scheduled(master, purchase, count=6, amount=2_000)
    ids = list(dispatch.recipients.order_by("row").values_list("pk", flat=True))

    def change(index):
        with transaction.atomic():
            if index == 5:
                return dispatch_cancel(manager=master, dispatch_id=dispatch.pk).status
            return dispatch_recipients_remove(
                manager=master, dispatch_id=dispatch.pk, recipient_ids=[ids[index]]
            ).status

    run_concurrently(change, 6)
    dispatch.refresh_from_db()
    assert books(purchase) == (APPROVED, 0)
    assert dispatch.status == "cancelled"
    released = PurchaseEvent.objects.filter(purchase=purchase, type="released")
    assert sum(e.new_balance - e.old_balance for e in released) == 12_000
    statuses = list(dispatch.recipients.values_list("status", flat=True))
    assert "queued" not in statuses
    removed = sum(2_000 for status in statuses if status == Recipient.Status.REMOVED)
    assert dispatch.total == 12_000 - removed
