from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEvent(models.Model):
    """One thing that happened to a member or account (SPEC §14; Saleor's OrderEvent shape).

    `parameters` never holds secrets or an RRN; `subject_username` keeps the attempted ID for
    failed logins of unknown IDs, which have no member row.
    """

    class Type(models.TextChoices):
        LOGIN_SUCCEEDED = "login_succeeded"
        LOGIN_PASSWORD_VERIFIED = "login_password_verified"
        LOGIN_FAILED = "login_failed"
        ACCOUNT_LOCKED = "account_locked"
        # A wrong (or locked-out) current password before a password change or withdrawal.
        PASSWORD_CHECK_FAILED = "password_check_failed"
        LOGOUT = "logout"
        TOKEN_REFRESHED = "token_refreshed"
        PASSWORD_CHANGED = "password_changed"
        PASSWORD_RESET = "password_reset"
        MEMBER_CREATED = "member_created"
        MEMBER_UPDATED = "member_updated"
        # Status changes of a member (domain.members.events; SPEC §5, §7.1).
        MEMBER_ACTIVATED = "member_activated"
        MEMBER_REJECTED = "member_rejected"
        MEMBER_SUSPENDED = "member_suspended"
        MEMBER_WITHDRAWN = "member_withdrawn"
        CONSENT_AGREED = "consent_agreed"
        CONSENT_WITHDRAWN = "consent_withdrawn"
        NAME_CHANGE_REQUESTED = "name_change_requested"
        NAME_CHANGE_APPROVED = "name_change_approved"
        NAME_CHANGE_REJECTED = "name_change_rejected"
        SOCIAL_LINKED = "social_linked"
        SOCIAL_UNLINKED = "social_unlinked"
        RE_VERIFIED = "re_verified"
        MASTER_TRANSFERRED = "master_transferred"
        # Access log (SPEC §14): a staff read of another member's personal data.
        PERSONAL_DATA_VIEWED = "personal_data_viewed"
        SITE_POLICY_CHANGED = "site_policy_changed"

    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, null=True, blank=True)
    type = models.CharField(max_length=40, choices=Type.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    subject_username = models.CharField(max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    parameters = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["site", "type", "created_at"])]

    def __str__(self) -> str:
        return f"{self.type} {self.subject_username or self.member_id}"
