"""onnuri-biz dispatches: gifts sent by text message to a company's recipients (SPEC §7.4, §9;
manual 004 §3).

Money: a dispatch's total is reserved on one purchase when it is created (`Purchase.reserved`,
domain.purchases.ledger); each recipient's amount is spent when its message is sent, or given
back when it is removed, cancelled, failed, refused or reclaimed. Integer won everywhere; CHECK
constraints keep amounts sane even if a service were wrong.

Background sending claims recipients in batches with a lease (`lease_until`, `claim_token`) so a
worker killed mid-batch neither loses nor repeats a recipient.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Mod
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from domain.common.transitions import StatusMachine

AMOUNT_UNIT = 1_000  # won: gift amounts are whole thousands (manual 004 §3.1 template)


class Dispatch(StatusMachine, models.Model):
    """One 발송: a message and its recipients, drawn from one purchase (SPEC §7.4)."""

    class SendType(models.TextChoices):
        IMMEDIATE = "immediate", pgettext_lazy("send type", "Immediate")  # 즉시발송
        SCHEDULED = "scheduled", pgettext_lazy("send type", "Scheduled")  # 예약발송

    class Kind(models.TextChoices):
        SMS = "sms", "SMS"  # 단문
        LMS = "lms", "LMS"  # 장문
        MMS = "mms", "MMS"  # 멀티미디어 (with an image)

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("dispatch status", "Pending")  # 대기
        SENDING = "sending", pgettext_lazy("dispatch status", "Sending")  # 발송중
        COMPLETED = "completed", pgettext_lazy("dispatch status", "Completed")  # 완료
        CANCELLED = "cancelled", pgettext_lazy("dispatch status", "Cancelled")  # 취소
        FAILED = "failed", pgettext_lazy("dispatch status", "Failed")  # 발송실패: see FailureReason

    class FailureReason(models.TextChoices):
        """Why sending stopped before every recipient could be sent (`failure_reason`)."""

        PURCHASE_EXPIRED = (
            "purchase_expired",
            pgettext_lazy("dispatch failure", "The purchase expired before the sending time"),
        )

    TRANSITIONS = {
        Status.PENDING: {Status.SENDING, Status.CANCELLED},
        Status.SENDING: {Status.COMPLETED, Status.FAILED},
        Status.COMPLETED: set(),
        Status.CANCELLED: set(),
        Status.FAILED: set(),
    }

    corporate = models.ForeignKey(
        "corporates.Corporate", on_delete=models.PROTECT, related_name="dispatches"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(max_length=100)
    send_type = models.CharField(max_length=10, choices=SendType.choices)
    # When sending starts: the chosen time (scheduled) or the creation time (immediate).
    scheduled_at = models.DateTimeField()
    subject = models.CharField(max_length=40, blank=True, help_text="≤ 40 bytes in EUC-KR.")
    body = models.TextField(help_text="≤ 1,000 characters (SPEC §13).")
    kind = models.CharField(max_length=3, choices=Kind.choices)
    # MMS image (JPG < 300 KB, ≤ 1500×1440), stored privately like the corporates' documents.
    image = models.CharField(max_length=255, blank=True, help_text="Private storage name.")
    purchase = models.ForeignKey(
        "purchases.Purchase", on_delete=models.PROTECT, related_name="dispatches"
    )
    total = models.BigIntegerField(help_text="Won reserved on the purchase at creation.")
    recipient_count = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Set when sending stops for a reason of the dispatch's own (not a gateway's refusal): the
    # recipients not yet sent fail, their amount is released, and the dispatch ends failed.
    failure_reason = models.CharField(max_length=24, choices=FailureReason.choices, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "dispatches"  # the admin's index (not "dispatchs")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["corporate", "created_at"]),
            models.Index(fields=["status", "scheduled_at"]),  # the due-dispatch job
        ]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0), name="dispatch_total_gte_0"),
        ]

    def __str__(self) -> str:
        return f"dispatch {self.pk} {self.status}"


class Recipient(StatusMachine, models.Model):
    """One person's gift in a dispatch (manual 004 §3: 발송/수령/미수령/회수/고객거절)."""

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("gift status", "Queued")  # 발송 대기
        SENDING = "sending", pgettext_lazy("gift status", "Sending")  # claimed by a worker
        SENT = "sent", pgettext_lazy("gift status", "Unreceived")  # 미수령 (sent, not yet taken)
        RECEIVED = "received", pgettext_lazy("gift status", "Received")  # 수령
        REFUSED = "refused", pgettext_lazy("gift status", "Refused")  # 고객거절
        RECLAIMED = "reclaimed", pgettext_lazy("gift status", "Reclaimed")  # 회수
        # Not sent after 3 attempts, or never sent because the purchase expired first.
        FAILED = "failed", pgettext_lazy("gift status", "Failed")
        REMOVED = "removed", pgettext_lazy("gift status", "Removed")  # taken off before sending
        CANCELLED = "cancelled", pgettext_lazy("gift status", "Cancelled")  # dispatch cancelled

    # SENDING → QUEUED is a failed attempt that will be retried (or an expired lease);
    # QUEUED → FAILED: the purchase expired before the recipient could be sent.
    TRANSITIONS = {
        Status.QUEUED: {Status.SENDING, Status.REMOVED, Status.CANCELLED, Status.FAILED},
        Status.SENDING: {Status.SENT, Status.QUEUED, Status.FAILED},
        Status.SENT: {Status.RECEIVED, Status.REFUSED, Status.RECLAIMED},
        Status.RECEIVED: set(),
        Status.REFUSED: set(),
        Status.RECLAIMED: set(),
        Status.FAILED: set(),
        Status.REMOVED: set(),
        Status.CANCELLED: set(),
    }

    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="recipients")
    row = models.PositiveIntegerField(help_text="Position in the upload or the inline list.")
    name = models.CharField(max_length=50)
    mobile = models.CharField(max_length=11, help_text="Digits only, 01X…")
    amount = models.BigIntegerField(help_text="Won; a positive multiple of 1,000.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    # Keyed hash of the claim code in the message's link; the code itself is never stored.
    claim_code_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Background sending: a claim holds the row until `lease_until`; the
    # batch's key goes to the gateway as its request id where the gateway supports one.
    claim_token = models.CharField(max_length=32, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    batch_key = models.CharField(max_length=64, blank=True)
    provider_message_id = models.CharField(max_length=200, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True, help_text="Received/refused/…")

    class Meta:
        ordering = ["dispatch_id", "row", "id"]
        indexes = [
            models.Index(fields=["dispatch", "status"]),
            models.Index(fields=["status", "lease_until"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["dispatch", "mobile"], name="recipient_mobile_once"),
            models.CheckConstraint(
                condition=Q(amount__gt=0) & Exact(Mod(F("amount"), AMOUNT_UNIT), 0),
                name="recipient_amount_positive_thousands",
            ),
        ]

    def __str__(self) -> str:
        return f"recipient {self.pk} {self.status}"


class RecipientUpload(models.Model):
    """A parsed Excel upload kept for the create call: owned by the company,
    usable for a day. Holds only valid, normalised rows."""

    corporate = models.ForeignKey(
        "corporates.Corporate", on_delete=models.CASCADE, related_name="recipient_uploads"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    file_name = models.CharField(max_length=255, blank=True)
    rows = models.JSONField(default=list, help_text='[{"row", "name", "mobile", "amount"}, …]')
    count = models.PositiveIntegerField(default=0)
    total = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return f"upload {self.pk} ({self.count} rows)"


class DispatchEventType(models.TextChoices):
    CREATED = "created"
    EDITED = "edited"
    RECIPIENTS_REMOVED = "recipients_removed"
    CANCELLED = "cancelled"
    STARTED = "started"
    BATCH_SENT = "batch_sent"
    BATCH_RETRIED = "batch_retried"
    RECIPIENTS_FAILED = "recipients_failed"
    COMPLETED = "completed"
    FAILED = "failed"
    RECEIVED = "received"
    REFUSED = "refused"
    RECLAIMED = "reclaimed"


class DispatchEvent(models.Model):
    """Everything that happens to a dispatch or its recipients (STYLE: events), written only by
    the helpers of domain.dispatches.events. One row per change, in the change's transaction:

    - a move of the dispatch or of one recipient: `transition(..., event=helper)`;
    - a move of many recipients at once (a batch sent, failed or queued again, recipients
      removed, gifts reclaimed): one row for the rows that one `transition_many(...,
      batch_event=...)` moved (through `leases.record`/`release` when sending), whose
      `parameters` hold the recipient ids and `amount` the won moved; none when nothing moved
      (a batch whose lease expired back in the queue: one row per batch key);
    - a cancellation: the dispatch's one `cancelled` row covers its recipients' moves;
    - a creation or an edit of a scheduled dispatch (no status moves): its helper, directly.

    `old_status`/`new_status` are the dispatch's, or the recipients' for their outcomes
    (received, refused, reclaimed)."""

    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=24, choices=DispatchEventType.choices)
    old_status = models.CharField(max_length=10, blank=True)
    new_status = models.CharField(max_length=10, blank=True)
    amount = models.BigIntegerField(default=0, help_text="Won moved by this change, if any.")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    parameters = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]


class GiftAppSignature(models.Model):
    """A gift app callback signature already used: the unique insert is what
    refuses a replay, atomically, even when two copies arrive at once. Kept until the signature
    would be stale anyway (its timestamp + 5 minutes), then pruned daily."""

    signature = models.CharField(max_length=64, unique=True, help_text="Lowercase hex.")
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"gift app signature until {self.expires_at:%Y-%m-%d %H:%M}"
