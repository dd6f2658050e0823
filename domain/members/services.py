"""Member services (SPEC §5): authentication with lockout; more actions arrive with sign-up."""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain.audit.models import AuditEvent
from domain.audit.services import RequestContext, audit_record
from domain.common.errors import AuthenticationFailed, DomainError
from domain.sites.models import Site

from .account import member_temporary_password_valid
from .models import Member

INVALID_CREDENTIALS = _("The ID or password is incorrect.")


def _invalid_credentials() -> AuthenticationFailed:
    # One answer for an unknown ID, a wrong password and a locked account (SPEC §14).
    return AuthenticationFailed("invalid_credentials", INVALID_CREDENTIALS)


def member_authenticate(
    *,
    site: Site,
    username: str,
    password: str,
    context: RequestContext | None = None,
) -> Member:
    """Check an ID and password on a site, applying the site's lockout policy (SPEC §5, §14).

    Each failure is counted under a row lock so concurrent attempts cannot skip the limit; the
    attempt that reaches `lockout.max_failures` locks the account for `lockout.lock_minutes`.
    While locked, even the right password gets the wrong-password answer. Every success,
    failure and lock is an audit event. The failure is committed before the error is raised.
    """
    policy = site.rules
    folded = policy.username.fold(username)
    now = timezone.now()
    outcome: DomainError | None = None
    with transaction.atomic():
        member = (
            Member.objects.select_for_update()
            .filter(site=site, username=folded)
            .exclude(status=Member.Status.WITHDRAWN)
            .first()
        )
        if member is not None:
            member.site = site  # the row the caller resolved: save() and the token read it
        if member is None:
            Member().set_password(password)  # spend the same hashing time as a real check
            audit_record(
                type=AuditEvent.Type.LOGIN_FAILED,
                site=site,
                subject_username=folded,
                context=context,
                reason="unknown_username",
            )
            outcome = _invalid_credentials()
        elif member.is_locked(now):
            audit_record(
                type=AuditEvent.Type.LOGIN_FAILED,
                site=site,
                member=member,
                context=context,
                reason="locked",
            )
            outcome = _invalid_credentials()
        elif not member.check_password(password):
            member.failed_login_count += 1
            fields = ["failed_login_count"]
            audit_record(
                type=AuditEvent.Type.LOGIN_FAILED,
                site=site,
                member=member,
                context=context,
                reason="wrong_password",
                failures=member.failed_login_count,
            )
            if member.failed_login_count >= policy.lockout.max_failures:
                member.locked_until = now + timedelta(minutes=policy.lockout.lock_minutes)
                member.failed_login_count = 0
                fields.append("locked_until")
                audit_record(
                    type=AuditEvent.Type.ACCOUNT_LOCKED,
                    site=site,
                    member=member,
                    context=context,
                    until=member.locked_until.isoformat(),
                )
            member.save(update_fields=fields)
            outcome = _invalid_credentials()
        elif member.password_change_required and not member_temporary_password_valid(member, now):
            audit_record(
                type=AuditEvent.Type.LOGIN_FAILED,
                site=site,
                member=member,
                context=context,
                reason="temporary_password_expired",
            )
            outcome = _invalid_credentials()
        elif member.status != Member.Status.ACTIVE or not member.is_active:
            audit_record(
                type=AuditEvent.Type.LOGIN_FAILED,
                site=site,
                member=member,
                context=context,
                reason=f"status_{member.status}",
            )
            outcome = _inactive_error(member)
        else:
            member.failed_login_count = 0
            member.locked_until = None
            member.last_login = now
            member.save(update_fields=["failed_login_count", "locked_until", "last_login"])
            # With a second factor the login succeeds only when the code is confirmed.
            audit_record(
                type=AuditEvent.Type.LOGIN_PASSWORD_VERIFIED
                if policy.login_second_factor
                else AuditEvent.Type.LOGIN_SUCCEEDED,
                site=site,
                member=member,
                context=context,
            )
    if outcome is not None:
        raise outcome
    return member


def _inactive_error(member: Member) -> DomainError:
    if member.status == Member.Status.PENDING:
        return AuthenticationFailed(
            "account_pending_review",
            _("The account is waiting for the operator's review and cannot log in yet."),
        )
    if member.status == Member.Status.REJECTED:
        return AuthenticationFailed(
            "account_rejected",
            _("The sign-up was not approved. See the message sent to you for the reason."),
        )
    return AuthenticationFailed("account_inactive", _("The account cannot log in."))


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
    from domain.verifications.services import verification_start

    started = verification_start(
        site=member.site, purpose="login_otp", method="sms_code", member=member, phone=member.mobile
    )
    return LoginResult(member=member, otp_verification=started.verification)


def member_login_otp_complete(
    *, site, verification_id, code: str, context: RequestContext | None = None
) -> Member:
    """Second step: the texted code completes the login and the verification is used up."""
    from domain.verifications.services import verification_confirm, verification_consume

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
