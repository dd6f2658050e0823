"""Name change requests with evidence, reviewed by staff (manual 002 §II 1-2; SPEC §5, §8).

"법적으로 이름을 개명한 경우에는 관련 증명서를 … 보내주시면 검토 후 변경처리가 가능합니다":
the member uploads the legal rename certificate and verifies as the renamed person; staff of
the site approve (the stored name changes) or reject with a reason. The member is told either
way by SMS. Evidence is private: only the member and the site's staff may read it, and staff
reads are written to the access log (SPEC §14).
"""

from __future__ import annotations

from typing import IO

from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain.audit.models import AuditEvent
from domain.audit.services import RequestContext, audit_record
from domain.common.capabilities import Capability, account_can
from domain.common.errors import (
    CommonErrorCode,
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
)
from domain.common.transitions import transition
from domain.common.uploads import (
    DOCUMENT_TYPES,
    delete_private_upload,
    open_private_upload,
    store_private_upload,
)
from domain.verifications.models import Verification
from domain.verifications.services import verification_consume

from . import messages
from .account import member_notify
from .errors import MemberErrorCode
from .events import (
    name_change_approved_event,
    name_change_rejected_event,
    name_change_requested_event,
)
from .models import Member, NameChangeRequest
from .reverification import identity_mismatch_error, name_mismatch_error, site_feature_require

FEATURE = "name_change_requests"
EVIDENCE_FOLDER = "name-change-evidence"
PERSONAL_DATA_VIEWED = AuditEvent.Type.PERSONAL_DATA_VIEWED
REASON_MAX_LENGTH = 300

Status = NameChangeRequest.Status


def _not_found() -> NotFound:
    return NotFound(
        MemberErrorCode.NAME_CHANGE_REQUEST_NOT_FOUND, _("No such name change request.")
    )


def name_change_requests_visible(*, site, viewer: Member) -> QuerySet[NameChangeRequest]:
    """The requests `viewer` may see: all of the site's for its staff, else their own (SPEC §8)."""
    requests = NameChangeRequest.objects.filter(site=site).select_related("member")
    if account_can(viewer, site, Capability.SITE_READ):
        return requests
    return requests.filter(member=viewer)


def name_change_request_get(*, site, viewer: Member, request_id: int) -> NameChangeRequest:
    """One request in the viewer's scope; anything else is a 404 (never a 403)."""
    site_feature_require(site=site, feature=FEATURE)
    found = name_change_requests_visible(site=site, viewer=viewer).filter(pk=request_id).first()
    if found is None:
        raise _not_found()
    return found


def name_change_request_create(
    *,
    member: Member,
    requested_name: str,
    evidence: IO[bytes],
    verification_token: str,
    context: RequestContext | None = None,
) -> NameChangeRequest:
    """File a name change request (manual 002 §II 1-2; SPEC §5).

    The member verifies as the renamed person (purpose profile_update): the verified name must
    be `requested_name` (`name_mismatch`) and the birth date the stored one
    (`identity_mismatch`). The evidence is a PDF/JPG/PNG of at most 10 MB, checked by content
    (SPEC §14). One pending request per member (409 `name_change_pending`); asking for the
    current name is `name_unchanged`.
    """
    site = member.site
    site_feature_require(site=site, feature=FEATURE)
    requested_name = requested_name.strip()
    if requested_name == member.name.strip():
        raise DomainError(
            MemberErrorCode.NAME_UNCHANGED,
            _("The requested name is the name already registered."),
            attr="requested_name",
        )
    stored = None
    try:
        with transaction.atomic():
            member = (
                Member.objects.select_for_update(of=("self",))
                .select_related("site")
                .get(pk=member.pk)
            )
            if NameChangeRequest.objects.filter(member=member, status=Status.PENDING).exists():
                raise Conflict(
                    MemberErrorCode.NAME_CHANGE_PENDING,
                    _("A name change request is already waiting for review."),
                )
            person = verification_consume(
                site=site,
                token=verification_token,
                purpose=Verification.Purpose.PROFILE_UPDATE,
                member=member,
            )
            if (person.name or "").strip() != requested_name:
                raise name_mismatch_error(
                    message=_(
                        "The verified name is not the requested name. Verify as yourself "
                        "after the legal name change."
                    )
                )
            if member.birth_date and person.birth_date != member.birth_date:
                raise identity_mismatch_error()
            stored = store_private_upload(
                file=evidence, folder=EVIDENCE_FOLDER, allowed=DOCUMENT_TYPES, attr="evidence"
            )
            request = NameChangeRequest.objects.create(
                site=site,
                member=member,
                current_name=member.name,
                requested_name=requested_name,
                evidence=stored.path,
                evidence_content_type=stored.content_type,
                verified_ci_hash=person.ci_hash,
                verified_di_hash=person.di_hash,
            )
            name_change_requested_event(request, context=context)
    except Exception:
        # No row refers to the file once the transaction is rolled back.
        if stored is not None:
            delete_private_upload(stored.path)
        raise
    return request


def _review_start(*, site, staff: Member, request_id: int) -> NameChangeRequest:
    site_feature_require(site=site, feature=FEATURE)
    request = (
        NameChangeRequest.objects.select_for_update(of=("self",))
        .select_related("member", "site")
        .filter(site=site, pk=request_id)
        .first()
    )
    if request is None or not account_can(staff, site, Capability.NAME_CHANGES_REVIEW):
        raise _not_found()
    if request.member_id == staff.pk:
        raise PermissionDenied(
            MemberErrorCode.OWN_REQUEST_REVIEW, _("Another operator must review your own request.")
        )
    return request


def name_change_request_approve(
    *, site, staff: Member, request_id: int, context: RequestContext | None = None
) -> NameChangeRequest:
    """Staff approve a pending request: the member's name becomes the requested one (manual 002
    §II 1-2 "검토 후 변경처리"). pending → approved only (else 409 `invalid_transition`); the
    member is told by SMS (email if no mobile) after commit.
    """
    with transaction.atomic():
        request = _review_start(site=site, staff=staff, request_id=request_id)
        transition(
            request,
            Status.APPROVED,
            event=name_change_approved_event,
            fields={"reviewed_by": staff, "reviewed_at": timezone.now()},
            actor=staff,
            context=context,
        )
        member = (
            Member.objects.select_for_update(of=("self",))
            .select_related("site")
            .get(pk=request.member_id)
        )
        member.name = request.requested_name
        fields = ["name", "updated_at"]
        if request.verified_ci_hash:  # the identity as verified under the new name
            member.ci_hash, member.di_hash = request.verified_ci_hash, request.verified_di_hash
            fields += ["ci_hash", "di_hash"]
        member.save(update_fields=fields)
        text = messages.NAME_CHANGE_APPROVED.render(site=site.name)
        member_notify(
            member=member,
            title=text.title,
            body=text.body,
            purpose="name_change_approved",
            prefer="sms",
        )
    return request


def name_change_request_reject(
    *,
    site,
    staff: Member,
    request_id: int,
    reason: str,
    context: RequestContext | None = None,
) -> NameChangeRequest:
    """Staff reject a pending request with a reason the member is told by SMS (SPEC §8).

    The reason is required (`reason_required`); pending → rejected only (409
    `invalid_transition`). The stored name does not change.
    """
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            CommonErrorCode.REASON_REQUIRED, _("Enter the reason for the rejection."), attr="reason"
        )
    with transaction.atomic():
        request = _review_start(site=site, staff=staff, request_id=request_id)
        transition(
            request,
            Status.REJECTED,
            event=name_change_rejected_event,
            fields={
                "reason": reason[:REASON_MAX_LENGTH],
                "reviewed_by": staff,
                "reviewed_at": timezone.now(),
            },
            actor=staff,
            context=context,
        )
        text = messages.NAME_CHANGE_REJECTED.render(site=site.name, reason=request.reason)
        member_notify(
            member=request.member,
            title=text.title,
            body=text.body,
            purpose="name_change_rejected",
            prefer="sms",
        )
    return request


def name_change_evidence_open(
    *,
    site,
    viewer: Member,
    request_id: int,
    context: RequestContext | None = None,
) -> tuple[NameChangeRequest, File]:
    """The evidence file, for the member who filed it or the site's staff (SPEC §14 uploads).

    Anyone else gets a 404. A staff read of another member's evidence is written to the access
    log (`personal_data_viewed`: who, whose, what, when, from where; SPEC §14 access log).
    """
    request = name_change_request_get(site=site, viewer=viewer, request_id=request_id)
    file = open_private_upload(request.evidence)
    if request.member_id != viewer.pk:
        audit_record(
            type=PERSONAL_DATA_VIEWED,
            site=site,
            member=request.member,
            actor=viewer,
            context=context,
            item="name_change_evidence",
            request_id=request.pk,
        )
    return request, file
