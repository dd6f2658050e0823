"""NHN Cloud Notification SMS, API v3.0 (https://docs.nhncloud.com/ko/Notification/SMS/ko/api-guide/).

SMS goes to `POST /sms/v3.0/appKeys/{appKey}/sender/sms`; LMS and MMS to `.../sender/mms`, which
takes a `title`. The `X-Secret-Key` header authenticates. Answers are
`{header: {isSuccessful, resultCode, resultMessage}, body: {data: {requestId, sendResultList}}}`
with one `resultCode` per recipient (0 is accepted).

Batches (`send_many`): one request takes up to 1,000 recipients of the same text. Messages made
from one template (`SmsMessage.templated`: the dispatch text with each recipient's own claim
link) go together as the template with `##key##` placeholders and a `templateParameter` per
recipient; messages of one identical text go together as they are. The published guide lists
templateParameter under the template fields ("템플릿 파라미터(템플릿 ID 입력 시)"); check on the
gateway before going live that it fills a body sent without a templateId, or register the
dispatch template there. The batch key travels as `senderGroupingKey`, so after a crash the same
batch is first looked up (`GET .../sender/{sms|mms}?senderGroupingKey=...`, the send-list
search) and only the recipients the gateway did not take are sent again: a repeated batch is not
delivered twice.
"""

import json
import urllib.error
import urllib.request
from collections import defaultdict
from datetime import datetime, timedelta
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from .base import PLACEHOLDER, BaseSmsBackend, GatewayError, SendResult, SmsMessage

# The guide's "API domain"; NHN announced the end of api-sms.cloud.toast.com for 2026-09-01.
DEFAULT_BASE_URL = "https://sms.api.nhncloudservice.com"
API_VERSION = "v3.0"
MAX_RECIPIENTS = 1_000  # per request (recipientList)
PAGE_SIZE = 1_000  # the send-list search's largest page
# msgStatus of a message the gateway took: requested, processing, delivered, waiting to be
# resent (advertising hours). Not taken: 0 failed, 4 reservation cancelled, 5 duplicate, 6 ad.
ACCEPTED = {"1", "2", "3", "7"}
GATEWAY_ZONE = ZoneInfo("Asia/Seoul")  # the search's dates are Korean time
LOOKUP_MARGIN = timedelta(minutes=1)  # clocks differ
NO_IMAGES = "MMS images are not supported by this backend yet"


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
        app_key = quote(self.app_key, safe="")
        return f"{self.base_url}/sms/{API_VERSION}/appKeys/{app_key}/sender/{endpoint(kind)}"

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
        if message.image:
            # Images must first be uploaded as attachments (attachFileIdList); not supported yet.
            raise GatewayError(NO_IMAGES)
        return self._request_id(self._exchange(self.url(message.kind), self.payload(message)))

    def send_many(
        self, messages, *, request_id: str, first_sent_at: datetime | None = None
    ) -> list[SendResult]:
        results: list[SendResult | None] = [None] * len(messages)
        todo = []
        taken = self._taken(request_id, first_sent_at, messages) if first_sent_at else {}
        for index, message in enumerate(messages):
            ids = taken.get((endpoint(message.kind), message.to))
            if ids:  # the gateway took it before the crash: not again
                results[index] = SendResult(provider_message_id=ids.pop(0))
            elif message.image:
                results[index] = SendResult(error=NO_IMAGES)
            else:
                todo.append(index)
        groups = defaultdict(list)
        for index in todo:
            groups[group_key(messages[index])].append(index)
        for indices in groups.values():
            for start in range(0, len(indices), MAX_RECIPIENTS):
                chunk = indices[start : start + MAX_RECIPIENTS]
                answers = self._send_group([messages[i] for i in chunk], request_id)
                for index, result in zip(chunk, answers, strict=True):
                    results[index] = result
        return results

    def _send_group(self, messages: list[SmsMessage], request_id: str) -> list[SendResult]:
        """One request for messages of one text; raises when there is no answer to read."""
        first = messages[0]
        templated = substitutable(first)
        payload = {
            "body": first.template if templated else first.body,
            "sendNo": first.sender,
            "senderGroupingKey": request_id,
            "recipientList": [
                {
                    "recipientNo": m.to,
                    **({"templateParameter": dict(m.parameters)} if templated else {}),
                }
                for m in messages
            ],
        }
        if first.kind != "sms":
            payload["title"] = first.subject
        answer = self._exchange(self.url(first.kind), payload)
        header = answer["header"]
        if not header.get("isSuccessful"):  # the request was refused as a whole
            error = f"resultCode {header.get('resultCode')}: {header.get('resultMessage', '')}"
            return [SendResult(error=error)] * len(messages)
        data = (answer.get("body") or {}).get("data") or {}
        by_seq = {r.get("recipientSeq"): r for r in data.get("sendResultList") or []}
        results = []
        for seq in range(1, len(messages) + 1):
            result = by_seq.get(seq)
            if result is None:
                results.append(SendResult(error="the gateway returned no result"))
            elif result.get("resultCode") != 0:
                results.append(
                    SendResult(
                        error=f"recipient resultCode {result.get('resultCode')}: "
                        f"{result.get('resultMessage', '')}"
                    )
                )
            else:
                results.append(SendResult(provider_message_id=f"{data.get('requestId')}-{seq}"))
        return results

    def _taken(self, request_id: str, since: datetime, messages) -> dict:
        """(endpoint, number) → provider ids of messages the gateway took under `request_id`
        (the send-list search by senderGroupingKey, from a minute before `since` to now)."""
        window = {
            "senderGroupingKey": request_id,
            "startCreateDate": korean(since - LOOKUP_MARGIN),
            "endCreateDate": korean(timezone.now() + LOOKUP_MARGIN),
            "pageSize": PAGE_SIZE,
        }
        taken = defaultdict(list)
        for kind in {endpoint(m.kind): m.kind for m in messages}.values():
            page, seen = 1, 0
            while True:
                answer = self._exchange(
                    f"{self.url(kind)}?{urlencode({**window, 'pageNum': page})}"
                )
                if not answer["header"].get("isSuccessful"):
                    raise GatewayError(f"lookup resultCode {answer['header'].get('resultCode')}")
                body = answer.get("body") or {}
                rows = body.get("data") or []
                for row in rows:
                    if str(row.get("msgStatus")) in ACCEPTED:
                        provider_id = f"{row.get('requestId')}-{row.get('recipientSeq')}"
                        taken[(endpoint(kind), row.get("recipientNo"))].append(provider_id)
                seen += len(rows)
                if not rows or seen >= (body.get("totalCount") or 0):
                    break
                page += 1
        return taken

    def _exchange(self, url: str, payload: dict | None = None) -> dict:
        """POST `payload` (or GET) and return the gateway's answer, a refusal included; raise
        when there is none to read (the outcome is then unknown)."""
        request = urllib.request.Request(  # noqa: S310 (https:// checked in __init__)
            url,
            data=None if payload is None else json.dumps(payload).encode("utf-8"),
            headers={
                "Content-Type": "application/json;charset=UTF-8",
                "X-Secret-Key": self.secret_key,
            },
            method="GET" if payload is None else "POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return self._parse(response.read())
        except urllib.error.HTTPError as error:
            # Refusals often come as 4xx with the usual JSON header; keep its code if present.
            answer = self._parse(error.read(), status=error.code)
            if answer["header"].get("isSuccessful"):
                raise GatewayError(f"HTTP {error.code}")
            return answer

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


def endpoint(kind: str) -> str:
    return "sms" if kind == "sms" else "mms"


def substitutable(message: SmsMessage) -> bool:
    """Whether the gateway can build `message` from its template: every ##…## in it is one of
    its parameters (a text whose own words hold ##…## must go as it is)."""
    markers = PLACEHOLDER.findall(message.template)
    names = {name for name, _ in message.parameters}
    return (
        bool(markers) and set(markers) == names and message.template.count("##") == 2 * len(markers)
    )


def group_key(message: SmsMessage) -> tuple:
    """Messages one request can carry: same endpoint, sender, subject and text (the template's
    text for templated ones, else the body itself)."""
    text = ("template", message.template) if substitutable(message) else ("body", message.body)
    return (endpoint(message.kind), message.sender, message.subject, *text)


def korean(moment: datetime) -> str:
    return moment.astimezone(GATEWAY_ZONE).strftime("%Y-%m-%d %H:%M:%S")
