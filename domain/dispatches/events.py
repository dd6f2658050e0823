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
