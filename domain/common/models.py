from django.conf import settings
from django.db import models
from django.utils import timezone


class LimitBucket(models.Model):
    """The recent uses of one limited action by one key (`domain.common.limits`).

    The key (a phone number, a member id) is stored only as a keyed hash; `hits` holds the
    POSIX times of the uses still inside the action's longest window.
    """

    scope = models.CharField(max_length=40)
    key_hash = models.CharField(max_length=64)
    hits = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key_hash"], name="limit_bucket_unique")
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key_hash[:8]}"


class IdempotencyRecord(models.Model):
    """The first answer to a POST sent with an `Idempotency-Key` (SPEC §14; api.idempotency).

    Unique per (caller, key): the insert of the row is the lock a concurrent duplicate waits on.
    """

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress"
        DONE = "done"

    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    caller = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)  # sha256 of method + path + canonical body
    state = models.CharField(max_length=12, choices=State.choices, default=State.IN_PROGRESS)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["caller", "key"], name="idempotency_caller_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.caller_id}:{self.key}"
