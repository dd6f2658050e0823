import json
import uuid
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .base import BaseSmsBackend, SmsMessage


class FileSmsBackend(BaseSmsBackend):
    """Writes one JSON file per message into `SMS_FILE_DIR` (SPEC §12).

    The keys are exactly to, subject, body, kind and created_at (ISO 8601).
    """

    def __init__(self, *, file_dir: str | Path | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.file_dir = Path(file_dir or settings.SMS_FILE_DIR)

    def send(self, message: SmsMessage) -> str:
        self.file_dir.mkdir(parents=True, exist_ok=True)
        now = timezone.localtime()
        message_id = f"{now:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:12]}"
        content = {
            "to": message.to,
            "subject": message.subject,
            "body": message.body,
            "kind": message.kind,
            "created_at": now.isoformat(),
        }
        path = self.file_dir / f"{message_id}.json"
        path.write_text(json.dumps(content, ensure_ascii=False, indent=2), encoding="utf-8")
        return message_id
