from domain.purchases.services import purchases_expire


def expire_purchases() -> int:
    """Daily: approved purchases past their five years become expired (SPEC §7.3)."""
    return len(purchases_expire())
