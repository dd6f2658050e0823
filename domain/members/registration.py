"""Sign-up (회원가입) for every member kind of the sites (SPEC §2, §3, §5; manuals 000, 002, 003).

Name, birth date, gender, nationality and mobile come from the verification, never from the
form. Field errors are collected and reported together; the verification tokens are consumed
inside the same transaction as the new member, so any refusal leaves them usable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain.audit.services import RequestContext
from domain.common.errors import CommonErrorCode, DomainError, ValidationFailed
from domain.common.numbers import normalise_business_number, normalise_corporation_number
from domain.common.phones import normalise_mobile
from domain.consents.models import ConsentDocument
from domain.consents.services import consents_record, consents_validate
from domain.sites.errors import SiteErrorCode
from domain.sites.models import LibraryBranch
from domain.verifications.models import Verification
from domain.verifications.services import verification_consume

from .errors import MemberErrorCode
from .events import member_created_event
from .models import CorporateProfile, Guardianship, Member
from .passwords import password_check

USERNAME_MESSAGES = {
    SiteErrorCode.USERNAME_LENGTH: _("The ID length does not meet the site's rule."),
    SiteErrorCode.USERNAME_PATTERN: _("The ID contains characters the site does not allow."),
    MemberErrorCode.USERNAME_TAKEN: _("This ID is already in use."),
}
GUARDIAN_MIN_AGE = 19


def age_on(birth_date: date, today: date) -> int:
    """Full years (만 나이) on `today`."""
    return (
        today.year
        - birth_date.year
        - ((today.month, today.day) < (birth_date.month, birth_date.day))
    )


def today_in_korea() -> date:
    return timezone.localdate()


@dataclass(frozen=True)
class Availability:
    available: bool
    reason: MemberErrorCode | None = None
    message: str = ""


def username_availability(*, site, username: str) -> Availability:
    """중복확인: available, taken (case-insensitively where the site says so), or invalid."""
    rule = site.rules.username
    violation = rule.violation(username)
    if violation:
        return Availability(False, violation, str(USERNAME_MESSAGES[violation]))
    if Member.objects.filter(site=site, username=rule.fold(username)).exists():
        taken = MemberErrorCode.USERNAME_TAKEN
        return Availability(False, taken, str(USERNAME_MESSAGES[taken]))
    return Availability(True)


Channel = ConsentDocument.Channel


@dataclass
class SignUpData:
    kind: str
    username: str
    password: str
    password_confirm: str
    verification_token: str
    consents: list[dict[str, Any]]
    email: str = ""
    address: dict[str, str] = field(default_factory=dict)
    landline: str = ""
    home_library: int | None = None
    guardian_verification_token: str = ""
    guardian: dict[str, str] = field(default_factory=dict)
    business_verification_token: str = ""
    corporate: dict[str, Any] = field(default_factory=dict)
    # Marketing opt-ins (SPEC §2 form fields), recorded as consents (SPEC §3); None: not asked.
    sms_opt_in: bool | None = None
    email_opt_in: bool | None = None

    def opt_ins(self) -> dict[str, bool]:
        given = {Channel.SMS: self.sms_opt_in, Channel.EMAIL: self.email_opt_in}
        return {channel: agreed for channel, agreed in given.items() if agreed is not None}


def member_sign_up(*, site, data: SignUpData, context: RequestContext) -> Member:
    """Create a member of `data.kind` on `site` (SPEC §5 Sign-up).

    Refusals (all leave every token unused): broken ID/password rules, `password_mismatch`,
    missing required fields or consents, `under_minimum_age`, `over_maximum_age`,
    `guardian_verification_required`, `guardian_mismatch`, `already_registered` (same CI on the
    same site and kind), `username_taken`.
    """
    policy = site.rules
    kind = policy.kind(data.kind)
    if kind is None or data.kind == "corporate_manager":
        raise DomainError(
            SiteErrorCode.UNKNOWN_MEMBER_KIND,
            _("This site has no such member kind."),
            attr="kind",
        )
    errors = _form_errors(site, kind, data)
    if data.kind == "corporate":
        errors.extend(_corporate_errors(data.corporate))
    try:
        accepted = consents_validate(
            site=site, kind=kind.code, agreements=data.consents, opt_ins=data.opt_ins()
        )
    except DomainError as exc:
        errors.append(exc)
    if errors:
        raise ValidationFailed(errors)
    username = policy.username.fold(data.username)
    methods = {seq[-1] for seq in policy.verification.get(kind.code, {}).get("sign_up", [])}
    password_hash = make_password(data.password)  # outside the transaction (SQLite write lock)
    try:
        with transaction.atomic():
            if Member.objects.filter(site=site, username=username).exists():
                raise username_taken_error()
            guardian = None
            if kind.requires_guardian:
                guardian = _guardian_verified(site, data)
            person = verification_consume(
                site=site,
                token=data.verification_token,
                purpose=Verification.Purpose.SIGN_UP,
                methods=methods,
            )
            _check_person(site, kind, person)
            corporate = _corporate_verified(site, data) if data.kind == "corporate" else None
            member = member_create_verified(
                site=site,
                username=username,
                kind=kind.code,
                person=person,
                password_hash=password_hash,
                email=data.email,
                landline=data.landline,
                postal_code=data.address.get("postal_code", ""),
                address_road=data.address.get("road", ""),
                address_detail=data.address.get("detail", ""),
                home_library_id=data.home_library,
            )
            if corporate is not None:
                CorporateProfile.objects.create(member=member, **corporate)
            if guardian is not None:
                Guardianship.objects.create(
                    child=member,
                    guardian_name=guardian.name,
                    guardian_phone=guardian.mobile,
                    guardian_birth_date=guardian.birth_date,
                    guardian_ci_hash=guardian.ci_hash,
                    verification_method=guardian.method,
                    verified_at=guardian.verified_at or timezone.now(),
                )
            consents_record(member=member, accepted=accepted, context=context, source="sign_up")
            member_created_event(member, context=context, guardian=guardian is not None)
    except IntegrityError:  # a concurrent sign-up took the ID between the check and insert
        raise username_taken_error()
    return member


def username_taken_error() -> DomainError:
    taken = MemberErrorCode.USERNAME_TAKEN
    return DomainError(taken, USERNAME_MESSAGES[taken], attr="username")


def member_create_verified(
    *, site, username: str, kind: str, person: Verification, password_hash: str, **fields
) -> Member:
    """Save a member whose name, birth date, gender, nationality, mobile and CI/DI hashes come
    from a consumed verification, never from the form (SPEC §5).

    `password_hash` is `make_password(password)`, computed by the caller before its
    transaction: Argon2 inside one would hold SQLite's write lock (SPEC §9).
    """
    member = Member(
        site=site,
        username=username,
        kind=kind,
        name=person.name,
        birth_date=person.birth_date,
        gender=person.gender,
        nationality=person.nationality or Member.Nationality.DOMESTIC,
        mobile=person.mobile,
        ci_hash=person.ci_hash,
        di_hash=person.di_hash,
        **fields,
    )
    member.password = password_hash
    member.save()
    return member


def _form_errors(site, kind, data: SignUpData) -> list[DomainError]:
    errors: list[DomainError] = []
    rule = site.rules.username
    violation = rule.violation(data.username)
    if violation:
        errors.append(DomainError(violation, USERNAME_MESSAGES[violation], attr="username"))
    if data.password != data.password_confirm:
        errors.append(
            DomainError(
                MemberErrorCode.PASSWORD_MISMATCH,
                _("The passwords do not match."),
                attr="password_confirm",
            )
        )
    try:
        password_check(site=site, password=data.password, username=rule.fold(data.username))
    except ValidationFailed as exc:
        errors.extend(exc.errors)
    required = set(kind.required_fields)
    if "address" in required and not (data.address.get("road") and data.address.get("postal_code")):
        errors.append(
            DomainError(CommonErrorCode.REQUIRED, _("Enter the address."), attr="address")
        )
    if "email" in required and not data.email:
        errors.append(
            DomainError(CommonErrorCode.REQUIRED, _("Enter the email address."), attr="email")
        )
    wants_library = "home_library" in required or data.home_library is not None
    if (
        wants_library
        and not LibraryBranch.objects.filter(
            site=site, pk=data.home_library, is_active=True
        ).exists()
    ):
        errors.append(
            DomainError(
                MemberErrorCode.INVALID_HOME_LIBRARY,
                _("Choose one of the site's libraries."),
                attr="home_library",
            )
        )
    if kind.requires_guardian:
        if not data.guardian.get("name") or not normalise_mobile(data.guardian.get("phone", "")):
            errors.append(
                DomainError(
                    CommonErrorCode.REQUIRED,
                    _("Enter the guardian's name and mobile."),
                    attr="guardian",
                )
            )
        if not data.guardian_verification_token:
            errors.append(
                DomainError(
                    MemberErrorCode.GUARDIAN_VERIFICATION_REQUIRED,
                    _("The guardian (legal representative) must be verified first."),
                    attr="guardian_verification_token",
                )
            )
    return errors


CORPORATE_REQUIRED = (
    "representative_company_name",
    "corporation_name",
    "business_number",
    "applicant_name",
    "applicant_birth_date",
)


def _corporate_errors(corporate: dict[str, Any]) -> list[DomainError]:
    errors = [
        DomainError(
            CommonErrorCode.REQUIRED, _("This field is required."), attr=f"corporate.{name}"
        )
        for name in CORPORATE_REQUIRED
        if not corporate.get(name)
    ]
    if corporate.get("business_number") and not normalise_business_number(
        corporate["business_number"]
    ):
        errors.append(
            DomainError(
                CommonErrorCode.INVALID_BUSINESS_NUMBER,
                _("The business registration number is not valid (check digit)."),
                attr="corporate.business_number",
            )
        )
    crn = corporate.get("corporation_registration_number")
    if crn and not normalise_corporation_number(crn):
        errors.append(
            DomainError(
                MemberErrorCode.INVALID_CORPORATION_NUMBER,
                _("The corporation registration number is not valid (check digit)."),
                attr="corporate.corporation_registration_number",
            )
        )
    return errors


def _guardian_verified(site, data: SignUpData) -> Verification:
    guardian = verification_consume(
        site=site,
        token=data.guardian_verification_token,
        purpose=Verification.Purpose.GUARDIAN,
        attr="guardian_verification_token",
    )
    if age_on(guardian.birth_date, today_in_korea()) < GUARDIAN_MIN_AGE:
        raise DomainError(
            MemberErrorCode.GUARDIAN_NOT_ADULT,
            _("The guardian (legal representative) must be an adult."),
            attr="guardian_verification_token",
        )
    if guardian.name != data.guardian.get(
        "name", ""
    ).strip() or guardian.mobile != normalise_mobile(data.guardian.get("phone", "")):
        raise DomainError(
            MemberErrorCode.GUARDIAN_MISMATCH,
            _("The guardian's name and mobile must match the guardian's verification."),
            attr="guardian",
        )
    return guardian


def _check_person(site, kind, person: Verification) -> None:
    age = age_on(person.birth_date, today_in_korea())
    if kind.min_age is not None and age < kind.min_age:
        raise DomainError(
            MemberErrorCode.UNDER_MINIMUM_AGE,
            _("Members under %(age)d cannot join this site.") % {"age": kind.min_age},
            attr="verification_token",
        )
    if kind.max_age is not None and age > kind.max_age:
        raise DomainError(
            MemberErrorCode.OVER_MAXIMUM_AGE,
            _("This member kind is for members aged %(age)d or younger.") % {"age": kind.max_age},
            attr="kind",
        )
    if (
        kind.code == "foreigner"
        and person.nationality != Member.Nationality.FOREIGN
        or (
            kind.code != "foreigner"
            and site.slug == "animal-protection"
            and person.nationality == Member.Nationality.FOREIGN
        )
    ):
        raise DomainError(
            MemberErrorCode.NATIONALITY_MISMATCH,
            _("Choose the member kind that matches your nationality."),
            attr="kind",
        )
    if (
        Member.objects.filter(site=site, kind=kind.code, ci_hash=person.ci_hash)
        .exclude(status__in=[Member.Status.WITHDRAWN, Member.Status.REJECTED])
        .exists()
    ):
        raise DomainError(
            MemberErrorCode.ALREADY_REGISTERED,
            _("You are already a member. Use Find ID to recover your ID."),
            attr="verification_token",
            extra={"hint": "find_id"},
        )


def _corporate_verified(site, data: SignUpData) -> dict[str, Any]:
    """incheon-water corporate: the business certificate verification must be for this number."""
    number = normalise_business_number(data.corporate["business_number"])
    certificate = verification_consume(
        site=site,
        token=data.business_verification_token,
        purpose=Verification.Purpose.SIGN_UP,
        methods={Verification.Method.BUSINESS_CERTIFICATE},
        attr="business_verification_token",
    )
    if certificate.business_number != number:
        raise DomainError(
            MemberErrorCode.BUSINESS_NUMBER_MISMATCH,
            _("The certificate belongs to another business number."),
            attr="corporate.business_number",
        )
    return {
        "representative_company_name": data.corporate["representative_company_name"],
        "corporation_name": data.corporate["corporation_name"],
        "business_number": number,
        "corporation_registration_number": normalise_corporation_number(
            data.corporate.get("corporation_registration_number") or ""
        )
        or "",
        "applicant_name": data.corporate["applicant_name"],
        "applicant_birth_date": data.corporate["applicant_birth_date"],
    }
