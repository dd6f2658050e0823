from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain.common.transitions import StatusMachine


class OutboxMessage(StatusMachine, models.Model):
    """One SMS or email waiting to be sent, sent, or given up on (SPEC §9 transactional outbox).

    Written in the same transaction as the change that causes it, so a rolled-back change never
    sends anything. It holds only what is to be sent; `last_error` never holds the body.
    """

    class Channel(models.TextChoices):
        SMS = "sms", "SMS"
        EMAIL = "email", "Email"

    class Kind(models.TextChoices):
        SMS = "sms", "SMS"  # 단문
        LMS = "lms", "LMS"  # 장문
        MMS = "mms", "MMS"  # 멀티미디어
        EMAIL = "email", "Email"

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Not sent")

    # SENDING → PENDING is a failed attempt that will be retried; SENT and FAILED are final.
    TRANSITIONS = {
        Status.PENDING: {Status.SENDING},
        Status.SENDING: {Status.SENT, Status.PENDING, Status.FAILED},
        Status.SENT: set(),
        Status.FAILED: set(),
    }

    site = models.ForeignKey(
        "sites.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outbox_messages",
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    to = models.CharField(max_length=254, help_text="Mobile number (digits) or email address.")
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    image = models.CharField(
        max_length=255, blank=True, help_text="MMS image (JPG): its private storage name."
    )
    # Carries a secret (one-time code, temporary password): the body is erased once the
    # message is sent or given up on, so the outbox never keeps it (SPEC §14).
    sensitive = models.BooleanField(default=False)
    purpose = models.CharField(max_length=40, blank=True, help_text='e.g. "password_reset".')
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Pending: when the next attempt is due. Sending: when the claim's lease ends
    # (domain.common.leases; `claim_token` names the claim, so a late worker cannot record).
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claim_token = models.CharField(max_length=32, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    provider_message_id = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        verbose_name = "outbox message"

    def __str__(self) -> str:
        return f"{self.channel} #{self.pk} {self.status}"
