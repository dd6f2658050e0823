"""One helper per event type of a member's and a name change request's lifecycle (Saleor's
`order/events.py`). Both lifecycles are recorded in the audit trail (AuditEvent, SPEC §14): it
carries who, whose, when and from where, which is what staff read a member's history from.
`parameters` names fields and ids, never their values."""

from __future__ import annotations

from django.utils import timezone

from domain.audit.models import AuditEvent
from domain.audit.services import RequestContext, audit_record

from .models import Member, NameChangeRequest

Type = AuditEvent.Type


def member_created_event(
    member: Member, /, *, context: RequestContext | None = None, **parameters
) -> AuditEvent:
    return audit_record(
        type=Type.MEMBER_CREATED,
        site=member.site,
        member=member,
        actor=member,
        context=context,
        kind=member.kind,
        **parameters,
    )


def member_updated_event(
    member: Member,
    /,
    *,
    actor: Member,
    fields: list[str],
    context: RequestContext | None = None,
) -> AuditEvent:
    return audit_record(
        type=Type.MEMBER_UPDATED,
        site=member.site,
        member=member,
        actor=actor,
        context=context,
        fields=fields,
    )


def member_activated_event(
    member: Member, /, *, actor: Member, reason: str, context: RequestContext | None = None
) -> AuditEvent:
    """`reason`: `corporate_approved` (SPEC §7.1) or `reactivated` (staff, the admin)."""
    return audit_record(
        type=Type.MEMBER_ACTIVATED,
        site=member.site,
        member=member,
        actor=actor,
        context=context,
        reason=reason,
    )


def member_rejected_event(
    member: Member, /, *, actor: Member, reason: str, context: RequestContext | None = None
) -> AuditEvent:
    return audit_record(
        type=Type.MEMBER_REJECTED,
        site=member.site,
        member=member,
        actor=actor,
        context=context,
        reason=reason,
    )


def member_suspended_event(
    member: Member, /, *, actor: Member, refresh_tokens_revoked: int, context=None
) -> AuditEvent:
    return audit_record(
        type=Type.MEMBER_SUSPENDED,
        site=member.site,
        member=member,
        actor=actor,
        context=context,
        refresh_tokens_revoked=refresh_tokens_revoked,
    )


def member_withdrawn_event(
    member: Member,
    /,
    *,
    actor: Member,
    refresh_tokens_revoked: int,
    context: RequestContext | None = None,
) -> AuditEvent:
    return audit_record(
        type=Type.MEMBER_WITHDRAWN,
        site=member.site,
        member=member,
        actor=actor,
        context=context,
        username_released_at=timezone.localtime(member.username_released_at).isoformat(),
        refresh_tokens_revoked=refresh_tokens_revoked,
    )


def name_change_requested_event(
    request: NameChangeRequest, /, *, context: RequestContext | None = None
) -> AuditEvent:
    return audit_record(
        type=Type.NAME_CHANGE_REQUESTED,
        site=request.site,
        member=request.member,
        actor=request.member,
        context=context,
        request_id=request.pk,
    )


def name_change_approved_event(
    request: NameChangeRequest, /, *, actor: Member, context: RequestContext | None = None
) -> AuditEvent:
    return audit_record(
        type=Type.NAME_CHANGE_APPROVED,
        site=request.site,
        member=request.member,
        actor=actor,
        context=context,
        request_id=request.pk,
    )


def name_change_rejected_event(
    request: NameChangeRequest, /, *, actor: Member, context: RequestContext | None = None
) -> AuditEvent:
    return audit_record(
        type=Type.NAME_CHANGE_REJECTED,
        site=request.site,
        member=request.member,
        actor=actor,
        context=context,
        request_id=request.pk,
    )
