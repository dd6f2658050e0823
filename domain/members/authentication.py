"""Logging in (SPEC §5, §14): an ID and password checked under the lockout rules, then a
second factor where the site asks for one (`member_login`, `member_login_otp_complete`); the
same checks serve the Django admin's log-in backend (`member_authenticate`,
`platform_authenticate`). Every answer costs the same work and writes an audit event."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain.audit.models import AuditEvent
from domain.audit.services import RequestContext, audit_record
from domain.common.errors import AuthenticationFailed, DomainError
from domain.sites.models import Site
from domain.verifications.services import (
    verification_confirm,
    verification_consume,
    verification_start,
)

from .account import member_temporary_password_valid
from .errors import MemberErrorCode
from .lockout import (
    CHECK_ROUNDS,
    member_failure_record,
    member_locked_for_check,
    member_password_rehash,
    password_verify,
)
from .models import Member

INVALID_CREDENTIALS = _("The ID or password is incorrect.")


def _invalid_credentials() -> AuthenticationFailed:
    # One answer for an unknown ID, a wrong password and a locked account (SPEC §14).
    return AuthenticationFailed(MemberErrorCode.INVALID_CREDENTIALS, INVALID_CREDENTIALS)


def member_authenticate(
    *,
    site: Site,
    username: str,
    password: str,
    context: RequestContext | None = None,
) -> Member:
    """Check an ID and password on a site, applying the site's lockout policy (SPEC §5, §14).

    The attempt that reaches `lockout.max_failures` locks the account for
    `lockout.lock_minutes`. While locked, even the right password gets the wrong-password
    answer; an unknown ID, a locked account and a wrong password get the same answer after
    the same work (one hash). Every success, failure and lock is an audit event; the failure
    is committed before the error is raised. The hash is checked outside the transaction
    (`domain.members.lockout`).
    """
    folded = site.rules.username.fold(username)
    return _password_login(
        candidates=Member.objects.filter(site=site, username=folded).exclude(
            status=Member.Status.WITHDRAWN
        ),
        site=site,
        username=folded,
        password=password,
        second_factor=site.rules.login_second_factor,
        context=context,
    )


def platform_authenticate(
    *, username: str, password: str, context: RequestContext | None = None
) -> Member:
    """The platform superuser (no site, bare ID) logging in to the Django admin: the same
    checks, audit events and lockout as a member, with the default policy (5 failures → 30
    minutes; SPEC §14)."""
    return _password_login(
        candidates=Member.objects.filter(site__isnull=True, username=username),
        site=None,
        username=username,
        password=password,
        second_factor=None,
        context=context,
    )


def _password_login(
    *,
    candidates,
    site,
    username: str,
    password: str,
    second_factor: str | None,
    context: RequestContext | None,
) -> Member:
    """One hash check outside any transaction, then the outcome recorded under the row lock
    (`domain.members.lockout`); repeated if the password changed in between."""
    for _round in range(CHECK_ROUNDS):
        member = candidates.first()
        if member is not None and site is not None:
            member.site = site  # the row the caller resolved: save() and the token read it
        check = password_verify(encoded=member.password if member else None, password=password)
        now = timezone.now()
        with transaction.atomic():
            if member is None:
                audit_record(
                    type=AuditEvent.Type.LOGIN_FAILED,
                    site=site,
                    subject_username=username,
                    context=context,
                    reason="unknown_username",
                )
                refusal = _invalid_credentials()
            else:
                member = member_locked_for_check(member_id=member.pk, check=check, site=site)
                if member is None:
                    continue  # the password changed since it was read: check again
                refusal = _login_outcome(
                    member=member,
                    ok=check.ok,
                    now=now,
                    second_factor=second_factor,
                    context=context,
                )
        if refusal is not None:
            raise refusal
        member_password_rehash(member=member, password=password, check=check)
        return member
    raise _invalid_credentials()


def _login_outcome(
    *, member: Member, ok: bool, now, second_factor: str | None, context
) -> DomainError | None:
    """Under the row lock: record the attempt; the error to answer with, or None."""
    if member.is_locked(now):
        member_failure_record(member=member, reason="locked", context=context, now=now)
        return _invalid_credentials()
    if not ok:
        member_failure_record(member=member, reason="wrong_password", context=context, now=now)
        return _invalid_credentials()
    if member.password_change_required and not member_temporary_password_valid(member, now):
        member_failure_record(
            member=member, reason="temporary_password_expired", context=context, now=now
        )
        return _invalid_credentials()
    if member.status != Member.Status.ACTIVE or not member.is_active:
        member_failure_record(member=member, reason=f"status_{member.status}", context=context)
        return _inactive_error(member)
    member.failed_login_count = 0
    member.locked_until = None
    member.last_login = now
    member.save(update_fields=["failed_login_count", "locked_until", "last_login"])
    # With a second factor the login succeeds only when the code is confirmed.
    audit_record(
        type=AuditEvent.Type.LOGIN_PASSWORD_VERIFIED
        if second_factor
        else AuditEvent.Type.LOGIN_SUCCEEDED,
        site=member.site,
        member=member,
        context=context,
    )
    return None


def _inactive_error(member: Member) -> DomainError:
    if member.status == Member.Status.PENDING:
        return AuthenticationFailed(
            MemberErrorCode.ACCOUNT_PENDING_REVIEW,
            _("The account is waiting for the operator's review and cannot log in yet."),
        )
    if member.status == Member.Status.REJECTED:
        return AuthenticationFailed(
            MemberErrorCode.ACCOUNT_REJECTED,
            _("The sign-up was not approved. See the message sent to you for the reason."),
        )
    return AuthenticationFailed(MemberErrorCode.ACCOUNT_INACTIVE, _("The account cannot log in."))


@dataclass(frozen=True)
class LoginResult:
    member: Member
    # onnuri-biz: the SMS-code verification that completes the login (SPEC §5 second step).
    otp_verification: object | None = None


def member_login(
    *, site: Site, username: str, password: str, context: RequestContext | None = None
) -> LoginResult:
    """Password step of the login; starts the SMS second step where the site requires it."""
    member = member_authenticate(site=site, username=username, password=password, context=context)
    if site.rules.login_second_factor != "sms_code":
        return LoginResult(member=member)
    started = verification_start(
        site=member.site, purpose="login_otp", method="sms_code", member=member, phone=member.mobile
    )
    return LoginResult(member=member, otp_verification=started.verification)


def member_login_otp_complete(
    *, site, verification_id, code: str, context: RequestContext | None = None
) -> Member:
    """Second step: the texted code completes the login and the verification is used up."""
    confirmed = verification_confirm(
        site=site, verification_id=verification_id, payload={"code": code}
    )
    with transaction.atomic():
        verification = verification_consume(site=site, token=confirmed.token, purpose="login_otp")
        member = Member.objects.get(pk=verification.member_id, site=site)
        member.site = site  # the row the caller resolved: the token reads it
        if member.status != Member.Status.ACTIVE:
            raise _inactive_error(member)
        audit_record(
            type=AuditEvent.Type.LOGIN_SUCCEEDED,
            site=site,
            member=member,
            context=context,
            second_factor="sms_code",
        )
    return member
