"""The purchase ledger dispatches draw on (domain.purchases.ledger; SPEC §7.4):
every move locks, checks and writes one event, and balance + reserved + sent = amount."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from domain.common.errors import DomainError
from domain.dispatches.errors import DispatchErrorCode
from domain.purchases.ledger import (
    purchase_give_back,
    purchase_release,
    purchase_reserve,
    purchase_spend,
)
from domain.purchases.models import Purchase, PurchaseEvent, PurchaseEventType
from tests.concurrency import run_concurrently
from tests.factories.corporates import corporate_with_master
from tests.factories.purchases import approved_purchase

REFUSAL = DomainError(DispatchErrorCode.INSUFFICIENT_SINGLE_PURCHASE_BALANCE, "no")


@pytest.mark.django_db
def test_reserve_spend_release_give_back_keep_the_books_and_write_an_event_each():
    purchase = approved_purchase(corporate_with_master(), 100_000)
    purchase_reserve(purchase_id=purchase.pk, amount=60_000, dispatch_id=None, refusal=REFUSAL)
    purchase_spend(
        purchase_id=purchase.pk,
        amount=40_000,
        dispatch_id=1,
        recipients=4,
        sent_at=timezone.now(),
    )
    purchase_release(purchase_id=purchase.pk, amount=20_000, dispatch_id=1, reason="removed")
    given = purchase_give_back(purchase_id=purchase.pk, amount=10_000, dispatch_id=1, reason="r")
    purchase.refresh_from_db()
    assert given == 10_000
    assert (purchase.balance, purchase.reserved) == (70_000, 0)
    sent = 40_000 - 10_000
    assert purchase.balance + purchase.reserved + sent == purchase.amount
    moves = list(
        PurchaseEvent.objects.filter(purchase=purchase)
        .exclude(type__in=[PurchaseEventType.REQUESTED, PurchaseEventType.APPROVED])
        .values_list("type", "old_balance", "new_balance")
    )
    assert moves == [
        ("reserved", 100_000, 40_000),
        ("spent", 40_000, 40_000),
        ("released", 40_000, 60_000),
        ("returned", 60_000, 70_000),
    ]


@pytest.mark.django_db
def test_a_reservation_beyond_the_balance_or_on_an_expired_purchase_is_refused_unchanged():
    purchase = approved_purchase(corporate_with_master(), 50_000)
    with pytest.raises(DomainError):
        purchase_reserve(purchase_id=purchase.pk, amount=51_000, dispatch_id=None, refusal=REFUSAL)
    Purchase.objects.filter(pk=purchase.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    with pytest.raises(DomainError):
        purchase_reserve(purchase_id=purchase.pk, amount=1_000, dispatch_id=None, refusal=REFUSAL)
    assert purchase_give_back(purchase_id=purchase.pk, amount=1_000, dispatch_id=1, reason="r") == 0
    purchase.refresh_from_db()
    assert (purchase.balance, purchase.reserved) == (50_000, 0)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_reservations_never_hold_more_than_the_balance():
    purchase = approved_purchase(corporate_with_master(), 100_000)

    def reserve(index):
        with transaction.atomic():
            return purchase_reserve(
                purchase_id=purchase.pk, amount=30_000, dispatch_id=None, refusal=REFUSAL
            )

    results = run_concurrently(reserve, 10)
    accepted = [r for r in results if isinstance(r, Purchase)]
    purchase.refresh_from_db()
    assert len(accepted) == 3
    assert (purchase.balance, purchase.reserved) == (10_000, 90_000)


@pytest.mark.django_db
def test_no_spend_for_messages_sent_after_the_purchase_expired():
    """A batch is spent from the purchase only if it went out while the purchase was valid
    (the sender checks before it sends; the ledger refuses anyway)."""
    purchase = approved_purchase(corporate_with_master(), 50_000)
    purchase_reserve(purchase_id=purchase.pk, amount=20_000, dispatch_id=None, refusal=REFUSAL)
    before = purchase.expires_at - dt.timedelta(seconds=1)
    purchase_spend(
        purchase_id=purchase.pk, amount=10_000, dispatch_id=1, recipients=1, sent_at=before
    )
    with pytest.raises(DomainError) as refused:
        purchase_spend(
            purchase_id=purchase.pk,
            amount=10_000,
            dispatch_id=1,
            recipients=1,
            sent_at=purchase.expires_at,
        )
    assert refused.value.code == "purchase_expired"
    purchase.refresh_from_db()
    assert (purchase.balance, purchase.reserved) == (30_000, 10_000)
    assert PurchaseEvent.objects.filter(purchase=purchase, type="spent").count() == 1
