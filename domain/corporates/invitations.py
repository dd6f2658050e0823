"""Invitations of general admins by an SMS join link (관리자 추가 가입; SPEC §7.1, §14; manual 004
§1.2, §4.2).

The link carries a random token (`secrets.token_urlsafe(32)`); only its keyed hash is stored.
A link lives 72 hours, dies when the invitation is resent or cancelled, and is used once. The
invitee may also join without the token, as the manual shows it: company name, business number
and a verification of the invited mobile find the invitation (`invitation_accept_by_company`).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain.audit.services import RequestContext
from domain.common.errors import (
    CommonErrorCode,
    Conflict,
    DomainError,
    NotFound,
    ValidationFailed,
)
from domain.common.hashing import keyed_hash
from domain.common.numbers import normalise_business_number
from domain.common.phones import normalise_mobile
from domain.common.transitions import transition
from domain.consents.services import consents_record
from domain.members.events import member_created_event
from domain.members.models import Member
from domain.members.registration import member_create_verified, username_taken_error
from domain.messaging.services import outbox_server_sms
from domain.verifications.models import Verification
from domain.verifications.services import verification_consume

from . import messages
from .corporate_admins import (
    MANAGER_KIND,
    manager_answers_check,
    manager_person_check,
    manager_verification_methods,
)
from .errors import CorporateErrorCode
from .events import (
    invitation_accepted_event,
    invitation_cancelled_event,
    invitation_created_event,
    invitation_resent_event,
)
from .models import Corporate, CorporateManager, Invitation

INVITATION_LIFETIME = timedelta(hours=72)
TOKEN_PURPOSE = "invitation"
DEFAULT_URL_BASE = "http://localhost:5173/onnuri-biz"


def invitation_url(token: str) -> str:
    """The join page of the SPA for `token`."""
    base = getattr(settings, "INVITATION_URL_BASE", DEFAULT_URL_BASE).rstrip("/")
    return f"{base}/join/{token}"


def _token_issue(invitation: Invitation, now: datetime) -> str:
    """A new link: the previous token's hash is overwritten, so the old link stops working."""
    token = secrets.token_urlsafe(32)
    invitation.token_hash = keyed_hash(token, purpose=TOKEN_PURPOSE)
    invitation.expires_at = now + INVITATION_LIFETIME
    return token


def _invitation_sms(*, invitation: Invitation, site, token: str) -> None:
    # Manual 004 §1.2's wording; sensitive: the link is a secret until it is used.
    text = messages.INVITATION.render(site=site.name, url=invitation_url(token))
    outbox_server_sms(
        to=invitation.mobile,
        subject=text.title,
        body=text.body,
        site=site,
        purpose="invitation",
        sensitive=True,
    )


def _invitation_locked(*, corporate_id: int, invitation_id: int) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("corporate__site")
        .filter(corporate_id=corporate_id, pk=invitation_id)
        .first()
    )
    if invitation is None:
        raise NotFound()
    return invitation


def _invalid_transition() -> DomainError:
    return Conflict(
        CommonErrorCode.INVALID_TRANSITION,
        _("The invitation is no longer pending (joined or cancelled)."),
    )


def invitation_create(
    *,
    manager: CorporateManager,
    name: str,
    department: str,
    position: str,
    mobile: str,
    context: RequestContext | None = None,
) -> Invitation:
    """멤버 추가 (manual 004 §4.2): the master invites a general admin by SMS.

    A mobile that is already an admin of this corporate or has a pending invitation (expired
    or not: resend it instead) is `already_invited` (409). The corporate row is locked so two
    masters' tabs cannot invite the same number twice.
    """
    phone = normalise_mobile(mobile)
    if phone is None:
        raise DomainError(
            CommonErrorCode.INVALID_PHONE, _("Enter a valid mobile number."), attr="mobile"
        )
    with transaction.atomic():
        corporate = (
            Corporate.objects.select_for_update()
            .select_related("site")
            .get(pk=manager.corporate_id)
        )
        if (
            CorporateManager.objects.filter(corporate=corporate, member__mobile=phone).exists()
            or Invitation.objects.filter(
                corporate=corporate, mobile=phone, status=Invitation.Status.PENDING
            ).exists()
        ):
            raise Conflict(
                CorporateErrorCode.ALREADY_INVITED,
                _("This mobile number is already an admin or invited."),
                attr="mobile",
            )
        now = timezone.now()
        invitation = Invitation(
            corporate=corporate,
            invited_by=manager.member,
            name=name,
            department=department,
            position=position,
            mobile=phone,
            created_at=now,
        )
        token = _token_issue(invitation, now)
        invitation.save()
        _invitation_sms(invitation=invitation, site=corporate.site, token=token)
        invitation_created_event(invitation, actor=manager.member)
    return invitation


def invitation_resend(
    *, manager: CorporateManager, invitation_id: int, context: RequestContext | None = None
) -> Invitation:
    """문자 재발송 (manual 004 §4.2): a new link and 72 hours; the old link dies.

    Only a pending invitation (`invalid_transition`, 409, otherwise).
    """
    with transaction.atomic():
        invitation = _invitation_locked(
            corporate_id=manager.corporate_id, invitation_id=invitation_id
        )
        if invitation.status != Invitation.Status.PENDING:
            raise _invalid_transition()
        token = _token_issue(invitation, timezone.now())
        invitation.sent_count += 1
        invitation.save(update_fields=["token_hash", "expires_at", "sent_count"])
        _invitation_sms(invitation=invitation, site=invitation.corporate.site, token=token)
        invitation_resent_event(invitation, actor=manager.member)
    return invitation


def invitation_cancel(
    *, manager: CorporateManager, invitation_id: int, context: RequestContext | None = None
) -> Invitation:
    """계정 삭제하기 on a not-yet-joined row (manual 004 §4.1): the link stops working."""
    with transaction.atomic():
        invitation = _invitation_locked(
            corporate_id=manager.corporate_id, invitation_id=invitation_id
        )
        transition(
            invitation,
            Invitation.Status.CANCELLED,
            event=invitation_cancelled_event,
            actor=manager.member,
        )
    return invitation


def _invitation_by_token(*, site, token: str, lock: bool = False) -> Invitation:
    invitations = Invitation.objects.select_related("corporate__site", "invited_by").filter(
        token_hash=keyed_hash(token or "", purpose=TOKEN_PURPOSE),
        corporate__site=site,
        corporate__status=Corporate.Status.APPROVED,
    )
    if lock:
        invitations = invitations.select_for_update(of=("self",))
    invitation = invitations.first()
    if invitation is None or invitation.status != Invitation.Status.PENDING:
        raise NotFound(
            CorporateErrorCode.INVITATION_NOT_FOUND,
            _("This invitation link is not valid. Ask your company's master for a new one."),
        )
    if invitation.expires_at <= timezone.now():
        raise _expired()
    return invitation


def _expired() -> DomainError:
    return DomainError(
        CorporateErrorCode.INVITATION_EXPIRED,
        _("This invitation link has expired. Ask your company's master to send it again."),
    )


def invitation_get_by_token(*, site, token: str) -> Invitation:
    """The pending, unexpired invitation of a join link (`invitation_not_found`, 404;
    `invitation_expired`, 400)."""
    return _invitation_by_token(site=site, token=token)


@dataclass
class InvitationAcceptData:
    company_name: str
    business_number: str
    email: str
    username: str
    password: str
    password_confirm: str
    verification_token: str
    consents: list[dict[str, Any]] = field(default_factory=list)
    # Blank: the invitation's (the join page shows them pre-filled).
    department: str = ""
    position: str = ""


def _company_errors(corporate: Corporate, data: InvitationAcceptData) -> list[DomainError]:
    message = _(
        "The company name and business registration number must match the company that invited you."
    )
    mismatch = CorporateErrorCode.INVITATION_COMPANY_MISMATCH
    errors = []
    if data.company_name.strip() != corporate.name:
        errors.append(DomainError(mismatch, message, attr="company_name"))
    if normalise_business_number(data.business_number) != corporate.business_number:
        errors.append(DomainError(mismatch, message, attr="business_number"))
    return errors


def _invitation_join(
    *,
    site,
    data: InvitationAcceptData,
    accepted: list,
    context: RequestContext | None,
    invitation_find: Callable[[Verification], Invitation],
) -> CorporateManager:
    """Both ways in, once the form is valid: in one transaction the ID is checked, the
    verification token used (purpose invitation), the invitation found and locked by
    `invitation_find(person)`, the verified mobile matched to the invited one
    (`invitation_phone_mismatch`) and the person checked (`under_minimum_age`,
    `already_registered`); then the member (active, no further approval), its general-admin
    role carrying the invitation (the members list's entry keeps its id) and the acceptance
    are written together. Any refusal rolls back, leaving the token and the invitation usable.
    """
    username = site.rules.username.fold(data.username)
    taken = username_taken_error()
    password_hash = make_password(data.password)  # outside the transaction (SQLite write lock)
    try:
        with transaction.atomic():
            if Member.objects.filter(site=site, username=username).exists():
                raise taken
            person = verification_consume(
                site=site,
                token=data.verification_token,
                purpose=Verification.Purpose.INVITATION,
                methods=manager_verification_methods(
                    site=site, purpose=Verification.Purpose.INVITATION
                ),
            )
            invitation = invitation_find(person)
            if person.mobile != invitation.mobile:
                raise DomainError(
                    CorporateErrorCode.INVITATION_PHONE_MISMATCH,
                    _("Verify with the mobile number the invitation was sent to."),
                    attr="verification_token",
                )
            manager_person_check(site=site, person=person)
            member = member_create_verified(
                site=site,
                username=username,
                kind=MANAGER_KIND,
                person=person,
                password_hash=password_hash,
                email=data.email,
            )
            manager = CorporateManager.objects.create(
                member=member,
                corporate=invitation.corporate,
                role=CorporateManager.Role.GENERAL,
                department=data.department or invitation.department,
                position=data.position or invitation.position,
                invitation=invitation,
            )
            consents_record(
                member=member,
                accepted=accepted,
                context=context or RequestContext(),
                source="sign_up",
            )
            member_created_event(member, context=context, invitation=invitation.pk)
            transition(
                invitation,
                Invitation.Status.ACCEPTED,
                event=invitation_accepted_event,
                fields={"accepted_member": member, "accepted_at": timezone.now()},
            )
    except IntegrityError:  # a concurrent sign-up took the ID between the check and insert
        raise taken
    return manager


def _form_check(*, site, data: InvitationAcceptData, errors: list[DomainError]) -> list:
    """The ID, password, email and consent rules of sign-up, raised together with `errors`;
    returns the accepted consents."""
    form_errors, accepted = manager_answers_check(
        site=site,
        username=data.username,
        password=data.password,
        password_confirm=data.password_confirm,
        email=data.email,
        consents=data.consents,
    )
    errors = errors + form_errors
    if errors:
        raise ValidationFailed(errors)
    return accepted


def invitation_accept(
    *, site, token: str, data: InvitationAcceptData, context: RequestContext | None = None
) -> CorporateManager:
    """관리자 추가 가입 by the link's token (SPEC §7.1; manual 004 §1.2): the invitee joins as
    a general admin.

    Refusals, all leaving the link and the verification usable: `invitation_not_found` (404:
    unknown, used or cancelled link), `invitation_expired`; then together
    `invitation_company_mismatch` (company name exactly as the corporate's, business number
    with or without dashes), the sign-up ID/password/email rules and consents; then those of
    `_invitation_join` (`username_taken`, the verification token, `invitation_phone_mismatch`,
    `under_minimum_age`, `already_registered`). Name, birth date and mobile come from the
    verification.
    """
    invitation = _invitation_by_token(site=site, token=token)
    accepted = _form_check(site=site, data=data, errors=_company_errors(invitation.corporate, data))
    return _invitation_join(
        site=site,
        data=data,
        accepted=accepted,
        context=context,
        invitation_find=lambda person: _invitation_by_token(site=site, token=token, lock=True),
    )


def invitation_accept_by_company(
    *, site, data: InvitationAcceptData, context: RequestContext | None = None
) -> CorporateManager:
    """관리자 추가 가입 without the token, as manual 004 §1.2 shows it (the SMS carries a bare
    `/join` link): the invitee enters the company name and business number and verifies the
    invited mobile; the pending invitation of that company for that verified mobile is found.

    Refusals: together, the sign-up ID/password/email rules, consents and
    `invalid_business_number` (check digit); then those of `_invitation_join`, where
    `invitation_no_match` (400) means no pending invitation of an approved company of this site
    with exactly that name and business number for the verified mobile — one code whichever
    part is wrong, so the answer does not tell which companies exist — and
    `invitation_expired` an expired one. Every refusal leaves the verification token usable.
    """
    business_number = normalise_business_number(data.business_number)
    errors = []
    if business_number is None:
        errors.append(
            DomainError(
                CommonErrorCode.INVALID_BUSINESS_NUMBER,
                _("The business registration number is not valid (check digit)."),
                attr="business_number",
            )
        )
    accepted = _form_check(site=site, data=data, errors=errors)

    def invitation_find(person: Verification) -> Invitation:
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("corporate__site")
            .filter(
                corporate__site=site,
                corporate__status=Corporate.Status.APPROVED,
                corporate__name=data.company_name.strip(),
                corporate__business_number=business_number,
                mobile=person.mobile,
                status=Invitation.Status.PENDING,
            )
            .order_by("-created_at", "-id")
            .first()
        )
        if invitation is None:
            raise DomainError(
                CorporateErrorCode.INVITATION_NO_MATCH,
                _(
                    "No invitation of this company was found for the verified mobile number. "
                    "Check the company name and business registration number, or ask your "
                    "company's master to invite this number."
                ),
            )
        if invitation.expires_at <= timezone.now():
            raise _expired()
        return invitation

    return _invitation_join(
        site=site,
        data=data,
        accepted=accepted,
        context=context,
        invitation_find=invitation_find,
    )
