"""The operator's review of a corporate sign-up, its purchase terms and documents
(manual 004 §1.1 "가입 완료 안내 문자를 수신하면 로그인"; SPEC §7.1, §7.3, §8, §14).

Only a service here changes a corporate's status, under `select_for_update()`: pending review →
approved (the master can log in, the sign-up account goes in use, an SMS tells the manager) or
rejected with a reason (told by SMS). Staff reads of a corporate's documents and details are
written to the access log.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain.audit.models import AuditEvent
from domain.audit.services import RequestContext, audit_record
from domain.common.capabilities import Capability, account_can, role_can
from domain.common.errors import CommonErrorCode, DomainError, ValidationFailed
from domain.common.transitions import transition
from domain.common.uploads import open_private_upload
from domain.members.account import member_notify
from domain.members.events import member_activated_event, member_rejected_event
from domain.members.models import Member
from domain.members.reverification import site_feature_require
from domain.messaging.sms import encode_check

from . import messages
from .errors import CorporateErrorCode
from .events import (
    bank_account_approved_event,
    bank_account_rejected_event,
    corporate_approved_event,
    corporate_rejected_event,
    corporate_terms_changed_event,
)
from .models import BankAccount, Corporate, CorporateManager
from .selectors import (
    CorporateDocument,
    corporate_document,
    corporate_master,
    corporate_not_found,
)

FEATURE = "corporates"
REASON_MAX_LENGTH = 300
DISCOUNT_RATE_MAX = Decimal("99.99")  # Corporate.discount_rate holds 4 digits, 2 decimals
TERM_FIELDS = ("discount_rate", "monthly_discount_limit", "monthly_purchase_limit")

Status = Corporate.Status


def _is_site_staff(member: Member, site) -> bool:
    """An operator of `site`, or a platform superuser (the Django admin)."""
    return account_can(member, site, Capability.CORPORATES_REVIEW)


def _review_start(*, site, staff: Member, corporate_id: int) -> Corporate:
    """The corporate locked for the change; 404 outside the staff's site."""
    site_feature_require(site=site, feature=FEATURE)
    if not _is_site_staff(staff, site):
        raise corporate_not_found()
    corporate = Corporate.objects.select_for_update().filter(site=site, pk=corporate_id).first()
    if corporate is None:
        raise corporate_not_found()
    return corporate


def _master_locked(corporate: Corporate) -> Member | None:
    manager = corporate_master(corporate=corporate)
    if manager is None:
        return None
    return (
        Member.objects.select_for_update(of=("self",))
        .select_related("site")
        .get(pk=manager.member_id)
    )


def corporate_approve(
    *, site, staff: Member, corporate_id: int, context: RequestContext | None = None
) -> Corporate:
    """Approve a corporate sign-up (SPEC §7.1 "on approval the manager gets an SMS and becomes
    the master"). pending_review → approved only (else 409 `invalid_transition`); the master's
    account becomes active, the pending sign-up account goes in use (SPEC §7.2), and the
    manager is told by SMS after commit that they can log in.
    """
    now = timezone.now()
    with transaction.atomic():
        corporate = _review_start(site=site, staff=staff, corporate_id=corporate_id)
        account = (
            BankAccount.objects.filter(corporate=corporate, status=BankAccount.Status.PENDING)
            .order_by("created_at", "id")
            .first()
        )
        transition(
            corporate,
            Status.APPROVED,
            event=corporate_approved_event,
            fields={"reject_reason": "", "reviewed_by": staff, "reviewed_at": now},
            actor=staff,
            bank_account=account,
        )
        if account is not None:
            transition(
                account,
                BankAccount.Status.IN_USE,
                event=bank_account_approved_event,
                fields={"approved_by": staff, "approved_at": now},
                actor=staff,
            )
        master = _master_locked(corporate)
        if master is not None and master.status == Member.Status.PENDING:
            transition(
                master,
                Member.Status.ACTIVE,
                event=member_activated_event,
                actor=staff,
                reason="corporate_approved",
                context=context,
            )
        if master is not None:
            text = messages.SIGN_UP_APPROVED.render(
                site=site.name, corporate=corporate.name, username=master.username
            )
            member_notify(
                member=master,
                title=text.title,
                body=text.body,
                purpose="corporate_approved",
                prefer="sms",
            )
    return corporate


def rejection_reason_clean(reason: str | None) -> str:
    """A staff rejection's reason, told by SMS: required (`reason_required`), at most
    REASON_MAX_LENGTH characters, and sendable by text message (`unsupported_character`)."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            CommonErrorCode.REASON_REQUIRED, _("Enter the reason for the rejection."), attr="reason"
        )
    reason = reason[:REASON_MAX_LENGTH]
    encode_check(reason, attr="reason")
    return reason


def corporate_reject(
    *,
    site,
    staff: Member,
    corporate_id: int,
    reason: str,
    context: RequestContext | None = None,
) -> Corporate:
    """Reject a corporate sign-up with a reason the manager is told by SMS (SPEC §7.1).

    The reason is required (`reason_required`) and must be sendable by text message
    (`unsupported_character`); pending_review → rejected only (409 `invalid_transition`). The
    manager's account becomes rejected (login answers `account_rejected`) and the sign-up
    account request is withdrawn.
    """
    reason = rejection_reason_clean(reason)
    now = timezone.now()
    with transaction.atomic():
        corporate = _review_start(site=site, staff=staff, corporate_id=corporate_id)
        transition(
            corporate,
            Status.REJECTED,
            event=corporate_rejected_event,
            fields={"reject_reason": reason, "reviewed_by": staff, "reviewed_at": now},
            actor=staff,
        )
        pending = BankAccount.objects.filter(corporate=corporate, status=BankAccount.Status.PENDING)
        for account in pending:
            transition(
                account,
                BankAccount.Status.DELETED,
                event=bank_account_rejected_event,
                fields={"deleted_at": now},
                actor=staff,
            )
        master = _master_locked(corporate)
        if master is not None and master.status == Member.Status.PENDING:
            transition(
                master,
                Member.Status.REJECTED,
                event=member_rejected_event,
                actor=staff,
                reason="corporate_rejected",
                context=context,
            )
        if master is not None:
            text = messages.SIGN_UP_REJECTED.render(
                site=site.name, corporate=corporate.name, reason=reason
            )
            member_notify(
                member=master,
                title=text.title,
                body=text.body,
                purpose="corporate_rejected",
                prefer="sms",
            )
    return corporate


def corporate_terms_errors(
    *,
    discount_rate: Decimal | None = None,
    monthly_discount_limit: int | None = None,
    monthly_purchase_limit: int | None = None,
) -> list[DomainError]:
    """The refusals of new purchase terms: a rate from 0 to 99.99 percent with at most two
    decimals (`invalid_discount_rate`), limits in whole won ≥ 0 (`invalid_amount`)."""
    errors: list[DomainError] = []
    if discount_rate is not None and (
        not isinstance(discount_rate, Decimal)
        or not discount_rate.is_finite()
        or not Decimal(0) <= discount_rate <= DISCOUNT_RATE_MAX
        or discount_rate != discount_rate.quantize(Decimal("0.01"))
    ):
        errors.append(
            DomainError(
                CorporateErrorCode.INVALID_DISCOUNT_RATE,
                _("The discount rate is a percentage from 0 to 99.99 with two decimals."),
                attr="discount_rate",
            )
        )
    for name, value in (
        ("monthly_discount_limit", monthly_discount_limit),
        ("monthly_purchase_limit", monthly_purchase_limit),
    ):
        if value is not None and (not isinstance(value, int) or value < 0):
            errors.append(
                DomainError(
                    CorporateErrorCode.INVALID_AMOUNT,
                    _("Enter a whole number of won (0 or more)."),
                    attr=name,
                )
            )
    return errors


def corporate_terms_update(
    *,
    site,
    staff: Member,
    corporate_id: int,
    discount_rate: Decimal | None = None,
    monthly_discount_limit: int | None = None,
    monthly_purchase_limit: int | None = None,
    context: RequestContext | None = None,
) -> Corporate:
    """Staff set a corporate's purchase terms (SPEC §7.3 "defaults by company size"; manual 004
    §2.1 "소진공 담당자와 협의하여 재설정"). Omitted (None) terms stay; the change is written as a
    `terms_changed` event with the old and new values. Allowed in any status.
    """
    errors = corporate_terms_errors(
        discount_rate=discount_rate,
        monthly_discount_limit=monthly_discount_limit,
        monthly_purchase_limit=monthly_purchase_limit,
    )
    if errors:
        raise ValidationFailed(errors)
    wanted = {
        "discount_rate": discount_rate,
        "monthly_discount_limit": monthly_discount_limit,
        "monthly_purchase_limit": monthly_purchase_limit,
    }
    with transaction.atomic():
        corporate = _review_start(site=site, staff=staff, corporate_id=corporate_id)
        old, new = {}, {}
        for name, value in wanted.items():
            if value is None or getattr(corporate, name) == value:
                continue
            old[name] = getattr(corporate, name)
            new[name] = value
            setattr(corporate, name, value)
        if new:
            corporate.save(update_fields=[*new, "updated_at"])
            corporate_terms_changed_event(corporate, actor=staff, old=old, new=new)
    return corporate


def corporate_personal_data_viewed(
    *, corporate: Corporate, viewer: Member, item: str, context: RequestContext | None = None
) -> None:
    """Access log (SPEC §14): a staff read of a corporate's personal data — who, whose (the
    master), what, when, from where. Reads by the corporate's own managers are not logged."""
    if not account_can(viewer, corporate.site, Capability.SITE_READ):
        return
    master = corporate_master(corporate=corporate)
    audit_record(
        type=AuditEvent.Type.PERSONAL_DATA_VIEWED,
        site=corporate.site,
        member=master.member if master else None,
        actor=viewer,
        context=context,
        item=item,
        corporate_id=corporate.pk,
    )


def corporate_document_open(
    *,
    corporate: Corporate,
    viewer: Member,
    kind: str,
    context: RequestContext | None = None,
) -> tuple[CorporateDocument, File]:
    """A sign-up document (registration_certificate, headcount_document, bankbook — the
    account in use, else the sign-up one) for the site's staff or the corporate's own admins
    with `corporate.documents`; anyone else gets a 404 (SPEC §14 uploads). Staff downloads are
    written to the access log.
    """
    allowed = account_can(viewer, corporate.site, Capability.SITE_READ)
    if not allowed:
        manager = CorporateManager.objects.filter(member=viewer, corporate=corporate).first()
        allowed = bool(
            manager
            and corporate.status == Status.APPROVED
            and role_can(manager.capability_role, Capability.CORPORATE_DOCUMENTS)
        )
    if not allowed:
        raise corporate_not_found()
    document = corporate_document(corporate=corporate, kind=kind)
    file = open_private_upload(document.path)
    corporate_personal_data_viewed(
        corporate=corporate, viewer=viewer, item=f"corporate_{kind}", context=context
    )
    return document, file
