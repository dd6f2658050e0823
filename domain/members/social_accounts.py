"""SNS account link, unlink and login (SPEC §5 "SNS link"; manual 003 "SNS/포털 계정 연동").

yongin-library members link a Kakao or Naver account (카카오/네이버 계정연동) and can then log in
with it. The provider's user id is stored as given: it identifies the account at the provider
and is not personal data of its own.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain.audit.models import AuditEvent
from domain.audit.services import RequestContext, audit_record
from domain.common.errors import AuthenticationFailed, Conflict, DomainError, NotFound

from .errors import MemberErrorCode
from .models import Member, SocialAccount
from .social import PROVIDERS, UnknownSocialProvider, get_social_provider

FEATURE = "sns_link"


def social_provider_offered(*, site, provider: str) -> bool:
    """Whether the site offers `provider` for SNS link and login: its policy lists the
    `sns_link` feature and the provider in `sns_providers` (SPEC §2)."""
    rules = site.rules
    return provider in PROVIDERS and provider in rules.sns_providers and FEATURE in rules.features


def social_provider_require(*, site, provider: str) -> None:
    """A provider the site offers for SNS login, else 404 `unknown_social_provider`."""
    if not social_provider_offered(site=site, provider=provider):
        raise UnknownSocialProvider()


def social_account_list(*, member: Member) -> QuerySet[SocialAccount]:
    return SocialAccount.objects.filter(member=member, site_id=member.site_id).order_by("provider")


def _already_linked() -> Conflict:
    return Conflict(
        MemberErrorCode.SOCIAL_ALREADY_LINKED,
        _("An account of this SNS provider is already linked. Unlink it first."),
        attr="provider",
    )


def _in_use() -> Conflict:
    return Conflict(
        MemberErrorCode.SOCIAL_ACCOUNT_IN_USE,
        _("This SNS account is already linked to another member of this site."),
        attr="code",
    )


def social_account_link(
    *,
    member: Member,
    provider: str,
    code: str,
    redirect_uri: str,
    state: str = "",
    context: RequestContext | None = None,
) -> SocialAccount:
    """Link the SNS account behind `code` to the member (SPEC §5; manual 003 계정연동).

    One account per provider per member (`social_already_linked`), and one member per provider
    account per site (`social_account_in_use`, 409 both). The code is traded with the provider
    only after the first check, so a used-up code is not wasted on a refusal.
    """
    site = member.site
    social_provider_require(site=site, provider=provider)
    if SocialAccount.objects.filter(member=member, provider=provider).exists():
        raise _already_linked()
    profile = get_social_provider(provider).exchange(
        code=code, redirect_uri=redirect_uri, state=state
    )
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member.pk)
        holder = (
            SocialAccount.objects.filter(site=site, provider=provider, uid=profile.uid)
            .values_list("member_id", flat=True)
            .first()
        )
        if holder is not None:
            raise _already_linked() if holder == member.pk else _in_use()
        if SocialAccount.objects.filter(member=member, provider=provider).exists():
            raise _already_linked()
        try:
            with transaction.atomic():
                account = SocialAccount.objects.create(
                    member=member, site=site, provider=provider, uid=profile.uid
                )
        except IntegrityError:  # a concurrent link of the same provider account
            raise _in_use()
        audit_record(
            type=AuditEvent.Type.SOCIAL_LINKED,
            site=site,
            member=member,
            actor=member,
            context=context,
            provider=provider,
        )
    return account


def social_account_unlink(
    *, member: Member, provider: str, context: RequestContext | None = None
) -> None:
    """Unlink the member's account of `provider`; 404 `social_account_not_found` if none."""
    social_provider_require(site=member.site, provider=provider)
    with transaction.atomic():
        deleted, _rows = SocialAccount.objects.filter(member=member, provider=provider).delete()
        if not deleted:
            raise NotFound(
                MemberErrorCode.SOCIAL_ACCOUNT_NOT_FOUND,
                _("No account of this SNS provider is linked."),
            )
        audit_record(
            type=AuditEvent.Type.SOCIAL_UNLINKED,
            site=member.site,
            member=member,
            actor=member,
            context=context,
            provider=provider,
        )


def social_login(
    *,
    site,
    provider: str,
    code: str,
    redirect_uri: str,
    state: str = "",
    context: RequestContext | None = None,
) -> Member:
    """Log in with a linked SNS account (SPEC §5; manual 003: 연동한 계정으로 로그인 가능).

    An SNS account linked to nobody on this site → 401 `social_account_not_linked`; a member
    who is withdrawn, suspended, pending or deactivated → 401 `account_inactive` (audited as a
    failed login). A success is audited as `login_succeeded` with `method` = the provider.
    """
    social_provider_require(site=site, provider=provider)
    profile = get_social_provider(provider).exchange(
        code=code, redirect_uri=redirect_uri, state=state
    )
    outcome: DomainError | None = None
    with transaction.atomic():
        account = (
            SocialAccount.objects.filter(site=site, provider=provider, uid=profile.uid)
            .select_related("member")
            .first()
        )
        if account is None:
            raise AuthenticationFailed(
                MemberErrorCode.SOCIAL_ACCOUNT_NOT_LINKED,
                _(
                    "This SNS account is not linked to a member. Log in with your ID and "
                    "password and link it under My page."
                ),
            )
        member = Member.objects.select_for_update().get(pk=account.member_id)
        if member.status != Member.Status.ACTIVE or not member.is_active:
            audit_record(
                type=AuditEvent.Type.LOGIN_FAILED,
                site=site,
                member=member,
                context=context,
                method=provider,
                reason=f"status_{member.status}",
            )
            outcome = AuthenticationFailed(
                MemberErrorCode.ACCOUNT_INACTIVE, _("The account cannot log in.")
            )
        else:
            member.last_login = timezone.now()
            member.save(update_fields=["last_login"])
            audit_record(
                type=AuditEvent.Type.LOGIN_SUCCEEDED,
                site=site,
                member=member,
                context=context,
                method=provider,
            )
    if outcome is not None:
        raise outcome
    return member
