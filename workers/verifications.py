from domain.verifications.services import verifications_expire


def expire_verifications() -> int:
    """Expire stale verification sessions and blank the identity they held (SPEC §9)."""
    return verifications_expire()
