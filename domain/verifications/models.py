import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain.common.transitions import StatusMachine


class Verification(StatusMachine, models.Model):
    """A short-lived identity verification session (SPEC §4 본인인증).

    pending → verified | failed | expired; verified → consumed when its single-use token is
    presented to the call it was made for. The verified identity is kept only until the
    verification is consumed or expires (a cleanup job blanks it); CI/DI only as keyed hashes.
    """

    class Purpose(models.TextChoices):
        SIGN_UP = "sign_up"
        FIND_ID = "find_id"
        RESET_PASSWORD = "reset_password"
        PROFILE_UPDATE = "profile_update"
        GUARDIAN = "guardian"
        LOGIN_OTP = "login_otp"
        DISPATCH_SEND = "dispatch_send"
        INVITATION = "invitation"

    class Method(models.TextChoices):
        MOBILE = "mobile"
        IPIN = "ipin"
        CARD = "card"
        GOOGLE = "google"
        BUSINESS_CERTIFICATE = "business_certificate"
        SMS_CODE = "sms_code"

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting confirmation")
        VERIFIED = "verified", _("Verified")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")
        CONSUMED = "consumed", _("Used")

    TRANSITIONS = {
        Status.PENDING: {Status.VERIFIED, Status.FAILED, Status.EXPIRED},
        Status.VERIFIED: {Status.CONSUMED, Status.EXPIRED},
        Status.FAILED: set(),
        Status.EXPIRED: set(),
        Status.CONSUMED: set(),
    }

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    method = models.CharField(max_length=24, choices=Method.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    provider = models.CharField(max_length=40, blank=True)
    # A real provider's transaction id: one result can confirm one verification only.
    provider_tx_id = models.CharField(max_length=200, blank=True)
    # Who started it, for purposes that need a login (profile_update, login_otp, dispatch_send).
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    phone = models.CharField(max_length=11, blank=True, help_text="sms_code: the number texted.")
    business_number = models.CharField(max_length=10, blank=True)
    challenge = models.CharField(max_length=64, blank=True)
    code_hash = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    # The verified result (blanked by the cleanup job once consumed or expired).
    name = models.CharField(max_length=100, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=8, blank=True)
    nationality = models.CharField(max_length=8, blank=True)
    mobile = models.CharField(max_length=11, blank=True)
    carrier = models.CharField(max_length=20, blank=True)
    ci_hash = models.CharField(max_length=64, blank=True)
    di_hash = models.CharField(max_length=64, blank=True)
    # The single-use token handed out on confirm, stored hashed (SPEC §14).
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    consumed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["method", "phone", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_tx_id"],
                condition=~models.Q(provider_tx_id=""),
                name="verification_provider_tx_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.purpose}/{self.method} {self.status}"

    def is_expired(self, now=None) -> bool:
        return self.expires_at <= (now or timezone.now())


class VerificationEvent(models.Model):
    """Lifecycle of a verification (STYLE: every lifecycle writes events); written by the helpers
    of domain.verifications.events."""

    class Type(models.TextChoices):
        STARTED = "started"
        ATTEMPT_FAILED = "attempt_failed"  # a wrong code or signature; attempts left or not
        FAILED = "failed"
        VERIFIED = "verified"
        EXPIRED = "expired"
        CONSUMED = "consumed"

    verification = models.ForeignKey(Verification, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=30, choices=Type.choices)
    parameters = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
