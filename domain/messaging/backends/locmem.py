import threading
import uuid

from .base import BaseSmsBackend, SendResult, SmsMessage

# Every message sent, like django.core.mail.outbox; tests clear it (never rebind it).
outbox: list[SmsMessage] = []
# What the "gateway" took per (request id, number): a batch sent again under the same request id
# is not delivered twice, as with a gateway that has idempotent request ids.
accepted: dict[tuple[str, str], str] = {}
_lock = threading.Lock()


def reset() -> None:
    """Forget every message and request id (tests)."""
    with _lock:
        outbox.clear()
        accepted.clear()


class LocmemSmsBackend(BaseSmsBackend):
    """Keeps messages in memory, in `outbox`, for tests and the sandbox."""

    def send(self, message: SmsMessage) -> str:
        outbox.append(message)
        return f"locmem-{uuid.uuid4().hex}"

    def send_many(self, messages, *, request_id: str, first_sent_at=None) -> list[SendResult]:
        """Delivers each message once per (request id, number): exactly once however often a
        batch is sent again under its key."""
        results = []
        with _lock:
            for message in messages:
                key = (request_id, message.to)
                if key not in accepted:
                    outbox.append(message)
                    accepted[key] = f"locmem-{uuid.uuid4().hex}"
                results.append(SendResult(provider_message_id=accepted[key]))
        return results
