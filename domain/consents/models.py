"""Consent documents, the records of members agreeing to them, and marketing reminders (SPEC §3).

A document version, once agreed to, is legal evidence: a new text is published as a new row with
a higher version, never by editing the old one, and records are never deleted.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain.sites.models import Site


class ConsentDocument(models.Model):
    """One version of a consent text (약관·개인정보 수집·이용 동의 등) of a site.

    The current version of a code is the highest version whose `effective_at` has come.
    """

    class Scope(models.TextChoices):
        SIGN_UP = "sign_up", _("Sign-up")
        # Asked only when a yongin-library member applies for an upgrade (MOIS check, SPEC §6).
        LIBRARY_UPGRADE = "library_upgrade", _("Library upgrade")

    class Channel(models.TextChoices):
        """How a marketing consent's holder is contacted (its 2-yearly reminder, SPEC §13)."""

        SMS = "sms", _("SMS")
        EMAIL = "email", _("Email")

    site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, related_name="consent_documents"
    )
    code = models.SlugField(max_length=50)
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(
        help_text="PIPA art. 15(2): purpose, items, retention period, and the right to refuse "
        "with its consequence."
    )
    required = models.BooleanField()
    kinds = models.JSONField(help_text='Member kind codes it applies to, e.g. ["general"].')
    scope = models.CharField(max_length=20, choices=Scope.choices, default=Scope.SIGN_UP)
    is_marketing = models.BooleanField(
        default=False, help_text="An advertising opt-in (SMS/email); reconfirmed every 2 years."
    )
    channel = models.CharField(
        max_length=8,
        choices=Channel.choices,
        blank=True,
        help_text="Marketing only: the channel it covers; blank for both (email, else SMS).",
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Display order.")
    effective_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["site", "position", "code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "code", "version"], name="consent_document_version_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(version__gte=1), name="consent_document_version_positive"
            ),
        ]
        indexes = [models.Index(fields=["site", "scope", "effective_at"])]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        self._site_touch()

    def delete(self, *args, **kwargs):
        deleted = super().delete(*args, **kwargs)
        self._site_touch()
        return deleted

    def clean(self) -> None:
        if not isinstance(self.kinds, list) or not self.kinds:
            raise ValidationError({"kinds": _("List at least one member kind.")})
        if self.site_id:
            known = {kind.code for kind in self.site.rules.member_kinds}
            unknown = [kind for kind in self.kinds if kind not in known]
            if unknown:
                raise ValidationError(
                    {"kinds": _("Unknown member kinds: %(kinds)s") % {"kinds": ", ".join(unknown)}}
                )
        if self.channel and not self.is_marketing:
            raise ValidationError({"channel": _("Only a marketing consent has a channel.")})

    def applies_to(self, kind: str) -> bool:
        return kind in (self.kinds or [])

    def _site_touch(self) -> None:
        # The cached required-action answers of the site's members are tagged with the site's
        # `updated_at` (selectors.consents_pending_cached): a new version is seen at once.
        Site.objects.filter(pk=self.site_id).update(updated_at=timezone.now())


class ConsentRecord(models.Model):
    """A member's answer to one document version, with when and from where (SPEC §3).

    Kept after the member withdraws (legal evidence): members are anonymised, never deleted, and
    the API never deletes a record. A withdrawal stamps `withdrawn_at` on the active agreements
    and adds a record with `agreed=False`.
    """

    class Source(models.TextChoices):
        SIGN_UP = "sign_up", _("Sign-up")
        RE_CONSENT = "re_consent", _("Re-consent to a new version")
        MEMBER = "member", _("Member's own change")
        GUARDIAN = "guardian", _("Guardian (legal representative)")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consent_records"
    )
    document = models.ForeignKey(ConsentDocument, on_delete=models.PROTECT, related_name="records")
    # Copied from the document so the evidence reads on its own.
    code = models.SlugField(max_length=50)
    version = models.PositiveIntegerField()
    agreed = models.BooleanField()
    created_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=16, choices=Source.choices)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["member", "code", "created_at"]),
            models.Index(fields=["document", "member"]),
        ]

    def __str__(self) -> str:
        answer = "agreed" if self.agreed else "refused"
        return f"{self.member_id} {self.code} v{self.version} {answer}"

    @property
    def is_active_agreement(self) -> bool:
        return self.agreed and self.withdrawn_at is None


class ConsentReminder(models.Model):
    """The 2-yearly notice of a marketing opt-in (정보통신망법 art. 50(8), SPEC §13).

    `cycle` n means the notice for the n-th 2-year period after the agreement in `record`;
    the unique constraint makes the job safe to run twice. A new agreement starts new cycles.
    """

    record = models.ForeignKey(ConsentRecord, on_delete=models.PROTECT, related_name="reminders")
    cycle = models.PositiveSmallIntegerField()
    channel = models.CharField(max_length=8, choices=ConsentDocument.Channel.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["record", "cycle"], name="consent_reminder_once")
        ]

    def __str__(self) -> str:
        return f"reminder {self.record_id} cycle {self.cycle}"
