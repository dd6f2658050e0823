"""One helper per library event type (Saleor's `order/events.py`). Never the RRN (PIPA art.
24-2): only codes, ids, card numbers and limits go into `parameters`."""

from domain.common.errors import ErrorCode
from domain.members.models import Member

from .models import EligibilityCheck, LibraryEvent, LoanLimitGrant

Type = LibraryEvent.Type


def _record(member_id: int, type: LibraryEvent.Type, *, actor=None, **parameters):
    return LibraryEvent.objects.create(
        member_id=member_id, actor=actor, type=type, parameters=parameters
    )


def full_member_granted_event(
    member: Member, /, *, actor: Member, card_number: str, check: EligibilityCheck
) -> LibraryEvent:
    return _record(
        member.pk, Type.FULL_MEMBER_GRANTED, actor=actor, card_number=card_number, check=check.pk
    )


def full_member_refused_event(
    member: Member, /, *, actor: Member, code: ErrorCode, check: EligibilityCheck
) -> LibraryEvent:
    return _record(member.pk, Type.FULL_MEMBER_REFUSED, actor=actor, code=code, check=check.pk)


def multi_child_refused_event(
    member: Member, /, *, actor: Member, code: ErrorCode, check: EligibilityCheck
) -> LibraryEvent:
    return _record(member.pk, Type.MULTI_CHILD_REFUSED, actor=actor, code=code, check=check.pk)


def loan_limit_granted_event(grant: LoanLimitGrant, /, *, actor: Member) -> LibraryEvent:
    return _record(
        grant.member_id,
        Type.LOAN_LIMIT_GRANTED,
        actor=actor,
        limit=grant.limit,
        valid_until=grant.valid_until.isoformat(),
        reason=grant.reason,
        check=grant.eligibility_check_id,
    )


def loan_limit_expired_event(grant: LoanLimitGrant, /) -> LibraryEvent:
    return _record(grant.member_id, Type.LOAN_LIMIT_EXPIRED, grant=grant.pk, limit=grant.limit)
