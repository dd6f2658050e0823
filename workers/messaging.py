"""Outbox jobs (SPEC §9): thin entry points; the rules live in domain.messaging.services."""

from domain.messaging.services import message_deliver, messages_deliver_due


def deliver_message(message_id: int) -> str:
    """Queued on commit by outbox_sms/outbox_email; returns the message's status."""
    return message_deliver(message_id=message_id).status


def deliver_due_messages() -> int:
    """Periodic (workers.schedules "outbox-retry"): due first tries and retries; returns sent."""
    return messages_deliver_due()
