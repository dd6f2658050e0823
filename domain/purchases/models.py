"""onnuri-biz purchases of gift-certificate credit (SPEC §7.3; manual 004 §2.1–2.2).

Money is an integer number of won everywhere; CHECK constraints keep the balance sane even if a
service were wrong.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Mod
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from domain.common.transitions import StatusMachine

AMOUNT_UNIT = 1_000  # won: amounts are whole thousands (SPEC §7.3)


class Purchase(StatusMachine, models.Model):
    """A company's purchase request; once approved, a balance gifts draw on (SPEC §7.3, §7.4)."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("purchase status", "Pending")  # 대기
        APPROVED = "approved", pgettext_lazy("purchase status", "Approved")  # 승인
        CANCELLED = "cancelled", pgettext_lazy("purchase status", "Cancelled")  # 취소
        REFUNDED = "refunded", pgettext_lazy("purchase status", "Refunded")  # 환불
        EXPIRED = "expired", pgettext_lazy("purchase status", "Expired")  # 만료

    TRANSITIONS = {
        Status.PENDING: {Status.APPROVED, Status.CANCELLED},
        Status.APPROVED: {Status.REFUNDED, Status.EXPIRED},
        Status.CANCELLED: set(),
        Status.REFUNDED: set(),
        Status.EXPIRED: set(),
    }

    corporate = models.ForeignKey(
        "corporates.Corporate", on_delete=models.PROTECT, related_name="purchases"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    amount = models.PositiveBigIntegerField(help_text="Won; a positive multiple of 1,000.")
    discount_rate = models.DecimalField(max_digits=4, decimal_places=2, help_text="Percent.")
    discount_base = models.PositiveBigIntegerField(
        default=0, help_text="Won of `amount` bought at the discount (counts on the monthly limit)."
    )
    discount_amount = models.PositiveBigIntegerField(help_text="Won.")
    deposit_amount = models.PositiveBigIntegerField(help_text="Won to transfer: amount − discount.")
    # The depositor account (the company's account in use at request time), masked (SPEC §13).
    depositor_bank_code = models.CharField(max_length=3)
    depositor_account_masked = models.CharField(max_length=20)
    depositor_holder = models.CharField(max_length=100)
    deposit_deadline = models.DateTimeField(help_text="Before 15:00 on a business day.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    balance = models.BigIntegerField(default=0)
    reserved = models.BigIntegerField(default=0, help_text="Won held by dispatches not yet sent.")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    documents_required = models.BooleanField(default=False)
    documents_received_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)
    refund_amount = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["corporate", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0) & Exact(Mod(F("amount"), AMOUNT_UNIT), 0),
                name="purchase_amount_positive_thousands",
            ),
            models.CheckConstraint(condition=Q(balance__gte=0), name="purchase_balance_gte_0"),
            models.CheckConstraint(condition=Q(reserved__gte=0), name="purchase_reserved_gte_0"),
            models.CheckConstraint(
                condition=Q(balance__lte=F("amount") - F("reserved")),
                name="purchase_balance_reserved_lte_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"purchase {self.pk} {self.status}"


class PurchaseEventType(models.TextChoices):
    REQUESTED = "requested"
    DOCUMENTS_RECEIVED = "documents_received"
    APPROVED = "approved"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"
    EXPIRED = "expired"
    # Dispatches drawing on the balance (domain.purchases.ledger; SPEC §7.4).
    RESERVED = "reserved"
    RELEASED = "released"
    SPENT = "spent"
    RETURNED = "returned"
    DEPOSIT_MATCHED = "deposit_matched"  # a bank statement row confirmed as its deposit


class PurchaseEvent(models.Model):
    """Everything that happens to a purchase (STYLE: events), written by
    domain.purchases.events; status and balance before and after each."""

    purchase = models.ForeignKey(Purchase, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=24, choices=PurchaseEventType.choices)
    old_status = models.CharField(max_length=10, blank=True)
    new_status = models.CharField(max_length=10, blank=True)
    old_balance = models.BigIntegerField(default=0)
    new_balance = models.BigIntegerField(default=0)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    parameters = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]


# --- Deposit matching (beyond manual 004, where companies phone the call
# centre): staff upload the receiving account's statement, the server proposes a pending purchase
# for each row (domain.purchases.matching), staff confirm (domain.purchases.deposits).


class DepositStatement(models.Model):
    """One uploaded bank statement of the receiving account (입금내역). Only its rows are kept,
    not the file; `errors` holds the rows that could not be read, as
    `[{"row", "column", "code"}]` (codes of domain.purchases.statements.StatementRowErrorCode)."""

    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    file_name = models.CharField(max_length=255)
    errors = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["site", "created_at"])]

    def __str__(self) -> str:
        return f"deposit statement {self.pk} {self.file_name}"


class DepositStatementRow(StatusMachine, models.Model):
    """A deposit of the statement and what the server proposed for it. A row is confirmed at most
    once, and a purchase is the confirmed match of at most one row (a unique constraint), so one
    deposit never approves two purchases nor one purchase twice."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", pgettext_lazy("deposit row status", "Proposed")  # 매칭 제안
        AMBIGUOUS = "ambiguous", pgettext_lazy("deposit row status", "Ambiguous")  # 후보 여럿
        UNMATCHED = "unmatched", pgettext_lazy("deposit row status", "Unmatched")  # 미매칭
        CONFIRMED = "confirmed", pgettext_lazy("deposit row status", "Confirmed")  # 확정

    class Reason(models.TextChoices):
        """Why an unmatched row has no candidate (checked in this order)."""

        NO_PURCHASE_WITH_AMOUNT = (
            "no_purchase_with_amount",
            pgettext_lazy("deposit row reason", "No pending purchase with this deposit amount"),
        )
        DEPOSITOR_NOT_MATCHING = (
            "depositor_not_matching",
            pgettext_lazy(
                "deposit row reason",
                "No company name or account holder equals the depositor or begins with it",
            ),
        )
        DEPOSITED_BEFORE_REQUEST = (
            "deposited_before_request",
            pgettext_lazy("deposit row reason", "Deposited before the purchase was requested"),
        )

    class NameMatch(models.TextChoices):
        """How the candidates' company name or account holder matched the depositor (both
        normalised; domain.purchases.matching)."""

        EXACT = "exact", pgettext_lazy("deposit name match", "The same name")
        PREFIX = (
            "prefix",
            pgettext_lazy(
                "deposit name match", "The depositor is the start of the name (cut short)"
            ),
        )

    TRANSITIONS = {
        Status.PROPOSED: {Status.CONFIRMED},
        Status.AMBIGUOUS: {Status.CONFIRMED},
        Status.UNMATCHED: set(),
        Status.CONFIRMED: set(),
    }

    statement = models.ForeignKey(DepositStatement, on_delete=models.CASCADE, related_name="rows")
    number = models.PositiveIntegerField(help_text="The row in the file (the header's row counts).")
    deposited_at = models.DateTimeField()
    depositor = models.CharField(max_length=100)
    amount = models.PositiveBigIntegerField(help_text="Won.")
    status = models.CharField(max_length=10, choices=Status.choices)
    reason = models.CharField(max_length=24, choices=Reason.choices, blank=True)
    name_match = models.CharField(
        max_length=6,
        choices=NameMatch.choices,
        blank=True,
        help_text="Proposed and ambiguous rows: exact, or prefix (a cut-off depositor name).",
    )
    proposed_purchase = models.ForeignKey(
        Purchase, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    candidates = models.ManyToManyField(Purchase, blank=True, related_name="+")
    confirmed_purchase = models.ForeignKey(
        Purchase, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["statement", "number"]
        constraints = [
            # A purchase is matched by at most one statement row (NULLs do not collide).
            models.UniqueConstraint(
                fields=["confirmed_purchase"], name="deposit_row_purchase_matched_once"
            ),
            models.CheckConstraint(
                condition=Q(status="confirmed", confirmed_purchase__isnull=False)
                | (~Q(status="confirmed") & Q(confirmed_purchase__isnull=True)),
                name="deposit_row_confirmed_has_purchase",
            ),
        ]

    def __str__(self) -> str:
        return f"deposit row {self.statement_id}:{self.number} {self.status}"
