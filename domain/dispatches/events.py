"""One helper per dispatch event type (Saleor's `order/events.py`). `parameters` hold ids and
counts, never a recipient's name, mobile or claim code."""

from __future__ import annotations

from .models import Dispatch, DispatchEvent, DispatchEventType


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


def dispatch_cancelled_event(dispatch: Dispatch, /, *, actor, released: int) -> DispatchEvent:
    return _record(
        dispatch,
        DispatchEventType.CANCELLED,
        old_status=Dispatch.Status.PENDING,
        actor=actor,
        amount=released,
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
    dispatch: Dispatch, /, *, recipients: list[int], amount: int, batch_key: str
) -> DispatchEvent:
    """Recipients not sent after the last attempt; `amount` went back to the balance."""
    return _record(
        dispatch,
        DispatchEventType.RECIPIENTS_FAILED,
        old_status=Dispatch.Status.SENDING,
        amount=amount,
        recipients=recipients,
        batch_key=batch_key,
    )
