"""Who may do what: one capability table for every role (SPEC §8; STYLE `ROLE_PERMS`).

Every API view declares, per HTTP method, the capability it needs (`api.permissions.Access`
reads the declaration, Sentry's `scope_map` shape); services that must re-check a role (staff
reviews, document downloads) ask `member_can` here. Nothing else tests `is_staff` or a manager's
role to decide access.

Roles are resolved lazily and only when a capability needs them: a plain member's own-profile
read costs no query; a guardian or corporate-manager check costs one.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    MEMBER = "member"  # any logged-in account of the site
    GUARDIAN = "guardian"  # a member who is the verified guardian of a child member
    MASTER = "master"  # onnuri-biz: the one master of an approved corporate
    GENERAL_ADMIN = "general_admin"  # onnuri-biz: a general admin of an approved corporate
    STAFF = "staff"  # the site's operators
    SUPERUSER = "superuser"  # the platform superuser: staff of every site


class Capability(StrEnum):
    # Own account (SPEC §5): profile, password, consents, social links, re-verification,
    # own name change requests.
    PROFILE = "profile"
    LIBRARY_UPGRADE = "library.upgrade"  # own upgrades (and a ward's, checked on the object)
    WARDS_VIEW = "wards.view"  # another member's profile: a ward (guardian) or any (staff)
    WARDS_EDIT = "wards.edit"
    # onnuri-biz corporate managers (SPEC §7, §8).
    CORPORATE_VIEW = "corporate.view"
    CORPORATE_DOCUMENTS = "corporate.documents"
    MEMBERS_MANAGE = "members.manage"  # 멤버 menu: invite, resend, delete, reset, transfer
    ACCOUNTS_VIEW = "accounts.view"
    ACCOUNTS_MANAGE = "accounts.manage"
    PURCHASES_VIEW = "purchases.view"
    PURCHASES_MANAGE = "purchases.manage"
    DISPATCHES_VIEW = "dispatches.view"
    DISPATCHES_MANAGE = "dispatches.manage"
    MANAGER_SELF = "me.manage"  # a manager's own info (내 정보)
    # Site operators (SPEC §8 staff): read-only views of everything in their site, approvals.
    SITE_READ = "site.read"
    CORPORATES_REVIEW = "corporates.review"
    ACCOUNTS_REVIEW = "accounts.review"
    NAME_CHANGES_REVIEW = "name_changes.review"
    PURCHASES_REVIEW = "purchases.review"  # approve, refund, mark documents received (§7.3)


MANAGER_COMMON = frozenset(
    {
        Capability.CORPORATE_VIEW,
        Capability.CORPORATE_DOCUMENTS,
        Capability.ACCOUNTS_VIEW,
        Capability.PURCHASES_VIEW,
        Capability.PURCHASES_MANAGE,
        Capability.DISPATCHES_VIEW,
        Capability.DISPATCHES_MANAGE,
        Capability.MANAGER_SELF,
    }
)
STAFF_CAPABILITIES = frozenset(
    {
        Capability.WARDS_VIEW,
        Capability.SITE_READ,
        Capability.CORPORATES_REVIEW,
        Capability.ACCOUNTS_REVIEW,
        Capability.NAME_CHANGES_REVIEW,
        Capability.PURCHASES_REVIEW,
    }
)

# The table. A member holds the union of its roles' capabilities.
ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.MEMBER: frozenset({Capability.PROFILE, Capability.LIBRARY_UPGRADE}),
    Role.GUARDIAN: frozenset(
        {Capability.WARDS_VIEW, Capability.WARDS_EDIT, Capability.LIBRARY_UPGRADE}
    ),
    Role.MASTER: MANAGER_COMMON | {Capability.MEMBERS_MANAGE, Capability.ACCOUNTS_MANAGE},
    Role.GENERAL_ADMIN: MANAGER_COMMON,
    Role.STAFF: STAFF_CAPABILITIES | {Capability.PROFILE},
    Role.SUPERUSER: STAFF_CAPABILITIES,
}

# Denied capabilities that answer 404, not 403: their existence is not told to those without
# them (SPEC §8 "no one sees another corporate's data"; a general admin does not learn the
# members menu exists).
HIDDEN: frozenset[Capability] = frozenset(Capability) - {
    Capability.PROFILE,
    Capability.NAME_CHANGES_REVIEW,
}


def _is_site_member(member, site) -> bool:
    return bool(member and member.is_authenticated and member.site_id == site.id)


def _manager_role(member, site) -> str | None:
    """The role of an active manager of an approved corporate of `site`, else None."""
    from domain.corporates.models import Corporate, CorporateManager
    from domain.corporates.selectors import member_manager

    manager = member_manager(member)  # one query per request, shared with the view's scope
    if (
        manager is None
        or manager.status != CorporateManager.Status.ACTIVE  # an admin who left holds no role
        or manager.corporate.site_id != site.id
        or manager.corporate.status != Corporate.Status.APPROVED
    ):
        return None
    return manager.role


def _is_guardian(member, site) -> bool:
    cache = member.__dict__.setdefault("_capability_cache", {})
    if "guardian" not in cache:
        from domain.members.selectors import member_wards

        cache["guardian"] = member_wards(guardian=member).exists()
    return cache["guardian"]


def _has_role(member, site, role: Role) -> bool:
    if role is Role.SUPERUSER:
        return bool(member and member.is_authenticated and member.is_superuser)
    if not _is_site_member(member, site):
        return False
    if role is Role.MEMBER:
        return True
    if role is Role.STAFF:
        return bool(member.is_staff)
    if role is Role.GUARDIAN:
        return _is_guardian(member, site)
    from domain.corporates.models import CorporateManager

    wanted = CorporateManager.Role.MASTER if role is Role.MASTER else CorporateManager.Role.GENERAL
    return _manager_role(member, site) == wanted


def member_can(member, site, capability: Capability) -> bool:
    """Whether `member` holds `capability` on `site` through any of its roles."""
    return any(
        capability in granted and _has_role(member, site, role)
        for role, granted in ROLE_CAPABILITIES.items()
    )


def manager_can(role: str, capability: Capability) -> bool:
    """Whether a corporate manager's role (`CorporateManager.Role`) grants `capability`."""
    from domain.corporates.models import CorporateManager

    key = Role.MASTER if role == CorporateManager.Role.MASTER else Role.GENERAL_ADMIN
    return capability in ROLE_CAPABILITIES[key]
