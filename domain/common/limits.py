"""Per-key rate limits that hold under concurrency (SPEC §14).

"Count the recent rows, then insert one" lets every concurrent request count the same rows
and pass. `limit_take` instead locks one row per (scope, key) — a `LimitBucket`, created on
first use — counts the uses inside each window and records the new one, all under that lock
and inside the caller's transaction: concurrent uses queue on the row and are counted one
after another, on PostgreSQL (row lock) as on SQLite (whose IMMEDIATE transactions serialise
writers). A refusal records nothing and says when a place frees (`retry_after`, seconds: the
API's `Retry-After`); if the caller's transaction rolls back, the use is given back with it.

Used by the SMS code limits (per phone and purpose group) and the eligibility-check limit (per
member). Code tries need no bucket: the counter is the verification row itself, already
locked while a code is checked (`verification_confirm`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from .errors import DomainError
from .hashing import keyed_hash
from .models import LimitBucket

# Longer than every window in use (the longest is a day): older buckets hold no live use.
BUCKET_RETENTION = timedelta(days=2)


@dataclass(frozen=True)
class Limit:
    """At most `count` uses per `per`; `error()` is what a use over it raises."""

    count: int
    per: timedelta
    error: Callable[[], DomainError]


def limit_take(
    *, scope: str, key: str, limits: Sequence[Limit], now: datetime | None = None
) -> None:
    """Record one use of `scope` by `key`, or raise the first used-up limit's error.

    Must run inside the caller's transaction, which holds the bucket's lock until it commits
    (outside one, Django refuses the `select_for_update`).
    """
    now = now or timezone.now()
    key_hash = keyed_hash(key, purpose=f"limit:{scope}")
    LimitBucket.objects.bulk_create(
        [LimitBucket(scope=scope, key_hash=key_hash, updated_at=now)], ignore_conflicts=True
    )
    bucket = LimitBucket.objects.select_for_update().get(scope=scope, key_hash=key_hash)
    stamp = now.timestamp()
    longest = max(limit.per for limit in limits).total_seconds()
    hits = [hit for hit in bucket.hits if hit > stamp - longest]
    factor = settings.LIMIT_COUNT_FACTOR  # 1 but in the fuzz profile (backend/settings/fuzz.py)
    for limit in limits:
        window = sorted(hit for hit in hits if hit > stamp - limit.per.total_seconds())
        allowed = limit.count * factor
        if len(window) >= allowed:
            error = limit.error()
            # A place frees when enough of the window's uses have left it (Retry-After).
            frees_at = window[len(window) - allowed] + limit.per.total_seconds()
            error.retry_after = max(1, math.ceil(frees_at - stamp))
            raise error
    bucket.hits = [*hits, stamp]
    bucket.updated_at = now
    bucket.save(update_fields=["hits", "updated_at"])


def limit_buckets_prune(*, now: datetime | None = None) -> int:
    """Delete buckets nobody used for longer than every window (periodic cleanup)."""
    cutoff = (now or timezone.now()) - BUCKET_RETENTION
    deleted, _ = LimitBucket.objects.filter(updated_at__lt=cutoff).delete()
    return deleted
