from domain.library.upgrades import grants_expire


def expire_loan_limit_grants() -> int:
    """Daily: end expired multi-child grants; loan limits fall back to 7 (SPEC §6)."""
    return grants_expire()
