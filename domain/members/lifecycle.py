"""Staff suspend and reactivate a member of their site (the Django admin's actions; SPEC §8).

A suspended member cannot log in (`account_inactive`), and the tokens already issued stop
working: the refresh tokens are revoked and api.authentication refuses an access token of a
member who is not active.
"""

from __future__ import annotations

from django.db import transaction

from domain.audit.services import RequestContext
from domain.common.transitions import transition

from .events import member_activated_event, member_suspended_event
from .models import Member
from .tokens import member_refresh_tokens_revoke


def member_suspend(
    *, member: Member, actor: Member, context: RequestContext | None = None
) -> Member:
    """active → suspended (409 `invalid_transition` from any other status)."""
    with transaction.atomic():
        revoked = member_refresh_tokens_revoke(member=member)
        return transition(
            member,
            Member.Status.SUSPENDED,
            event=member_suspended_event,
            actor=actor,
            context=context,
            refresh_tokens_revoked=revoked,
        )


def member_reactivate(
    *, member: Member, actor: Member, context: RequestContext | None = None
) -> Member:
    """suspended → active (409 `invalid_transition` from any other status)."""
    return transition(
        member,
        Member.Status.ACTIVE,
        event=member_activated_event,
        actor=actor,
        reason="reactivated",
        context=context,
    )
