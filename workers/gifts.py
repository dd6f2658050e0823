"""Gift app housekeeping: a thin entry point; the rules live in domain.dispatches.gift_app."""

from domain.dispatches.gift_app import gift_app_signatures_prune


def prune_gift_app_signatures() -> int:
    """Periodic: forget used callback signatures once they would be refused as stale anyway."""
    return gift_app_signatures_prune()
