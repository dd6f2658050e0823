"""Roles and capabilities of onnuri-biz managers, in one table (SPEC §8; STYLE ROLE_PERMS)."""

from domain.common.errors import NotFound

from .models import Corporate, CorporateManager

MASTER = CorporateManager.Role.MASTER
GENERAL = CorporateManager.Role.GENERAL

ROLE_PERMS: dict[str, frozenset[str]] = {
    MASTER: frozenset(
        {
            "corporate.view",
            "corporate.documents",
            "members.manage",  # 멤버 menu: list, invite, resend, delete, reset password, transfer
            "accounts.view",
            "accounts.manage",
            "purchases.view",
            "purchases.manage",
            "dispatches.view",
            "dispatches.manage",
            "me.manage",
        }
    ),
    GENERAL: frozenset(
        {
            "corporate.view",
            "corporate.documents",
            "accounts.view",
            "purchases.view",
            "purchases.manage",
            "dispatches.view",
            "dispatches.manage",
            "me.manage",
        }
    ),
}


def manager_of(member) -> CorporateManager | None:
    """The member's role in an approved corporate, or None."""
    manager = getattr(member, "corporate_manager", None) if member else None
    if manager is None or manager.corporate.status != Corporate.Status.APPROVED:
        return None
    return manager


def capability_require(*, member, capability: str) -> CorporateManager:
    """The caller's manager row when its role grants `capability`; otherwise NotFound.

    Out of scope is a 404, never a 403: a general admin does not learn the members menu exists.
    """
    manager = manager_of(member)
    if manager is None or capability not in ROLE_PERMS[manager.role]:
        raise NotFound()
    return manager
