"""One helper per purchase event type (Saleor's `order/events.py`). No personal data beyond ids
goes into `parameters`."""

from __future__ import annotations

from django.utils import timezone

from .models import DepositStatementRow, Purchase, PurchaseEvent, PurchaseEventType

Status = Purchase.Status


def _record(
    purchase: Purchase,
    type: str,
    *,
    old_status: str,
    old_balance: int,
    actor=None,
    **parameters,
) -> PurchaseEvent:
    return PurchaseEvent.objects.create(
        purchase=purchase,
        type=type,
        old_status=old_status,
        new_status=purchase.status,
        old_balance=old_balance,
        new_balance=purchase.balance,
        actor=actor,
        parameters=parameters,
    )


def purchase_requested_event(purchase: Purchase, /, *, actor) -> PurchaseEvent:
    return _record(
        purchase,
        PurchaseEventType.REQUESTED,
        old_status="",
        old_balance=0,
        actor=actor,
        amount=purchase.amount,
        discount_amount=purchase.discount_amount,
        deposit_amount=purchase.deposit_amount,
        documents_required=purchase.documents_required,
    )


def purchase_documents_received_event(purchase: Purchase, /, *, actor) -> PurchaseEvent:
    return _record(
        purchase,
        PurchaseEventType.DOCUMENTS_RECEIVED,
        old_status=purchase.status,
        old_balance=purchase.balance,
        actor=actor,
    )


def purchase_approved_event(purchase: Purchase, /, *, actor) -> PurchaseEvent:
    return _record(
        purchase,
        PurchaseEventType.APPROVED,
        old_status=Status.PENDING,
        old_balance=0,
        actor=actor,
        expires_at=purchase.expires_at.isoformat(),
    )


def purchase_cancelled_event(purchase: Purchase, /, *, actor) -> PurchaseEvent:
    return _record(
        purchase, PurchaseEventType.CANCELLED, old_status=Status.PENDING, old_balance=0, actor=actor
    )


def purchase_refunded_event(purchase: Purchase, /, *, actor, refunded: int) -> PurchaseEvent:
    return _record(
        purchase,
        PurchaseEventType.REFUNDED,
        old_status=Status.APPROVED,
        old_balance=refunded,
        actor=actor,
        refunded=refunded,
    )


def purchase_expired_event(purchase: Purchase, /) -> PurchaseEvent:
    """The daily job: the balance stays recorded but can no longer be used."""
    return _record(
        purchase,
        PurchaseEventType.EXPIRED,
        old_status=Status.APPROVED,
        old_balance=purchase.balance,
    )


def purchase_money_event(
    purchase: Purchase, type: str, /, *, old_balance: int, old_reserved: int, actor, **parameters
) -> PurchaseEvent:
    """A dispatch moved money of an approved purchase (domain.purchases.ledger)."""
    return _record(
        purchase,
        type,
        old_status=purchase.status,
        old_balance=old_balance,
        actor=actor,
        old_reserved=old_reserved,
        new_reserved=purchase.reserved,
        **parameters,
    )


def purchase_deposit_matched_event(row: DepositStatementRow, /, *, actor) -> PurchaseEvent:
    """A bank statement row was confirmed as the deposit of its `confirmed_purchase` (just
    approved); the row is named by ids, not by its depositor."""
    purchase = row.confirmed_purchase
    return _record(
        purchase,
        PurchaseEventType.DEPOSIT_MATCHED,
        old_status=purchase.status,
        old_balance=purchase.balance,
        actor=actor,
        statement=row.statement_id,
        row=row.pk,
        row_number=row.number,
        amount=row.amount,
        deposited_at=timezone.localtime(row.deposited_at).isoformat(),
    )
