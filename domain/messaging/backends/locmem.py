import uuid

from .base import BaseSmsBackend, SmsMessage

# Every message sent, like django.core.mail.outbox; tests clear it (never rebind it).
outbox: list[SmsMessage] = []


class LocmemSmsBackend(BaseSmsBackend):
    """Keeps messages in memory, in `outbox`, for tests and the sandbox."""

    def send(self, message: SmsMessage) -> str:
        outbox.append(message)
        return f"locmem-{uuid.uuid4().hex}"
