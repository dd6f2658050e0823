"""NHN Cloud Notification SMS, API v3.0 (https://docs.nhncloud.com/ko/Notification/SMS/ko/api-guide/).

SMS goes to `POST /sms/v3.0/appKeys/{appKey}/sender/sms`; LMS and MMS to `.../sender/mms`, which
takes a `title`. The `X-Secret-Key` header authenticates. Answers are
`{header: {isSuccessful, resultCode, resultMessage}, body: {data: {requestId, sendResultList}}}`
with one `resultCode` per recipient (0 is accepted).
"""

import json
import urllib.error
import urllib.request
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .base import BaseSmsBackend, GatewayError, SmsMessage

DEFAULT_BASE_URL = "https://api-sms.cloud.toast.com"
API_VERSION = "v3.0"


class NhnCloudSmsBackend(BaseSmsBackend):
    def __init__(
        self,
        *,
        app_key: str | None = None,
        secret_key: str | None = None,
        base_url: str | None = None,
        timeout: float = 10,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.app_key = app_key or getattr(settings, "NHN_SMS_APP_KEY", "")
        self.secret_key = secret_key or getattr(settings, "NHN_SMS_SECRET_KEY", "")
        self.base_url = (
            base_url or getattr(settings, "NHN_SMS_BASE_URL", "") or DEFAULT_BASE_URL
        ).rstrip("/")
        self.timeout = timeout
        if not (self.app_key and self.secret_key):
            raise ImproperlyConfigured("NHN_SMS_APP_KEY and NHN_SMS_SECRET_KEY must be set.")
        # urlopen also opens file: URLs; only ever talk HTTPS to the gateway.
        if not self.base_url.startswith("https://"):
            raise ImproperlyConfigured("NHN_SMS_BASE_URL must be an https:// URL.")

    def url(self, kind: str) -> str:
        endpoint = "sms" if kind == "sms" else "mms"
        app_key = quote(self.app_key, safe="")
        return f"{self.base_url}/sms/{API_VERSION}/appKeys/{app_key}/sender/{endpoint}"

    def payload(self, message: SmsMessage) -> dict:
        payload = {
            "body": message.body,
            "sendNo": message.sender,
            "recipientList": [{"recipientNo": message.to}],
        }
        if message.kind != "sms":
            payload["title"] = message.subject
        return payload

    def send(self, message: SmsMessage) -> str:
        if message.image_path:
            # Images must first be uploaded as attachments (attachFileIdList); not supported yet.
            raise GatewayError("MMS images are not supported by this backend yet")
        request = urllib.request.Request(  # noqa: S310 (https:// checked in __init__)
            self.url(message.kind),
            data=json.dumps(self.payload(message)).encode("utf-8"),
            headers={
                "Content-Type": "application/json;charset=UTF-8",
                "X-Secret-Key": self.secret_key,
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = self._parse(response.read())
        except urllib.error.HTTPError as error:
            # Refusals often come as 4xx with the usual JSON header; keep its code if present.
            answer = self._parse(error.read(), status=error.code)
            self._request_id(answer)  # raises with the gateway's own code when it gave one
            raise GatewayError(f"HTTP {error.code}")
        return self._request_id(answer)

    @staticmethod
    def _parse(raw: bytes, status: int | None = None) -> dict:
        try:
            answer = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            answer = None
        if not isinstance(answer, dict) or not isinstance(answer.get("header"), dict):
            raise GatewayError(f"HTTP {status or '?'}: unexpected answer from the gateway")
        return answer

    @staticmethod
    def _request_id(answer: dict) -> str:
        header = answer["header"]
        if not header.get("isSuccessful"):
            raise GatewayError(
                f"resultCode {header.get('resultCode')}: {header.get('resultMessage', '')}"
            )
        data = (answer.get("body") or {}).get("data") or {}
        results = data.get("sendResultList") or []
        if not results:
            raise GatewayError("the gateway returned no recipient result")
        for result in results:
            if result.get("resultCode") != 0:
                raise GatewayError(
                    f"recipient resultCode {result.get('resultCode')}: "
                    f"{result.get('resultMessage', '')}"
                )
        request_id = data.get("requestId")
        if not request_id:
            raise GatewayError("the gateway returned no requestId")
        return str(request_id)
