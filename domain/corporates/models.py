"""onnuri-biz corporates, their managers, invitations and bank accounts (SPEC §7.1, §7.2)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from domain.common.capabilities import Role as CapabilityRole
from domain.common.transitions import StatusMachine

from .banks import BANKS


class Corporate(StatusMachine, models.Model):
    """A company that buys gift certificates (기업). Joins pending review (manual 004 §1.1)."""

    class Status(models.TextChoices):
        PENDING_REVIEW = "pending_review", _("Pending review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    TRANSITIONS = {
        Status.PENDING_REVIEW: {Status.APPROVED, Status.REJECTED},
        Status.APPROVED: set(),
        Status.REJECTED: set(),
    }

    class HeadcountDocument(models.TextChoices):
        """One of the three documents proving the headcount, issued within a month."""

        WITHHOLDING_TAX_REPORT = "withholding_tax_report"  # 원천징수이행상황신고서
        SUBSCRIBER_LIST = "subscriber_list"  # 사업장 가입자별 부과내역(현황)
        INSURANCE_STATEMENT = "insurance_statement"  # 월별 보험료 부과내역(고용/산재)

    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=100, help_text="상호명, as on the certificate.")
    business_number = models.CharField(max_length=10)
    representative_name = models.CharField(max_length=100)
    representative_phone = models.CharField(max_length=12)
    registration_certificate = models.CharField(max_length=255, help_text="Private path.")
    registration_certificate_type = models.CharField(max_length=40)
    headcount = models.PositiveIntegerField()
    headcount_document_type = models.CharField(max_length=30, choices=HeadcountDocument.choices)
    headcount_document = models.CharField(max_length=255, help_text="Private path.")
    headcount_document_content_type = models.CharField(max_length=40)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING_REVIEW)
    reject_reason = models.CharField(max_length=300, blank=True)
    # Purchase terms set by staff (SPEC §7.3); defaults by headcount (domain.corporates.terms).
    discount_rate = models.DecimalField(
        max_digits=4, decimal_places=2, help_text="Percent, e.g. 5.00."
    )
    monthly_discount_limit = models.PositiveBigIntegerField(help_text="Won.")
    monthly_purchase_limit = models.PositiveBigIntegerField(help_text="Won.")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # A rejected application does not block the company from applying again.
            models.UniqueConstraint(
                fields=["site", "business_number"],
                condition=~Q(status="rejected"),
                name="corporate_business_number_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CorporateEventType(models.TextChoices):
    """The corporate's own lifecycle and its admins (CorporateManager has no status)."""

    SIGNED_UP = "signed_up"
    APPROVED = "approved"
    REJECTED = "rejected"
    TERMS_CHANGED = "terms_changed"
    ADMIN_DELETED = "admin_deleted"
    ADMIN_PASSWORD_RESET = "admin_password_reset"
    ADMIN_WITHDREW = "admin_withdrew"
    MASTER_TRANSFERRED = "master_transferred"


class InvitationEventType(models.TextChoices):
    INVITED = "admin_invited"
    RESENT = "invitation_resent"
    CANCELLED = "invitation_cancelled"
    ACCEPTED = "admin_joined"


class BankAccountEventType(models.TextChoices):
    REQUESTED = "account_requested"
    REQUEST_DELETED = "account_request_deleted"  # the master withdrew the request
    REJECTED = "account_rejected"  # refused by staff, or withdrawn with a rejected sign-up
    APPROVED = "account_approved"
    RETIRED = "account_retired"  # replaced by a newly approved account (SPEC §7.2)


class CorporateEvent(models.Model):
    """Everything that happens to a corporate, its admins, invitations and bank accounts
    (STYLE: events): three lifecycles, one table; written by domain.corporates.events."""

    corporate = models.ForeignKey(Corporate, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(
        max_length=40,
        choices=[
            *CorporateEventType.choices,
            *InvitationEventType.choices,
            *BankAccountEventType.choices,
        ],
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    parameters = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]


class CorporateManager(StatusMachine, models.Model):
    """A member's role in its corporate: master (one per corporate) or general admin.

    The row outlives the admin's account: one who withdraws (탈퇴) or whom the master deletes
    (삭제) stays in the members list with that state (manual 004 §4.1), keeping only the masked
    name. An admin who joined by invitation carries it, so the list's entry keeps one id from
    invitation to departure (domain.corporates.corporate_admins).
    """

    class Role(models.TextChoices):
        MASTER = "master"  # 마스터 관리자
        GENERAL = "general"  # 일반관리자

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        WITHDRAWN = "withdrawn", _("Withdrawn")  # 탈퇴: the admin left
        DELETED = "deleted", pgettext_lazy("members list", "Deleted")  # 삭제: by the master

    TRANSITIONS = {
        Status.ACTIVE: {Status.WITHDRAWN, Status.DELETED},
        Status.WITHDRAWN: set(),
        Status.DELETED: set(),
    }

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="corporate_manager"
    )
    corporate = models.ForeignKey(Corporate, on_delete=models.PROTECT, related_name="managers")
    role = models.CharField(max_length=8, choices=Role.choices)
    department = models.CharField(max_length=100)
    position = models.CharField(max_length=100)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    invitation = models.OneToOneField(
        "Invitation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="manager",
        help_text="The invitation the admin joined by; none for the master who signed up.",
    )
    masked_name = models.CharField(
        max_length=100,
        blank=True,
        help_text="The name, masked (SPEC §13), kept for the list once the account is erased.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            # Exactly one master per corporate (SPEC §7.1 master transfer), even under races.
            models.UniqueConstraint(
                fields=["corporate"], condition=Q(role="master"), name="corporate_single_master"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role} of {self.corporate_id}"

    @property
    def capability_role(self) -> CapabilityRole:
        """This admin's role in the capability table (domain.common.capabilities)."""
        if self.role == self.Role.MASTER:
            return CapabilityRole.MASTER
        return CapabilityRole.GENERAL_ADMIN


class Invitation(StatusMachine, models.Model):
    """A master's invitation of a general admin by SMS link (manual 004 §1.2, §4.2)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Invited")
        ACCEPTED = "accepted", _("Joined")
        CANCELLED = "cancelled", _("Cancelled")

    TRANSITIONS = {
        Status.PENDING: {Status.ACCEPTED, Status.CANCELLED},
        Status.ACCEPTED: set(),
        Status.CANCELLED: set(),
    }

    corporate = models.ForeignKey(Corporate, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    name = models.CharField(max_length=100)
    department = models.CharField(max_length=100)
    position = models.CharField(max_length=100)
    mobile = models.CharField(max_length=11)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    sent_count = models.PositiveSmallIntegerField(default=1)
    accepted_member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"invitation {self.pk} {self.status}"

    @property
    def inviter_name(self) -> str:
        """Who invited (blank once that account is erased)."""
        return self.invited_by.name if self.invited_by_id else ""


class BankAccount(StatusMachine, models.Model):
    """A corporate's deposit account (SPEC §7.2): exactly one in use at a time."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending approval")  # 승인대기
        IN_USE = "in_use", _("In use")  # 사용중
        DELETED = "deleted", _("Deleted")  # 삭제 (retired, or a withdrawn request)

    TRANSITIONS = {
        Status.PENDING: {Status.IN_USE, Status.DELETED},
        Status.IN_USE: {Status.DELETED},
        Status.DELETED: set(),
    }

    corporate = models.ForeignKey(Corporate, on_delete=models.PROTECT, related_name="bank_accounts")
    bank_code = models.CharField(max_length=3, choices=sorted(BANKS.items()))
    number = models.CharField(max_length=14)
    holder = models.CharField(max_length=100)
    bankbook = models.CharField(max_length=255, help_text="Private path of the bankbook copy.")
    bankbook_content_type = models.CharField(max_length=40)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    reject_reason = models.CharField(
        max_length=300, blank=True, help_text="Why staff rejected the request (told by SMS)."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["corporate"],
                condition=Q(status="in_use"),
                name="bank_account_single_in_use",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bank_code}-{self.number[:6]}…"
