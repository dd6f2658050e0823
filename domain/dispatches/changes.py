"""Changes to a scheduled dispatch before it is sent (SPEC §7.4; manual 004 §3.2 예약발송 변경):
its title, time, subject and body; recipients removed (their amount returned to the purchase);
the whole dispatch cancelled (all returned). "발송을 전체 취소하려는 경우, 받는 고객을 전체
삭제합니다": removing every recipient is a cancellation.

Only a scheduled dispatch that is still pending and whose time has not come can change: an
immediate one never (즉시발송은 발송내용을 변경할 수 없습니다), nor one a worker may be about to
take or has taken — 409 `dispatch_not_editable`. Each change is one transaction that locks in
the ledger's order, dispatch → recipients → purchase (domain.purchases.ledger): the dispatch
row lock also keeps the due-dispatch job (which skips locked rows) from starting it meanwhile.
Each change writes one DispatchEvent; money moves only through the ledger, which writes the
PurchaseEvent.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain.common.errors import Conflict, DomainError, NotFound
from domain.common.transitions import transition, transition_many
from domain.corporates.models import CorporateManager
from domain.purchases.ledger import purchase_release

from .errors import DispatchErrorCode
from .events import (
    dispatch_cancelled_event,
    dispatch_edited_event,
    dispatch_recipients_removed_event,
)
from .message import message_check
from .models import Dispatch, Recipient
from .selectors import dispatch_not_found

Gift = Recipient.Status
EDITABLE_FIELDS = ("title", "scheduled_at", "subject", "body")


def dispatch_editable(dispatch: Dispatch, *, now: dt.datetime | None = None) -> bool:
    """A scheduled dispatch, still pending, whose time is still ahead."""
    return (
        dispatch.send_type == Dispatch.SendType.SCHEDULED
        and dispatch.status == Dispatch.Status.PENDING
        and dispatch.scheduled_at > (now or timezone.now())
    )


def _locked(*, manager: CorporateManager, dispatch_id: int, now: dt.datetime) -> Dispatch:
    dispatch = (
        Dispatch.objects.select_for_update()
        .filter(corporate_id=manager.corporate_id, pk=dispatch_id)
        .first()
    )
    if dispatch is None:
        raise dispatch_not_found()
    if not dispatch_editable(dispatch, now=now):
        raise Conflict(
            DispatchErrorCode.DISPATCH_NOT_EDITABLE,
            _("Only a scheduled dispatch can be changed, and only before its sending starts."),
        )
    return dispatch


def scheduled_after_expiry() -> DomainError:
    return DomainError(
        DispatchErrorCode.SCHEDULED_AT_AFTER_PURCHASE_EXPIRY,
        _(
            "The purchase that pays for this dispatch expires before the scheduled time: "
            "choose an earlier time."
        ),
        attr="scheduled_at",
    )


def scheduled_at_check(
    scheduled_at: dt.datetime, *, now: dt.datetime, expires_at: dt.datetime | None = None
) -> dt.datetime:
    """A scheduled dispatch's time, at creation and at a change: in the future
    (`scheduled_at_past`) and, once its purchase is known, before that purchase's end of
    validity (`scheduled_at_after_purchase_expiry`: an expired purchase's money is not usable,
    SPEC §7.3, so nothing would be sent)."""
    if scheduled_at <= now:
        raise DomainError(
            DispatchErrorCode.SCHEDULED_AT_PAST,
            _("The scheduled time must be in the future."),
            attr="scheduled_at",
        )
    if expires_at is not None and scheduled_at >= expires_at:
        raise scheduled_after_expiry()
    return scheduled_at


def dispatch_edit(
    *, manager: CorporateManager, dispatch_id: int, changes: dict, now: dt.datetime | None = None
) -> Dispatch:
    """Change any of title, scheduled_at (in the future, before the purchase's expiry:
    `scheduled_at_past`, `scheduled_at_after_purchase_expiry`), subject and
    body. The message is checked as at creation (domain.dispatches.message.message_check: SPEC
    §13, EUC-KR only, subject ≤ 40 bytes, body ≤ 1,000 characters and, with the gift link,
    ≤ 2,000 bytes) and its kind (sms/lms/mms, link included) chosen again. Nothing changed, no
    event."""
    now = now or timezone.now()
    with transaction.atomic():
        dispatch = _locked(manager=manager, dispatch_id=dispatch_id, now=now)
        changed = [
            name
            for name in EDITABLE_FIELDS
            if name in changes and changes[name] != getattr(dispatch, name)
        ]
        if not changed:
            return dispatch
        old_time = dispatch.scheduled_at if "scheduled_at" in changed else None
        if old_time is not None:
            scheduled_at_check(
                changes["scheduled_at"], now=now, expires_at=dispatch.purchase.expires_at
            )
        for name in changed:
            setattr(dispatch, name, changes[name])
        dispatch.kind = message_check(
            subject=dispatch.subject, body=dispatch.body, has_image=bool(dispatch.image)
        ).kind
        dispatch.save(update_fields=[*changed, "kind"])
        dispatch_edited_event(
            dispatch, actor=manager.member, changed=changed, old_scheduled_at=old_time
        )
    return dispatch


def dispatch_recipients_remove(
    *,
    manager: CorporateManager,
    dispatch_id: int,
    recipient_ids: list[int],
    now: dt.datetime | None = None,
) -> Dispatch:
    """Take recipients off before sending: each → removed, their amount released to the
    purchase, the dispatch's total and recipient count reduced. Every id must be a recipient of
    this dispatch still waiting (else 404 `recipient_not_found`, nothing changed); all of them
    is a cancellation (dispatch_cancel)."""
    now = now or timezone.now()
    ids = sorted(set(recipient_ids))
    with transaction.atomic():
        dispatch = _locked(manager=manager, dispatch_id=dispatch_id, now=now)
        waiting = Recipient.objects.filter(dispatch=dispatch, status=Gift.QUEUED)
        found = waiting.aggregate(all=Count("pk"), chosen=Count("pk", filter=Q(pk__in=ids)))
        if found["chosen"] != len(ids):
            raise NotFound(
                DispatchErrorCode.RECIPIENT_NOT_FOUND,
                _("Some of these recipients are not waiting in this dispatch."),
                attr="recipients",
            )
        if found["chosen"] == found["all"]:
            return _cancel(dispatch, actor=manager.member, now=now)
        removed = transition_many(  # one DispatchEvent for the whole change
            waiting.filter(pk__in=ids).order_by("pk"),
            Gift.REMOVED,
            batch_event=partial(dispatch_recipients_removed_event, dispatch, actor=manager.member),
        )
        released = sum(recipient.amount for recipient in removed)
        dispatch.total -= released
        dispatch.recipient_count -= len(removed)
        dispatch.save(update_fields=["total", "recipient_count"])
        purchase_release(
            purchase_id=dispatch.purchase_id,
            amount=released,
            dispatch_id=dispatch.pk,
            actor=manager.member,
            reason="recipients_removed",
        )
    return dispatch


def dispatch_cancel(
    *, manager: CorporateManager, dispatch_id: int, now: dt.datetime | None = None
) -> Dispatch:
    """Cancel a scheduled dispatch before sending: every waiting recipient → cancelled, the
    whole held amount released to the purchase. The dispatch keeps its total and count as the
    record of what was cancelled (manual 004 §3.1 lists a cancelled dispatch with its amount)."""
    now = now or timezone.now()
    with transaction.atomic():
        dispatch = _locked(manager=manager, dispatch_id=dispatch_id, now=now)
        return _cancel(dispatch, actor=manager.member, now=now)


def _cancel(dispatch: Dispatch, *, actor, now: dt.datetime) -> Dispatch:
    # No event of their own: the recipients' moves are recorded by the dispatch's one
    # `cancelled` event (its transition below, with the amount released).
    cancelled = transition_many(
        Recipient.objects.filter(dispatch=dispatch, status=Gift.QUEUED).order_by("pk"),
        Gift.CANCELLED,
    )
    released = sum(recipient.amount for recipient in cancelled)
    transition(
        dispatch,
        Dispatch.Status.CANCELLED,
        event=dispatch_cancelled_event,
        fields={"cancelled_at": now},
        actor=actor,
        released=released,
    )
    purchase_release(
        purchase_id=dispatch.purchase_id,
        amount=released,
        dispatch_id=dispatch.pk,
        actor=actor,
        reason="dispatch_cancelled",
    )
    return dispatch
