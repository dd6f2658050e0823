"""Idempotency-Key housekeeping: a thin entry point; the rules live in domain.common.idempotency."""

from domain.common.idempotency import idempotency_records_prune


def prune_idempotency_records() -> int:
    """Periodic: delete Idempotency-Key records older than the 24 h replay window (SPEC §14)."""
    return idempotency_records_prune()
