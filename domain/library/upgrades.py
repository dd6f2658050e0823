"""Library membership upgrades (SPEC §6; manual 003 §02 온라인정회원신청, §03 다자녀가정 회원전환).

The RRN back 7 digits (`rrn_back`) are passed to the eligibility provider for one call and then
dropped: never stored, logged, queued, put in an event or an error message (PIPA art. 24-2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain.audit.services import RequestContext
from domain.common.errors import CommonErrorCode, DomainError, NotFound, ValidationFailed
from domain.common.limits import Limit, limit_take
from domain.common.sandbox import ProviderNotConfigured
from domain.consents.errors import ConsentErrorCode
from domain.consents.models import ConsentDocument
from domain.consents.selectors import consent_documents_current
from domain.consents.services import consents_record
from domain.members.errors import MemberErrorCode
from domain.members.models import Member
from domain.members.registration import age_on
from domain.members.selectors import member_wards

from .eligibility import get_eligibility_provider
from .eligibility.base import EligibilityResult, EligibilityUnavailable, ForeignRegistration
from .errors import LibraryErrorCode
from .events import (
    full_member_granted_event,
    full_member_refused_event,
    loan_limit_expired_event,
    loan_limit_granted_event,
    multi_child_refused_event,
)
from .models import (
    CardNumberCounter,
    EligibilityCheck,
    LibraryProfile,
    LoanLimitGrant,
    library_state_changed,
)

GYEONGGI = "경기도"
YONGIN = "용인시"
MULTI_CHILD_LOAN_LIMIT = 10
CHECKS_PER_DAY = 3  # SPEC §14: eligibility checks 3 per day per member
CHECK_REUSE_WINDOW = timedelta(hours=1)  # children step after a passed multi-child check
VISIT_GUIDANCE = _(
    "Visit a Yongin City library with your identification and documents to become a full "
    "member there."
)


class TooManyChecks(DomainError):
    status = 429
    default_code = LibraryErrorCode.ELIGIBILITY_CHECK_LIMIT
    default_message = _("You can run the eligibility check 3 times a day. Try again tomorrow.")


CHECK_LIMITS = (Limit(CHECKS_PER_DAY, timedelta(days=1), TooManyChecks),)


def _refusal(code: LibraryErrorCode, message) -> DomainError:
    return DomainError(code, message, extra={"guidance": str(VISIT_GUIDANCE)})


# --- reads ------------------------------------------------------------------------------


def library_profile_of(member: Member) -> LibraryProfile:
    """The member's profile; an unsaved associate one when nothing was ever upgraded."""
    return LibraryProfile.objects.filter(member=member).first() or LibraryProfile(member=member)


def children_of_latest_check(*, member: Member) -> list[date]:
    """Birth dates from the member's latest passed multi-child check (within the hour)."""
    check = _recent_passed_check(member)
    if check is None:
        raise DomainError(
            LibraryErrorCode.ELIGIBILITY_CHECK_REQUIRED,
            _("Run the multi-child eligibility check first."),
        )
    return [date.fromisoformat(d) for d in check.children_birth_dates]


# --- input checks (nothing here may echo rrn_back) ------------------------------------------


def _inputs_check(*, consent: bool, rrn_back: str, pins: tuple[str, str] | None) -> None:
    errors: list[DomainError] = []
    if consent is not True:
        errors.append(
            DomainError(
                ConsentErrorCode.CONSENT_REQUIRED,
                _("Agree to the MOIS eligibility check. Without it, visit a library instead."),
                attr="consent",
            )
        )
    if not re.fullmatch(r"\d{7}", rrn_back or ""):
        errors.append(
            DomainError(
                LibraryErrorCode.INVALID_RRN_BACK,
                _("Enter the 7 digits after the hyphen of the resident registration number."),
                attr="rrn_back",
            )
        )
    if pins is not None:
        pin, confirm = pins
        if not re.fullmatch(r"\d{4}", pin or ""):
            errors.append(
                DomainError(
                    LibraryErrorCode.INVALID_LOAN_PIN,
                    _("The loan PIN is 4 digits."),
                    attr="loan_pin",
                )
            )
        elif pin != confirm:
            errors.append(
                DomainError(
                    LibraryErrorCode.PIN_MISMATCH,
                    _("The two loan PINs do not match."),
                    attr="loan_pin_confirm",
                )
            )
    if errors:
        raise ValidationFailed(errors)


def _recent_passed_check(member: Member) -> EligibilityCheck | None:
    return EligibilityCheck.objects.filter(
        member=member,
        purpose=EligibilityCheck.Purpose.MULTI_CHILD,
        outcome=EligibilityCheck.Outcome.PASSED,
        created_at__gt=timezone.now() - CHECK_REUSE_WINDOW,
    ).first()


def _consent_record(member: Member, context: RequestContext) -> None:
    documents = consent_documents_current(
        site=member.site, kind=member.kind, scope=ConsentDocument.Scope.LIBRARY_UPGRADE
    )
    consents_record(
        member=member, accepted=[(d, True) for d in documents], context=context, source="member"
    )


def _run_check(
    *, member: Member, actor: Member, purpose: str, rrn_back: str
) -> tuple[EligibilityCheck, EligibilityResult | None, DomainError | None]:
    """Call the provider once and record the outcome (never the RRN).

    The check is counted (and committed) before the call, under the member's limit bucket:
    concurrent applications cannot all pass the count (SPEC §14, `limit_take`).
    """
    with transaction.atomic():
        limit_take(scope="eligibility_check", key=str(member.pk), limits=CHECK_LIMITS)
    check = EligibilityCheck(member=member, requested_by=actor, purpose=purpose)
    result: EligibilityResult | None = None
    failure: DomainError | None = None
    try:
        result = get_eligibility_provider().check(
            name=member.name, birth_date=member.birth_date, rrn_back=rrn_back
        )
    except ProviderNotConfigured:
        raise  # not a check: nothing to record
    except ForeignRegistration as exc:
        check.outcome, check.refusal_code, failure = "refused", exc.code, exc
        exc.extra = {"guidance": str(VISIT_GUIDANCE)}
    except EligibilityUnavailable as exc:
        check.outcome, check.refusal_code, failure = "unavailable", exc.code, exc
    except Exception:  # noqa: BLE001  (a provider bug must not leak its message, which may hold input)
        check.outcome, check.refusal_code = "unavailable", LibraryErrorCode.ELIGIBILITY_UNAVAILABLE
        failure = EligibilityUnavailable()
    if result is not None:
        check.outcome = EligibilityCheck.Outcome.PASSED
        check.reference = result.reference[:64]
        check.province, check.city = result.province, result.city
        check.children_birth_dates = [d.isoformat() for d in result.children_birth_dates]
    return check, result, failure


# --- online full membership (온라인 정회원 신청) -----------------------------------------------


def full_member_apply(
    *,
    member: Member,
    actor: Member,
    consent: bool,
    rrn_back: str,
    loan_pin: str,
    loan_pin_confirm: str,
    context: RequestContext,
) -> LibraryProfile:
    """A Gyeonggi-do resident becomes a full member with a unique 10-digit card number.

    Refusals: `consent_required`, `invalid_rrn_back`, `pin_mismatch`, `already_full_member`,
    `eligibility_check_limit`, `foreign_registration_unsupported`, `eligibility_unavailable`,
    `not_gyeonggi_resident` — each with the manual's guidance to visit a library.
    """
    _inputs_check(consent=consent, rrn_back=rrn_back, pins=(loan_pin, loan_pin_confirm))
    if library_profile_of(member).level == LibraryProfile.Level.FULL:
        raise DomainError(LibraryErrorCode.ALREADY_FULL_MEMBER, _("You are already a full member."))
    check, result, failure = _run_check(
        member=member, actor=actor, purpose=EligibilityCheck.Purpose.FULL_MEMBER, rrn_back=rrn_back
    )
    del rrn_back  # used for the one call only
    if failure is None and result.province != GYEONGGI:
        check.outcome, check.refusal_code = "refused", LibraryErrorCode.NOT_GYEONGGI_RESIDENT
        failure = _refusal(
            LibraryErrorCode.NOT_GYEONGGI_RESIDENT,
            _(
                "Online full membership is for residents registered in Gyeonggi-do. Students and "
                "workers in Yongin can become full members at a library."
            ),
        )
    with transaction.atomic():
        check.save()
        if failure is not None:
            full_member_refused_event(member, actor=actor, code=failure.code, check=check)
    if failure is not None:
        raise failure
    loan_pin_hash = make_password(loan_pin)  # outside the transaction (SQLite write lock)
    with transaction.atomic():
        LibraryProfile.objects.get_or_create(member=member)
        profile = LibraryProfile.objects.select_for_update().get(member=member)
        if profile.level == LibraryProfile.Level.FULL:
            raise DomainError(
                LibraryErrorCode.ALREADY_FULL_MEMBER, _("You are already a full member.")
            )
        profile.level = LibraryProfile.Level.FULL
        profile.card_number = _card_number_next(member.site)
        profile.loan_pin_hash = loan_pin_hash
        profile.full_since = timezone.now()
        profile.save()
        _consent_record(member, context)
        full_member_granted_event(member, actor=actor, card_number=profile.card_number, check=check)
    return profile


def _card_number_next(site) -> str:
    """Take the next card number under a row lock: concurrent applications never collide."""
    counter = CardNumberCounter.objects.select_for_update().get(site=site)
    number = counter.next_value
    counter.next_value = number + 1
    counter.save(update_fields=["next_value"])
    return f"{number:010d}"


# --- multi-child family conversion (다자녀가정 회원전환) ---------------------------------------


def _youngest_age(children: tuple[date, ...], today: date) -> int:
    return age_on(max(children), today)


def multi_child_self_apply(
    *, member: Member, actor: Member, consent: bool, rrn_back: str, context: RequestContext
) -> LoanLimitGrant:
    """A full member in Yongin-si with ≥ 2 children, the youngest ≤ 18, gets loan limit 10 until
    31 December of the year the youngest turns 18 (manual 003 §03, SPEC §6)."""
    _inputs_check(consent=consent, rrn_back=rrn_back, pins=None)
    if library_profile_of(member).level != LibraryProfile.Level.FULL:
        raise DomainError(
            LibraryErrorCode.FULL_MEMBER_REQUIRED,
            _("Only full members can apply for the multi-child conversion."),
        )
    check, result, failure = _run_check(
        member=member, actor=actor, purpose=EligibilityCheck.Purpose.MULTI_CHILD, rrn_back=rrn_back
    )
    del rrn_back
    if failure is None:
        failure = _multi_child_refusal(result)
        if failure is not None:
            check.outcome, check.refusal_code = "refused", failure.code
        else:
            check.grant_until = date(max(result.children_birth_dates).year + 18, 12, 31)
    with transaction.atomic():
        check.save()
        if failure is not None:
            multi_child_refused_event(member, actor=actor, code=failure.code, check=check)
    if failure is not None:
        raise failure
    with transaction.atomic():
        _consent_record(member, context)
        return _grant(
            member=member, actor=actor, check=check, reason=LoanLimitGrant.Reason.MULTI_CHILD_SELF
        )


def _multi_child_refusal(result: EligibilityResult) -> DomainError | None:
    """The household first (children, youngest's age), then the residence (SPEC §12 cases)."""
    if len(result.children_birth_dates) < 2:
        return _refusal(
            LibraryErrorCode.TOO_FEW_CHILDREN,
            _("The multi-child conversion needs two or more children."),
        )
    if _youngest_age(result.children_birth_dates, timezone.localdate()) > 18:
        return _refusal(
            LibraryErrorCode.YOUNGEST_OVER_18,
            _("The multi-child conversion needs the youngest child to be 18 or younger."),
        )
    if result.province != GYEONGGI or result.city != YONGIN:
        return _refusal(
            LibraryErrorCode.NOT_YONGIN_RESIDENT,
            _("The multi-child conversion is for residents registered in Yongin-si."),
        )
    return None


def _grant(
    *, member: Member, actor: Member, check: EligibilityCheck, reason: str
) -> LoanLimitGrant:
    LoanLimitGrant.objects.filter(member=member, active=True, reason=reason).update(
        active=False, ended_at=timezone.now()
    )
    library_state_changed(member.pk)
    grant = LoanLimitGrant.objects.create(
        member=member,
        limit=MULTI_CHILD_LOAN_LIMIT,
        valid_until=check.grant_until,
        reason=reason,
        eligibility_check=check,
    )
    loan_limit_granted_event(grant, actor=actor)
    return grant


@dataclass(frozen=True)
class ChildClaim:
    username: str
    name: str
    birth_date: date


def multi_child_children_apply(
    *, member: Member, actor: Member, children: list[ChildClaim], context: RequestContext
) -> list[LoanLimitGrant]:
    """Convert the parent's children after a passed check (manual 003 §03 자녀신청).

    Each child must be a full member of the site with that ID, name and a birth date the check
    returned; any refusal (`child_mismatch`, `child_not_full_member`) is reported per child
    (attr `children.<n>`) and nothing is granted — the parent may drop that child and resend.
    """
    if not children:
        raise DomainError(
            CommonErrorCode.REQUIRED, _("Choose at least one child."), attr="children"
        )
    check = _recent_passed_check(member)
    if check is None or check.grant_until is None:
        raise DomainError(
            LibraryErrorCode.ELIGIBILITY_CHECK_REQUIRED,
            _("Run the multi-child eligibility check first."),
        )
    dates = set(check.children_birth_dates)
    errors: list[DomainError] = []
    found: list[Member] = []
    for index, claim in enumerate(children):
        child = (
            Member.objects.filter(
                site=member.site,
                username=member.site.rules.username.fold(claim.username),
            )
            .exclude(status=Member.Status.WITHDRAWN)
            .exclude(pk=member.pk)
            .first()
        )
        attr = f"children.{index}"
        if (
            child is None
            or child.name != claim.name.strip()
            or child.birth_date != claim.birth_date
            or claim.birth_date.isoformat() not in dates
        ):
            errors.append(
                DomainError(
                    LibraryErrorCode.CHILD_MISMATCH,
                    _("No member matches this ID, name and birth date among your children."),
                    attr=attr,
                )
            )
        elif library_profile_of(child).level != LibraryProfile.Level.FULL:
            errors.append(
                DomainError(
                    LibraryErrorCode.CHILD_NOT_FULL_MEMBER,
                    _("This child must become a full member first."),
                    attr=attr,
                )
            )
        else:
            found.append(child)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        return [
            _grant(
                member=child,
                actor=actor,
                check=check,
                reason=LoanLimitGrant.Reason.MULTI_CHILD_CHILD,
            )
            for child in found
        ]


# --- expiry ---------------------------------------------------------------------------------


def grants_expire(*, today: date | None = None) -> int:
    """End grants whose period has passed; the limit falls back to the default (daily job)."""
    today = today or timezone.localdate()
    ended = 0
    expired = LoanLimitGrant.objects.filter(active=True, valid_until__lt=today)
    for grant_id in list(expired.values_list("pk", flat=True)):
        with transaction.atomic():
            grant = (
                LoanLimitGrant.objects.select_for_update().filter(pk=grant_id, active=True).first()
            )
            if grant is None:
                continue
            grant.active = False
            grant.ended_at = timezone.now()
            grant.save(update_fields=["active", "ended_at"])
            loan_limit_expired_event(grant)
            ended += 1
    return ended


def member_for_upgrade(*, viewer: Member, member_id: int | None) -> Member:
    """The member an upgrade is for: oneself, or a ward under 14 for a guardian (SPEC §8)."""
    if member_id is None or member_id == viewer.pk:
        return viewer
    ward = member_wards(guardian=viewer).filter(pk=member_id).first()
    if ward is None:
        raise NotFound(MemberErrorCode.MEMBER_NOT_FOUND, _("No such member."))
    return ward
