"""Dispatch sending jobs: thin entry points; the rules live in
domain.dispatches.sending."""

from domain.dispatches.sending import dispatch_send as _dispatch_send
from domain.dispatches.sending import dispatches_send_due


def dispatch_send(dispatch_id: int) -> str:
    """Queued on commit by the create endpoint (immediate dispatches); returns the status
    ("" for an unknown dispatch)."""
    dispatch = _dispatch_send(dispatch_id=dispatch_id)
    return dispatch.status if dispatch else ""


def send_due_dispatches() -> int:
    """Periodic (workers.schedules "dispatches-send-due"): returns the recipients sent."""
    return dispatches_send_due()
