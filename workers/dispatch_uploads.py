"""Recipient upload housekeeping: a thin entry point; the rules are in domain.dispatches.uploads."""

from domain.dispatches.uploads import recipient_uploads_prune


def prune_recipient_uploads() -> int:
    """Daily: delete recipient uploads past their one day."""
    return recipient_uploads_prune()
