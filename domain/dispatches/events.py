"""One helper per dispatch event type (Saleor's `order/events.py`). `parameters` hold ids and
counts, never a recipient's name, mobile or claim code. A change of many recipients is one event:
its helper takes the rows moved as its second argument and is handed to `transition_many` as its
`batch_event` (domain.common.transitions), which calls it once, in the move's transaction."""

from __future__ import annotations

from .models import Dispatch, DispatchEvent, DispatchEventType, Recipient


def _record(
    dispatch_id: int,
    type: str,
    *,
    old_status: str,
    new_status: str,
    amount: int = 0,
    actor=None,
    **parameters,
) -> DispatchEvent:
    """The one writer: a dispatch's own events carry its statuses, a recipients' event theirs."""
    return DispatchEvent.objects.create(
        dispatch_id=dispatch_id,
        type=type,
        old_status=old_status,
        new_status=new_status,
        amount=amount,
        actor=actor,
        parameters=parameters,
    )


def _ids(recipients: list[Recipient]) -> list[int]:
    return sorted(recipient.pk for recipient in recipients)


def _amount(recipients: list[Recipient]) -> int:
    return sum(recipient.amount for recipient in recipients)


def dispatch_created_event(dispatch: Dispatch, /, *, actor) -> DispatchEvent:
    return _record(
        dispatch.pk,
        DispatchEventType.CREATED,
        old_status="",
        new_status=dispatch.status,
        actor=actor,
        amount=dispatch.total,
        purchase=dispatch.purchase_id,
        recipients=dispatch.recipient_count,
    )


def dispatch_started_event(dispatch: Dispatch, /) -> DispatchEvent:
    return _record(
        dispatch.pk,
        DispatchEventType.STARTED,
        old_status=Dispatch.Status.PENDING,
        new_status=dispatch.status,
    )


def dispatch_completed_event(dispatch: Dispatch, /) -> DispatchEvent:
    return _record(
        dispatch.pk,
        DispatchEventType.COMPLETED,
        old_status=Dispatch.Status.SENDING,
        new_status=dispatch.status,
    )


def dispatch_failed_event(dispatch: Dispatch, /) -> DispatchEvent:
    """Sending ended without every recipient sent, for the dispatch's `failure_reason`."""
    return _record(
        dispatch.pk,
        DispatchEventType.FAILED,
        old_status=Dispatch.Status.SENDING,
        new_status=dispatch.status,
        reason=dispatch.failure_reason,
    )


def dispatch_cancelled_event(dispatch: Dispatch, /, *, actor, released: int) -> DispatchEvent:
    return _record(
        dispatch.pk,
        DispatchEventType.CANCELLED,
        old_status=Dispatch.Status.PENDING,
        new_status=dispatch.status,
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
        dispatch.pk,
        DispatchEventType.EDITED,
        old_status=dispatch.status,
        new_status=dispatch.status,
        actor=actor,
        changed=changed,
        **times,
    )


# --- Changes of many recipients: one event for the rows one `transition_many` moved, --------
# recorded by it (`batch_event`); the rows are the helper's second argument.


def dispatch_recipients_removed_event(
    dispatch: Dispatch, removed: list[Recipient], /, *, actor
) -> DispatchEvent:
    """Recipients taken off before sending; their amount was released to the purchase."""
    return _record(
        dispatch.pk,
        DispatchEventType.RECIPIENTS_REMOVED,
        old_status=dispatch.status,
        new_status=dispatch.status,
        actor=actor,
        amount=_amount(removed),
        recipients=_ids(removed),
        count=len(removed),
    )


def _batch(
    dispatch: Dispatch, type: str, rows: list[Recipient], *, batch_key: str, **parameters
) -> DispatchEvent:
    """A sending batch's outcome: its recipients' ids and its key."""
    return _record(
        dispatch.pk,
        type,
        old_status=Dispatch.Status.SENDING,
        new_status=dispatch.status,
        recipients=_ids(rows),
        batch_key=batch_key,
        **parameters,
    )


def dispatch_batch_sent_event(
    dispatch: Dispatch, sent: list[Recipient], /, *, batch_key: str
) -> DispatchEvent:
    """A batch's messages went out; their amount was spent from the purchase."""
    return _batch(
        dispatch, DispatchEventType.BATCH_SENT, sent, batch_key=batch_key, amount=_amount(sent)
    )


def dispatch_batch_retried_event(
    dispatch: Dispatch, queued: list[Recipient], /, *, batch_key: str, reason: str
) -> DispatchEvent:
    """Recipients back in the queue: the gateway refused them or did not answer, or their
    worker's lease expired. They are sent again under the same batch key."""
    return _batch(
        dispatch, DispatchEventType.BATCH_RETRIED, queued, batch_key=batch_key, reason=reason
    )


def dispatch_recipients_failed_event(
    dispatch: Dispatch, failed: list[Recipient], /, *, batch_key: str, reason: str
) -> DispatchEvent:
    """Recipients that will never be sent; their amount went back to the balance. `reason`:
    `send_failed` (refused at the last attempt, `batch_key` the batch's) or a
    `Dispatch.FailureReason` (no batch: `batch_key` is "")."""
    return _batch(
        dispatch,
        DispatchEventType.RECIPIENTS_FAILED,
        failed,
        batch_key=batch_key,
        amount=_amount(failed),
        reason=reason,
    )


# --- Recipient outcomes: old/new status are the recipients' ------------


def recipient_received_event(recipient: Recipient, /) -> DispatchEvent:
    """The gift app: the recipient registered the gift (수령). No money moves."""
    return _record(
        recipient.dispatch_id,
        DispatchEventType.RECEIVED,
        old_status=Recipient.Status.SENT,
        new_status=recipient.status,
        recipient=recipient.pk,
        gift_amount=recipient.amount,
    )


def recipient_refused_event(recipient: Recipient, /, *, returned: int) -> DispatchEvent:
    """The gift app: the recipient refused the gift (고객거절); `returned` won went back to the
    purchase (0 once it is no longer valid)."""
    return _record(
        recipient.dispatch_id,
        DispatchEventType.REFUSED,
        old_status=Recipient.Status.SENT,
        new_status=recipient.status,
        amount=returned,
        recipient=recipient.pk,
        gift_amount=recipient.amount,
    )


def recipients_reclaimed_event(
    dispatch: Dispatch,
    reclaimed: list[Recipient],
    /,
    *,
    actor,
    recipients: list[int],
    returned: int,
) -> DispatchEvent:
    """The company reclaimed unreceived gifts (회수): one row for the whole selection;
    `recipients` the ids as asked (the rows moved are all of them), `returned` the won given
    back to the purchase (0 once it is no longer valid)."""
    return _record(
        dispatch.pk,
        DispatchEventType.RECLAIMED,
        old_status=Recipient.Status.SENT,
        new_status=Recipient.Status.RECLAIMED,
        amount=returned,
        actor=actor,
        recipients=recipients,
        count=len(recipients),
        gift_amount=_amount(reclaimed),
    )
