"""Who may do what: one capability table for every role (SPEC §8; STYLE `ROLE_PERMS`).

Every API view declares, per HTTP method, the capability it needs (`api.permissions.Access`
reads the declaration, Sentry's `scope_map` shape) and `domain.capabilities.member_can` resolves
every role a member holds. Nothing else tests `is_staff` or a manager's role to decide access.

This module is the bottom of the stack, so services of any area can ask it: `account_can`
answers from the roles the account row holds by itself (a member of the site, its staff, the
platform superuser), without a query. The roles that come from other rows — a guardian's
wards, a company admin's corporate — are resolved above the areas that own those rows
(domain.capabilities), and `account_can` refuses to answer for a capability they grant.
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


# Roles the account row says by itself; the others come from rows of higher areas.
ACCOUNT_ROLES = (Role.MEMBER, Role.STAFF, Role.SUPERUSER)
RELATIONAL_CAPABILITIES: frozenset[Capability] = frozenset().union(
    *(granted for role, granted in ROLE_CAPABILITIES.items() if role not in ACCOUNT_ROLES)
)


def account_has_role(member, site, role: Role) -> bool:
    """Whether the account row itself gives `member` the account role `role` on `site`."""
    if role is Role.SUPERUSER:
        return bool(member and member.is_authenticated and member.is_superuser)
    if not (member and member.is_authenticated and member.site_id == site.id):
        return False
    if role is Role.MEMBER:
        return True
    if role is Role.STAFF:
        return bool(member.is_staff)
    raise ValueError(f"{role} is not an account role: ask domain.capabilities.member_can")


def account_can(member, site, capability: Capability) -> bool:
    """Whether `member`'s account roles grant `capability` on `site` (the staff checks of
    services and the admin). A capability that a guardian or a company admin may hold is
    refused with ValueError: only `domain.capabilities.member_can` answers it in full."""
    if capability in RELATIONAL_CAPABILITIES:
        raise ValueError(f"{capability} may come from a relational role: ask member_can")
    return any(
        capability in ROLE_CAPABILITIES[role] and account_has_role(member, site, role)
        for role in ACCOUNT_ROLES
    )


def role_can(role: Role, capability: Capability) -> bool:
    """Whether the table grants `capability` to `role`."""
    return capability in ROLE_CAPABILITIES[role]
