"""Money of a purchase that dispatches draw on (SPEC §7.4): the one place that moves
`balance` and `reserved` after approval. Every move locks the purchase row, checks, saves and
writes one `PurchaseEvent` (old and new balance; reserved before and after in `parameters`).

    reserve     balance → reserved   a dispatch is created (its whole total)
    release     reserved → balance   recipients removed, a dispatch cancelled, a send failed
    spend       reserved → (sent)    recipients' messages went out (before the expiry)
    give_back   (sent) → balance     a gift refused or reclaimed, if the purchase is still valid

So at any time: balance + reserved + (amounts sent and not given back) = amount approved.
Lock order, to keep concurrent changes free of deadlocks: a caller that also locks a dispatch or
its recipients locks those first, then calls in here (dispatch → recipients → purchase).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain.common.errors import Conflict, DomainError

from .errors import PurchaseErrorCode
from .events import purchase_money_event
from .models import Purchase, PurchaseEventType
from .services import purchase_balance_usable, purchase_valid


def _locked(purchase_id: int) -> Purchase:
    return Purchase.objects.select_for_update().get(pk=purchase_id)


def _move(purchase: Purchase, type: str, *, balance: int, reserved: int, actor, **params) -> None:
    old_balance, old_reserved = purchase.balance, purchase.reserved
    purchase.balance += balance
    purchase.reserved += reserved
    purchase.save(update_fields=["balance", "reserved"])
    purchase_money_event(
        purchase,
        type,
        old_balance=old_balance,
        old_reserved=old_reserved,
        actor=actor,
        **params,
    )


def purchase_reserve(
    *, purchase_id: int, amount: int, dispatch_id: int | None, actor=None, refusal: DomainError
) -> Purchase:
    """Hold `amount` of the usable balance for a dispatch; `refusal` is raised (nothing moved)
    when the purchase is not approved, has expired, or its balance does not cover it."""
    with transaction.atomic():
        purchase = _locked(purchase_id)
        if amount <= 0 or purchase_balance_usable(purchase, now=timezone.now()) < amount:
            raise refusal
        _move(
            purchase,
            PurchaseEventType.RESERVED,
            balance=-amount,
            reserved=amount,
            actor=actor,
            dispatch=dispatch_id,
            amount=amount,
        )
    return purchase


def purchase_release(*, purchase_id: int, amount: int, dispatch_id: int, actor=None, reason: str):
    """Give a dispatch's held amount back to the balance (recipients removed, the dispatch
    cancelled, a recipient failed). An expired purchase keeps it recorded, unusable."""
    if amount <= 0:
        return None
    with transaction.atomic():
        purchase = _locked(purchase_id)
        _move(
            purchase,
            PurchaseEventType.RELEASED,
            balance=amount,
            reserved=-amount,
            actor=actor,
            dispatch=dispatch_id,
            amount=amount,
            reason=reason,
        )
    return purchase


def purchase_spend(
    *, purchase_id: int, amount: int, dispatch_id: int, recipients: int, sent_at: datetime
):
    """The held amount of recipients whose messages went out leaves the purchase. `sent_at`:
    when their batch was taken to be sent; it must be before the purchase's end of validity
    (an expired purchase's money is not usable, SPEC §7.3), else `purchase_expired` and nothing
    moves. The job that expires purchases may have run since: that does not matter."""
    if amount <= 0:
        return None
    with transaction.atomic():
        purchase = _locked(purchase_id)
        if purchase.expires_at is None or purchase.expires_at <= sent_at:
            raise Conflict(
                PurchaseErrorCode.PURCHASE_EXPIRED,
                _("The purchase had expired when the messages were sent."),
            )
        _move(
            purchase,
            PurchaseEventType.SPENT,
            balance=0,
            reserved=-amount,
            actor=None,
            dispatch=dispatch_id,
            amount=amount,
            recipients=recipients,
        )
    return purchase


def purchase_give_back(
    *, purchase_id: int, amount: int, dispatch_id: int, actor=None, reason: str
) -> int:
    """A sent gift's amount returns to the balance (refused, reclaimed) if the purchase is still
    approved and unexpired (SPEC §7.4); returns the won given back (0 otherwise)."""
    if amount <= 0:
        return 0
    with transaction.atomic():
        purchase = _locked(purchase_id)
        if not purchase_valid(purchase):
            return 0
        _move(
            purchase,
            PurchaseEventType.RETURNED,
            balance=amount,
            reserved=0,
            actor=actor,
            dispatch=dispatch_id,
            amount=amount,
            reason=reason,
        )
    return amount
