"""Password checks and the lockout they feed (SPEC §5, §14).

Every check of a password someone types — the API login, the Django admin log-in, and the
current password that a password change or a withdrawal asks for — goes through here:

- the hash is verified *outside* any transaction (with SQLite's IMMEDIATE transactions a
  ~200 ms Argon2 run holding the write lock makes every other writer fail with "database is
  locked"), then the member's row is locked and the outcome recorded;
- an unknown ID, a locked account, a wrong and a right password each cost exactly one hash
  computation, so the time of the answer says nothing (SPEC §14 "the same answer");
- a wrong password counts toward the lockout in one place (`member_failure_record`).

A password change can commit between the check and the lock: the locked row's hash must still
be the one checked (`PasswordCheck.encoded`), else the check is repeated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password, verify_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain.audit.models import AuditEvent
from domain.audit.services import RequestContext, audit_record
from domain.common.errors import DomainError
from domain.members.errors import MemberErrorCode
from domain.sites.models import Site
from domain.sites.policy import LockoutPolicy

from .models import Member

INVALID_PASSWORD = _("The password is incorrect.")
# A password changed between the check and the lock makes the check run again; a hash that
# keeps changing under us is answered as a wrong password rather than looping.
CHECK_ROUNDS = 3


@dataclass(frozen=True)
class PasswordCheck:
    ok: bool
    encoded: str  # the hash the password was checked against ("" for an unknown ID)
    outdated: bool = False  # the hasher's settings moved on: store a new hash after success


def password_verify(*, encoded: str | None, password: str) -> PasswordCheck:
    """One Argon2 computation whatever `encoded` is: a stored hash is verified; for an unknown
    ID or an unusable password the password is hashed instead (the same work). Never call it
    inside a transaction."""
    ok, outdated = verify_password(password, encoded or UNUSABLE_PASSWORD_PREFIX)
    return PasswordCheck(ok=ok, encoded=encoded or "", outdated=ok and outdated)


def lockout_policy(member: Member) -> LockoutPolicy:
    """The site's policy; the platform superuser (no site) gets the default 5 / 30 minutes."""
    return member.site.rules.lockout if member.site_id else LockoutPolicy()


def member_failure_record(
    *,
    member: Member,
    reason: str,
    context: RequestContext | None = None,
    type: str = AuditEvent.Type.LOGIN_FAILED,
    now: datetime | None = None,
    **parameters,
) -> None:
    """Record a refused password check of a locked `member` row (SPEC §5, §14).

    Always an audit event of `type`; a `wrong_password` also counts one failure, and the
    failure that reaches the policy's `max_failures` locks the account for `lock_minutes`
    (an `account_locked` event). The caller holds the row lock and commits before answering.
    """
    now = now or timezone.now()
    fields = []
    if reason == "wrong_password":
        member.failed_login_count += 1
        fields.append("failed_login_count")
        parameters["failures"] = member.failed_login_count
    audit_record(
        type=type, site=member.site, member=member, context=context, reason=reason, **parameters
    )
    policy = lockout_policy(member)
    if reason == "wrong_password" and member.failed_login_count >= policy.max_failures:
        member.locked_until = now + timedelta(minutes=policy.lock_minutes)
        member.failed_login_count = 0
        fields.append("locked_until")
        audit_record(
            type=AuditEvent.Type.ACCOUNT_LOCKED,
            site=member.site,
            member=member,
            context=context,
            until=timezone.localtime(member.locked_until).isoformat(),
        )
    if fields:
        member.save(update_fields=fields)


def member_locked_for_check(
    *, member_id: int, check: PasswordCheck, site: Site | None = None
) -> Member | None:
    """Lock the member's row (inside the caller's transaction) if its hash is still the one
    `check` verified; None when it changed in between (the caller checks again). A caller that
    already holds the member's `site` passes it, so the row is not loaded again."""
    members = Member.objects.select_for_update(of=("self",)).filter(pk=member_id)
    member = (members if site else members.select_related("site")).first()
    if member is None or member.password != check.encoded:
        return None
    if site:
        member.site = site
    return member


def member_password_rehash(*, member: Member, password: str, check: PasswordCheck) -> None:
    """After a successful log-in, store the hash again if the hasher's settings moved on
    (Django's upgrade on login), outside the transaction and only if nobody changed it."""
    if check.outdated:
        Member.objects.filter(pk=member.pk, password=check.encoded).update(
            password=make_password(password)
        )


def member_password_confirm(
    *, member: Member, password: str, action: str, attr: str, context: RequestContext | None
) -> PasswordCheck:
    """Step-up (SPEC §14): the member's current password before a sensitive action.

    A wrong password counts toward the lockout exactly like a failed login, and while the
    account is locked even the right one is refused; both answer `invalid_password` after the
    failure is committed (`password_check_failed` event with `action`). A right one clears
    the failure count. Returns the check: the caller's own transaction must find the hash
    unchanged (`member_password_unchanged`).
    """
    for _round in range(CHECK_ROUNDS):
        encoded = Member.objects.filter(pk=member.pk).values_list("password", flat=True).first()
        check = password_verify(encoded=encoded, password=password)
        now = timezone.now()
        with transaction.atomic():
            locked = member_locked_for_check(member_id=member.pk, check=check)
            if locked is None:
                continue
            if check.ok and not locked.is_locked(now):
                if locked.failed_login_count:
                    locked.failed_login_count = 0
                    locked.save(update_fields=["failed_login_count"])
                return check
            member_failure_record(
                member=locked,
                reason="locked" if locked.is_locked(now) else "wrong_password",
                context=context,
                type=AuditEvent.Type.PASSWORD_CHECK_FAILED,
                now=now,
                action=action,
            )
        break
    raise DomainError(MemberErrorCode.INVALID_PASSWORD, INVALID_PASSWORD, attr=attr)


def member_password_unchanged(*, member: Member, check: PasswordCheck, attr: str) -> None:
    """Inside the caller's transaction, with `member` locked: refuse if the password changed
    since `member_password_confirm` checked it (a concurrent change or reset)."""
    if member.password != check.encoded:
        raise DomainError(MemberErrorCode.INVALID_PASSWORD, INVALID_PASSWORD, attr=attr)
