"""Purchases: request, documents, approval, cancellation, refund, expiry (SPEC §7.3; manual 004
§2.1–2.2). One service per change: row lock → check → `transition()` → event row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain.common.errors import Conflict, DomainError, NotFound
from domain.common.masking import mask_account
from domain.common.money import WON_MAX
from domain.common.periods import history_filter
from domain.common.transitions import transition, transition_many
from domain.corporates.errors import CorporateErrorCode
from domain.corporates.models import BankAccount, Corporate, CorporateManager
from domain.members.account import member_notify

from . import messages
from .deadlines import deposit_deadline
from .errors import PurchaseErrorCode
from .events import (
    purchase_approved_event,
    purchase_cancelled_event,
    purchase_documents_received_event,
    purchase_expired_event,
    purchase_refunded_event,
    purchase_requested_event,
)
from .models import AMOUNT_UNIT, Purchase

Status = Purchase.Status

# SPEC §7.3: 10,000,000 won or more needs the four documents of manual 004 §2.2.
DOCUMENTS_THRESHOLD = 10_000_000
REQUIRED_DOCUMENTS = [
    ("agent_id_copy", _("Copy of the agent's (buyer's) ID card")),  # 대리인(구매자) 신분증 사본
    ("corporate_registry", _("Certified copy of the corporate registry")),  # 법인등기부등본
    ("seal_certificate", _("Seal certificate or registered seal form")),  # 인감증명서/사용인감계
    ("power_of_attorney", _("Power of attorney (buyer, one-year term)")),  # 위임장
]
VALIDITY_YEARS = 5  # SPEC §7.3: valid until approval + 5 years
# Statuses that use the month's limits; a cancelled purchase gives its share back (SPEC §7.3).
COUNTING = (Status.PENDING, Status.APPROVED)


def _not_found() -> NotFound:
    return NotFound(PurchaseErrorCode.PURCHASE_NOT_FOUND, _("No such purchase."))


@dataclass(frozen=True)
class ReceivingAccount:
    bank: str
    number: str
    holder: str


def receiving_account() -> ReceivingAccount:
    """Where companies transfer (a site setting; manual 004 §2.2: 케이뱅크 700100, 비씨카드)."""
    return ReceivingAccount(
        bank=settings.PURCHASE_RECEIVING_BANK,
        number=settings.PURCHASE_RECEIVING_NUMBER,
        holder=settings.PURCHASE_RECEIVING_HOLDER,
    )


def month_start(now: dt.datetime) -> dt.datetime:
    """The first instant of `now`'s calendar month in Asia/Seoul (SPEC §7.3 monthly limits)."""
    local = timezone.localtime(now)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class MonthlyRoom:
    purchase: int  # won still purchasable this month
    discount: int  # won still purchasable at the discount this month


def monthly_room(*, corporate: Corporate, now: dt.datetime | None = None) -> MonthlyRoom:
    """What is left of the corporate's monthly purchase and discount limits: pending and
    approved purchases of the calendar month count (SPEC §7.3)."""
    used = Purchase.objects.filter(
        corporate=corporate, status__in=COUNTING, created_at__gte=month_start(now or timezone.now())
    ).aggregate(amount=Sum("amount"), discounted=Sum("discount_base"))
    return MonthlyRoom(
        purchase=max(0, corporate.monthly_purchase_limit - (used["amount"] or 0)),
        discount=max(0, corporate.monthly_discount_limit - (used["discounted"] or 0)),
    )


def discount_for(*, amount: int, rate: Decimal, discount_room: int) -> tuple[int, int]:
    """(discounted part, discount) = (min(amount, room), ⌊that × rate %⌋), in integer won."""
    base = min(amount, discount_room)
    discount = (Decimal(base) * Decimal(rate) / Decimal(100)).to_integral_value(ROUND_FLOOR)
    return base, int(discount)


def _amount_check(amount) -> int:
    """A positive multiple of 1,000 won, at most WON_MAX (so neither the month's sums nor the
    discount arithmetic can overflow a column): else `invalid_purchase_amount`."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        valid = False
    else:
        valid = amount % AMOUNT_UNIT == 0
    if not valid:
        raise DomainError(
            PurchaseErrorCode.INVALID_PURCHASE_AMOUNT,
            _("The amount must be a positive multiple of 1,000 won."),
            attr="amount",
        )
    if amount > WON_MAX:
        raise DomainError(
            PurchaseErrorCode.INVALID_PURCHASE_AMOUNT,
            _("The amount must be at most %(max)s won.") % {"max": f"{WON_MAX:,}"},
            attr="amount",
        )
    return amount


def purchase_request(
    *, manager: CorporateManager, amount: int, now: dt.datetime | None = None
) -> Purchase:
    """A master or general admin asks to buy `amount` won (SPEC §7.3; manual 004 §2.2).

    The limits are read and the row written under the corporate's row lock, so concurrent
    requests cannot together overrun the monthly purchase or discount limit. Above the remaining
    purchase limit → 400 `monthly_limit_exceeded` with `remaining` in the error.
    """
    amount = _amount_check(amount)
    now = now or timezone.now()
    with transaction.atomic():
        corporate = Corporate.objects.select_for_update().get(pk=manager.corporate_id)
        if corporate.status != Corporate.Status.APPROVED:
            raise Conflict(
                CorporateErrorCode.CORPORATE_NOT_APPROVED, _("The company is not approved yet.")
            )
        account = BankAccount.objects.filter(
            corporate=corporate, status=BankAccount.Status.IN_USE
        ).first()
        if account is None:
            raise Conflict(
                PurchaseErrorCode.NO_ACCOUNT_IN_USE,
                _("The company has no bank account in use to transfer from."),
            )
        room = monthly_room(corporate=corporate, now=now)
        if amount > room.purchase:
            raise DomainError(
                PurchaseErrorCode.MONTHLY_LIMIT_EXCEEDED,
                _("The amount exceeds this month's remaining purchase limit of %(remaining)s won.")
                % {"remaining": f"{room.purchase:,}"},
                attr="amount",
                extra={"remaining": room.purchase},
            )
        base, discount = discount_for(
            amount=amount, rate=corporate.discount_rate, discount_room=room.discount
        )
        purchase = Purchase.objects.create(
            corporate=corporate,
            requested_by=manager.member,
            amount=amount,
            discount_rate=corporate.discount_rate,
            discount_base=base,
            discount_amount=discount,
            deposit_amount=amount - discount,
            depositor_bank_code=account.bank_code,
            depositor_account_masked=mask_account(account.number),
            depositor_holder=account.holder,
            deposit_deadline=deposit_deadline(now),
            documents_required=amount >= DOCUMENTS_THRESHOLD,
            created_at=now,
        )
        purchase_requested_event(purchase, actor=manager.member)
    return purchase


def purchase_list(
    *, corporates: QuerySet[Corporate], filters: dict | None = None
) -> QuerySet[Purchase]:
    """Purchases of the corporates in the caller's scope (SPEC §7.3 history). `filters`:
    `period`, `date_from`/`date_to` (Asia/Seoul days, inclusive), `status`, `corporate`,
    `ordering`; newest first by default."""
    filters = filters or {}
    purchases = history_filter(Purchase.objects.filter(corporate__in=corporates), filters)
    if filters.get("status"):
        purchases = purchases.filter(status=filters["status"])
    ordering = filters.get("ordering")
    if ordering:
        purchases = purchases.order_by(ordering, "-id")
    return purchases


def purchase_summary(*, corporates: QuerySet[Corporate], now: dt.datetime | None = None) -> dict:
    """The dashboard's four cards (manual 004 §2.1): balance of valid purchases, the last
    purchase (not cancelled), the total ever approved, and registered (not deleted) accounts."""
    purchases = Purchase.objects.filter(corporate__in=corporates)
    totals = purchases.aggregate(
        balance=Sum("balance", filter=valid_purchases(now=now)),
        approved_total=Sum("amount", filter=Q(approved_at__isnull=False)),
    )
    last = purchases.exclude(status=Status.CANCELLED).order_by("-created_at", "-id").first()
    accounts = BankAccount.objects.filter(corporate__in=corporates).exclude(
        status=BankAccount.Status.DELETED
    )
    return {
        "balance": totals["balance"] or 0,
        "last_purchase_amount": last.amount if last else None,
        "last_purchase_at": last.created_at if last else None,
        "approved_total": totals["approved_total"] or 0,
        "registered_accounts": accounts.count(),
    }


def purchase_get(*, corporates: QuerySet[Corporate], purchase_id: int) -> Purchase:
    """One purchase in the caller's scope; another company's is a 404 (SPEC §8)."""
    purchase = Purchase.objects.filter(corporate__in=corporates, pk=purchase_id).first()
    if purchase is None:
        raise _not_found()
    return purchase


def _lock(*, corporates: QuerySet[Corporate], purchase_id: int) -> Purchase:
    purchase = (
        Purchase.objects.select_for_update()
        .filter(corporate__in=corporates.values("pk"), pk=purchase_id)
        .first()
    )
    if purchase is None:
        raise _not_found()
    return purchase


def purchase_documents_received(
    *, corporates: QuerySet[Corporate], staff, purchase_id: int
) -> Purchase:
    """Staff mark the documents of a ≥ 10,000,000 won purchase received (SPEC §7.3); again is a
    no-op."""
    with transaction.atomic():
        purchase = _lock(corporates=corporates, purchase_id=purchase_id)
        if not purchase.documents_required:
            raise Conflict(
                PurchaseErrorCode.DOCUMENTS_NOT_REQUIRED,
                _("This purchase does not need documents."),
            )
        if purchase.documents_received_at is None:
            purchase.documents_received_at = timezone.now()
            purchase.save(update_fields=["documents_received_at"])
            purchase_documents_received_event(purchase, actor=staff)
    return purchase


def _add_years(moment: dt.datetime, years: int) -> dt.datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)


def purchase_approve(*, corporates: QuerySet[Corporate], staff, purchase_id: int) -> Purchase:
    """Staff approve a pending purchase after its deposit (SPEC §7.3): balance = amount, valid
    until approval + 5 years; refused `documents_missing` until required documents are in.
    The requester is told by SMS (through the outbox, after commit)."""
    with transaction.atomic():
        purchase = _lock(corporates=corporates, purchase_id=purchase_id)
        if purchase.documents_required and purchase.documents_received_at is None:
            raise Conflict(
                PurchaseErrorCode.DOCUMENTS_MISSING,
                _("The documents of a purchase of 10,000,000 won or more are not received yet."),
            )
        now = timezone.now()
        transition(
            purchase,
            Status.APPROVED,
            event=purchase_approved_event,
            fields={
                "balance": purchase.amount,
                "approved_by": staff,
                "approved_at": now,
                "expires_at": _add_years(timezone.localtime(now), VALIDITY_YEARS),
            },
            actor=staff,
        )
        _requester_notify(purchase)
    return purchase


def _requester_notify(purchase: Purchase) -> None:
    member = purchase.requested_by
    if member is None:
        return
    corporate = purchase.corporate
    until = timezone.localtime(purchase.expires_at).date().isoformat()
    text = messages.PURCHASE_APPROVED.render(
        site=corporate.site.name,
        corporate=corporate.name,
        amount=f"{purchase.amount:,}",
        until=until,
    )
    member_notify(
        member=member,
        title=text.title,
        body=text.body,
        purpose="purchase_approved",
        prefer="sms",
    )


def purchase_cancel(*, manager: CorporateManager, purchase_id: int) -> Purchase:
    """The company cancels its own purchase, only while pending (SPEC §7.3; 409 otherwise);
    the month's limits get its amount back."""
    corporates = Corporate.objects.filter(pk=manager.corporate_id)
    with transaction.atomic():
        purchase = _lock(corporates=corporates, purchase_id=purchase_id)
        transition(
            purchase,
            Status.CANCELLED,
            event=purchase_cancelled_event,
            fields={"cancelled_at": timezone.now()},
            actor=manager.member,
        )
    return purchase


def purchase_refund(*, corporates: QuerySet[Corporate], staff, purchase_id: int) -> Purchase:
    """Staff refund the remaining balance of an approved purchase to the account in use (SPEC
    §7.3); refused `balance_reserved` while a dispatch not yet sent holds part of it."""
    with transaction.atomic():
        purchase = _lock(corporates=corporates, purchase_id=purchase_id)
        if purchase.status == Status.APPROVED and purchase.reserved > 0:
            raise Conflict(
                PurchaseErrorCode.BALANCE_RESERVED,
                _("Part of the balance is held by a dispatch not yet sent."),
                extra={"reserved": purchase.reserved},
            )
        refunded = purchase.balance
        transition(
            purchase,
            Status.REFUNDED,
            event=purchase_refunded_event,
            fields={"balance": 0, "refund_amount": refunded, "refunded_at": timezone.now()},
            actor=staff,
            refunded=refunded,
        )
    return purchase


def purchases_expire(*, now: dt.datetime | None = None) -> list[Purchase]:
    """Daily: approved purchases past their validity become expired (SPEC §7.3).

    Only the status moves: `balance` and `reserved` stay as they are, so balance + reserved +
    sent = amount still holds. Money reserved by a dispatch not yet sent stays held until that
    dispatch's sending time, when it fails (`purchase_expired`) and releases it into this
    purchase's balance, unusable (domain.dispatches.sending). Nothing is spent after the
    purchase's `expires_at`, whether this job ran first or not."""
    now = now or timezone.now()
    due = Purchase.objects.filter(status=Status.APPROVED, expires_at__lte=now)
    return transition_many(due, Status.EXPIRED, event=purchase_expired_event)


def purchase_valid(purchase: Purchase, *, now: dt.datetime | None = None) -> bool:
    """Approved and not past its validity at `now` (SPEC §7.3): only then may its balance be
    drawn on, spent or given back (the rule `valid_purchases` filters by)."""
    return (
        purchase.status == Status.APPROVED
        and purchase.expires_at is not None
        and purchase.expires_at > (now or timezone.now())
    )


def purchase_balance_usable(purchase: Purchase, *, now: dt.datetime | None = None) -> int:
    """Won of `purchase` a dispatch may draw on now: 0 unless approved and unexpired (SPEC §7.4
    calls this before taking an amount)."""
    return max(0, purchase.balance) if purchase_valid(purchase, now=now) else 0


def valid_purchases(*, now: dt.datetime | None = None) -> Q:
    """Approved and not past their validity (the dashboard's balance)."""
    return Q(status=Status.APPROVED, expires_at__gt=now or timezone.now())
