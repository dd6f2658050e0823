import hashlib
import json
import os
import re
import uuid
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .base import BaseSmsBackend, SendResult, SmsMessage

UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")


class FileSmsBackend(BaseSmsBackend):
    """Writes one JSON file per message into `SMS_FILE_DIR` (SPEC §12).

    The keys are to, subject, body, kind and created_at (ISO 8601); an MMS adds its image's
    image_sha256 (hex) and image_size (bytes), so what a worker sent can be told apart.
    """

    def __init__(self, *, file_dir: str | Path | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.file_dir = Path(file_dir or settings.SMS_FILE_DIR)

    def send(self, message: SmsMessage) -> str:
        now = timezone.localtime()
        message_id = f"{now:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:12]}"
        self._write(message, message_id)
        return message_id

    def send_many(self, messages, *, request_id: str, first_sent_at=None) -> list[SendResult]:
        """One file per (request id, number), named after both: a batch sent again under the
        same key finds its files there and writes none twice."""
        results = []
        for message in messages:
            message_id = UNSAFE.sub("_", f"{request_id}-{message.to}")
            if not (self.file_dir / f"{message_id}.json").exists():
                self._write(message, message_id)
            results.append(SendResult(provider_message_id=message_id))
        return results

    def _write(self, message: SmsMessage, message_id: str) -> None:
        self.file_dir.mkdir(parents=True, exist_ok=True)
        content = {
            "to": message.to,
            "subject": message.subject,
            "body": message.body,
            "kind": message.kind,
            "created_at": timezone.localtime().isoformat(),
        }
        if message.image:
            content["image_sha256"] = hashlib.sha256(message.image).hexdigest()
            content["image_size"] = len(message.image)
        path = self.file_dir / f"{message_id}.json"
        # Written aside, then renamed: a process killed mid-write leaves no half file that a
        # resend would take for a delivered message.
        partial = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}")
        partial.write_text(json.dumps(content, ensure_ascii=False, indent=2), encoding="utf-8")
        os.replace(partial, path)
