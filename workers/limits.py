"""Rate-limit housekeeping: a thin entry point; the rules live in domain.common.limits."""

from domain.common.limits import limit_buckets_prune


def prune_limit_buckets() -> int:
    """Periodic: delete limit buckets whose every use is past its window (SPEC §9 cleanup)."""
    return limit_buckets_prune()
