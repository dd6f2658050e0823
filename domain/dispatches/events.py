"""One helper per dispatch event type (Saleor's `order/events.py`). `parameters` hold ids and
counts, never a recipient's name, mobile or claim code."""

from __future__ import annotations

from .models import Dispatch, DispatchEvent, DispatchEventType, Recipient


def _record(
    dispatch: Dispatch, type: str, *, old_status: str, actor=None, amount: int = 0, **parameters
) -> DispatchEvent:
    return DispatchEvent.objects.create(
        dispatch=dispatch,
        type=type,
        old_status=old_status,
        new_status=dispatch.status,
        amount=amount,
        actor=actor,
        parameters=parameters,
    )


def dispatch_created_event(dispatch: Dispatch, /, *, actor) -> DispatchEvent:
    return _record(
        dispatch,
        DispatchEventType.CREATED,
        old_status="",
        actor=actor,
        amount=dispatch.total,
        purchase=dispatch.purchase_id,
        recipients=dispatch.recipient_count,
    )


def dispatch_started_event(dispatch: Dispatch, /) -> DispatchEvent:
    return _record(dispatch, DispatchEventType.STARTED, old_status=Dispatch.Status.PENDING)


def dispatch_completed_event(dispatch: Dispatch, /) -> DispatchEvent:
    return _record(dispatch, DispatchEventType.COMPLETED, old_status=Dispatch.Status.SENDING)


def dispatch_failed_event(dispatch: Dispatch, /) -> DispatchEvent:
    """Sending ended without every recipient sent, for the dispatch's `failure_reason`."""
    return _record(
        dispatch,
        DispatchEventType.FAILED,
        old_status=Dispatch.Status.SENDING,
        reason=dispatch.failure_reason,
    )


def dispatch_cancelled_event(dispatch: Dispatch, /, *, actor, released: int) -> DispatchEvent:
    return _record(
        dispatch,
        DispatchEventType.CANCELLED,
        old_status=Dispatch.Status.PENDING,
        actor=actor,
        amount=released,
    )


# Changes of a scheduled dispatch before sending (domain.dispatches.changes; manual 004 §3.2).


def dispatch_edited_event(
    dispatch: Dispatch, /, *, actor, changed: list[str], old_scheduled_at=None
) -> DispatchEvent:
    """`changed`: the names of the fields changed; the old and new time when the time moved
    (the message text itself stays out of the log)."""
    times = {}
    if old_scheduled_at is not None:
        times = {
            "old_scheduled_at": old_scheduled_at.isoformat(),
            "new_scheduled_at": dispatch.scheduled_at.isoformat(),
        }
    return _record(
        dispatch,
        DispatchEventType.EDITED,
        old_status=dispatch.status,
        actor=actor,
        changed=changed,
        **times,
    )


def dispatch_recipients_removed_event(
    dispatch: Dispatch, /, *, actor, recipients: list[int], released: int
) -> DispatchEvent:
    return _record(
        dispatch,
        DispatchEventType.RECIPIENTS_REMOVED,
        old_status=dispatch.status,
        actor=actor,
        amount=released,
        recipients=recipients,
        count=len(recipients),
    )


# --- Recipient outcomes (issue 11 points 6, 7): old/new status are the recipients' ------------


def _record_outcome(
    dispatch_id: int, type: str, *, new_status: str, amount: int, actor=None, **parameters
) -> DispatchEvent:
    return DispatchEvent.objects.create(
        dispatch_id=dispatch_id,
        type=type,
        old_status=Recipient.Status.SENT,
        new_status=new_status,
        amount=amount,
        actor=actor,
        parameters=parameters,
    )


def recipient_received_event(recipient: Recipient, /) -> DispatchEvent:
    """The gift app: the recipient registered the gift (수령). No money moves."""
    return _record_outcome(
        recipient.dispatch_id,
        DispatchEventType.RECEIVED,
        new_status=recipient.status,
        amount=0,
        recipient=recipient.pk,
        gift_amount=recipient.amount,
    )


def recipient_refused_event(recipient: Recipient, /, *, returned: int) -> DispatchEvent:
    """The gift app: the recipient refused the gift (고객거절); `returned` won went back to the
    purchase (0 once it is no longer valid)."""
    return _record_outcome(
        recipient.dispatch_id,
        DispatchEventType.REFUSED,
        new_status=recipient.status,
        amount=returned,
        recipient=recipient.pk,
        gift_amount=recipient.amount,
    )


def recipients_reclaimed_event(
    dispatch: Dispatch, /, *, actor, recipients: list[int], gift_amount: int, returned: int
) -> DispatchEvent:
    """The company reclaimed unreceived gifts (회수): one row for the whole selection."""
    return _record_outcome(
        dispatch.pk,
        DispatchEventType.RECLAIMED,
        new_status=Recipient.Status.RECLAIMED,
        amount=returned,
        actor=actor,
        recipients=recipients,
        count=len(recipients),
        gift_amount=gift_amount,
    )


# --- Sending (issue 11 point 5): one event per batch, its recipients' ids in `parameters` ---


def dispatch_batch_sent_event(
    dispatch: Dispatch, /, *, recipients: list[int], amount: int, batch_key: str
) -> DispatchEvent:
    """A batch's messages went out; `amount` was spent from the purchase."""
    return _record(
        dispatch,
        DispatchEventType.BATCH_SENT,
        old_status=Dispatch.Status.SENDING,
        amount=amount,
        recipients=recipients,
        batch_key=batch_key,
    )


def dispatch_batch_retried_event(
    dispatch: Dispatch, /, *, recipients: list[int], batch_key: str, reason: str
) -> DispatchEvent:
    """Recipients back in the queue: the gateway refused them or did not answer, or their
    worker's lease expired. They are sent again under the same batch key."""
    return _record(
        dispatch,
        DispatchEventType.BATCH_RETRIED,
        old_status=Dispatch.Status.SENDING,
        recipients=recipients,
        batch_key=batch_key,
        reason=reason,
    )


def dispatch_recipients_failed_event(
    dispatch: Dispatch, /, *, recipients: list[int], amount: int, batch_key: str, reason: str
) -> DispatchEvent:
    """Recipients that will never be sent; `amount` went back to the balance. `reason`:
    `send_failed` (refused at the last attempt, `batch_key` the batch's) or a
    `Dispatch.FailureReason` (no batch: `batch_key` is "")."""
    return _record(
        dispatch,
        DispatchEventType.RECIPIENTS_FAILED,
        old_status=Dispatch.Status.SENDING,
        amount=amount,
        recipients=recipients,
        batch_key=batch_key,
        reason=reason,
    )
