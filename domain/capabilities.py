"""A member's capabilities on a site through every role it holds (SPEC §8), for the edges.

The table is `domain.common.capabilities`; this module adds the roles that come from rows of
the areas above it — a guardian's wards (members), a company admin's corporate (corporates) —
so it sits on top of `domain` (the layers contract) and only `api` asks it. Services below ask
`domain.common.capabilities.account_can` for their staff checks.

Roles are resolved lazily and only when a capability needs them: a plain member's own-profile
read costs no query; a guardian or corporate-manager check costs one.
"""

from __future__ import annotations

from domain.common.capabilities import (
    ACCOUNT_ROLES,
    ROLE_CAPABILITIES,
    Capability,
    Role,
    account_has_role,
)
from domain.corporates.models import Corporate, CorporateManager
from domain.corporates.selectors import member_manager
from domain.members.selectors import member_wards


def _manager_role(member) -> Role | None:
    """The role of an active manager of an approved corporate of the member's site, else None."""
    manager = member_manager(member)  # one query per request, shared with the view's scope
    if (
        manager is None
        or manager.status != CorporateManager.Status.ACTIVE  # an admin who left holds no role
        or manager.corporate.site_id != member.site_id
        or manager.corporate.status != Corporate.Status.APPROVED
    ):
        return None
    return manager.capability_role


def _is_guardian(member) -> bool:
    cache = member.__dict__.setdefault("_capability_cache", {})
    if "guardian" not in cache:
        cache["guardian"] = member_wards(guardian=member).exists()
    return cache["guardian"]


def _has_role(member, site, role: Role) -> bool:
    if role in ACCOUNT_ROLES:
        return account_has_role(member, site, role)
    if not account_has_role(member, site, Role.MEMBER):
        return False
    if role is Role.GUARDIAN:
        return _is_guardian(member)
    return _manager_role(member) == role


def member_can(member, site, capability: Capability) -> bool:
    """Whether `member` holds `capability` on `site` through any of its roles."""
    return any(
        capability in granted and _has_role(member, site, role)
        for role, granted in ROLE_CAPABILITIES.items()
    )
