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
