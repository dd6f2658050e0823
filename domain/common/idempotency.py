"""Idempotency-Key records: how long a first answer is replayed, and their cleanup (SPEC §14)."""

from datetime import timedelta

from django.utils import timezone

from domain.common.models import IdempotencyRecord

# SPEC §14 retries: the same key and body replay the first answer for 24 h.
REPLAY_WINDOW = timedelta(hours=24)


def idempotency_records_prune(*, now=None) -> int:
    """Delete the records whose replay window has passed (a daily job, workers.schedules)."""
    deleted, _ = IdempotencyRecord.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
