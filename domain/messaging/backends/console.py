import sys
import threading
import uuid

from .base import BaseSmsBackend, SendResult, SmsMessage


class ConsoleSmsBackend(BaseSmsBackend):
    """Writes each message to a stream (stdout by default), like Django's console email backend."""

    def __init__(self, *, stream=None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.stream = stream or sys.stdout
        self._lock = threading.RLock()

    def send(self, message: SmsMessage) -> str:
        message_id = f"console-{uuid.uuid4().hex}"
        lines = [
            f"[{message.kind.upper()}] from {message.sender} to {message.to} ({message_id})",
            *([f"Subject: {message.subject}"] if message.subject else []),
            message.body,
            "-" * 79,
        ]
        with self._lock:
            self.stream.write("\n".join(lines) + "\n")
            self.stream.flush()
        return message_id

    def send_many(self, messages, *, request_id: str, first_sent_at=None) -> list[SendResult]:
        """Prints the batch's request id, then each message (a repeated batch prints again)."""
        with self._lock:
            self.stream.write(f"[batch {request_id}] {len(messages)} messages\n")
            return super().send_many(messages, request_id=request_id)
