import io
import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from domain.messaging.backends import GatewayError, SmsMessage, get_sms_backend, locmem
from domain.messaging.backends.console import ConsoleSmsBackend
from domain.messaging.backends.file import FileSmsBackend
from domain.messaging.backends.locmem import LocmemSmsBackend
from domain.messaging.backends.nhncloud import NhnCloudSmsBackend

FIXTURES = Path(__file__).parent / "fixtures"

SHORT = SmsMessage(to="01012345678", body="인증번호 [123456]", kind="sms", sender="0212345678")
LONG = SmsMessage(
    to="01012345678",
    body="비밀번호 재설정 안내입니다. " * 5,
    kind="lms",
    sender="0212345678",
    subject="비밀번호 재설정",
)


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.mark.parametrize(
    "setting,cls",
    [
        ("console", ConsoleSmsBackend),
        ("file", FileSmsBackend),
        ("locmem", LocmemSmsBackend),
        ("domain.messaging.backends.locmem.LocmemSmsBackend", LocmemSmsBackend),
    ],
)
def test_backend_is_chosen_by_setting(setting, cls):
    with override_settings(SMS_BACKEND=setting):
        assert type(get_sms_backend()) is cls


def test_console_backend_writes_to_its_stream():
    stream = io.StringIO()
    message_id = ConsoleSmsBackend(stream=stream).send(LONG)
    output = stream.getvalue()
    assert message_id in output
    assert "01012345678" in output
    assert "Subject: 비밀번호 재설정" in output
    assert LONG.body in output


def test_file_backend_writes_one_json_file_with_exact_keys(settings, tmp_path):
    settings.SMS_FILE_DIR = tmp_path / "not" / "yet"
    backend = get_sms_backend("file")
    first = backend.send(SHORT)
    backend.send(LONG)
    files = sorted(settings.SMS_FILE_DIR.glob("*.json"))
    assert len(files) == 2
    written = json.loads((settings.SMS_FILE_DIR / f"{first}.json").read_text(encoding="utf-8"))
    assert set(written) == {"to", "subject", "body", "kind", "created_at"}
    assert written["to"] == "01012345678"
    assert written["body"] == "인증번호 [123456]"
    assert written["kind"] == "sms"
    assert written["subject"] == ""
    assert written["created_at"][:4].isdigit() and "T" in written["created_at"]


def test_locmem_backend_keeps_messages_in_the_outbox():
    LocmemSmsBackend().send(SHORT)
    assert locmem.outbox == [SHORT]


class FakeResponse:
    def __init__(self, raw: bytes):
        self.raw = raw

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def read(self) -> bytes:
        return self.raw


@pytest.fixture
def gateway(monkeypatch):
    """Patch urlopen: records each request and answers with the queued recorded response."""
    calls = []
    answers = []

    def urlopen(request, timeout=None):
        calls.append(request)
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return FakeResponse(answer)

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    return calls, answers


def nhn() -> NhnCloudSmsBackend:
    return NhnCloudSmsBackend(app_key="AppKey123", secret_key="Secret456")


def test_nhncloud_sends_an_sms(gateway):
    calls, answers = gateway
    answers.append(fixture("nhncloud_sms_success.json"))
    assert nhn().send(SHORT) == "20250310100630ReZQ6KZzAH0"
    (request,) = calls
    assert request.get_method() == "POST"
    assert request.full_url == (
        "https://api-sms.cloud.toast.com/sms/v3.0/appKeys/AppKey123/sender/sms"
    )
    assert request.get_header("X-secret-key") == "Secret456"
    assert request.get_header("Content-type") == "application/json;charset=UTF-8"
    assert json.loads(request.data) == {
        "body": "인증번호 [123456]",
        "sendNo": "0212345678",
        "recipientList": [{"recipientNo": "01012345678"}],
    }


def test_nhncloud_sends_an_lms_to_the_mms_endpoint_with_a_title(gateway):
    calls, answers = gateway
    answers.append(fixture("nhncloud_mms_success.json"))
    assert nhn().send(LONG) == "20250310101502mXk3LpQa9Tz"
    (request,) = calls
    assert request.full_url.endswith("/sms/v3.0/appKeys/AppKey123/sender/mms")
    assert json.loads(request.data) == {
        "title": "비밀번호 재설정",
        "body": LONG.body,
        "sendNo": "0212345678",
        "recipientList": [{"recipientNo": "01012345678"}],
    }


@override_settings(
    NHN_SMS_APP_KEY="FromSettings",
    NHN_SMS_SECRET_KEY="SettingsSecret",
    NHN_SMS_BASE_URL="https://sms.example.test/",
)
def test_nhncloud_reads_its_settings(gateway):
    calls, answers = gateway
    answers.append(fixture("nhncloud_sms_success.json"))
    get_sms_backend("domain.messaging.backends.nhncloud.NhnCloudSmsBackend").send(SHORT)
    assert calls[0].full_url == "https://sms.example.test/sms/v3.0/appKeys/FromSettings/sender/sms"
    assert calls[0].get_header("X-secret-key") == "SettingsSecret"


def test_nhncloud_refusal_raises_gateway_error(gateway):
    _, answers = gateway
    answers.append(fixture("nhncloud_invalid_appkey.json"))
    with pytest.raises(GatewayError, match="-1000: Invalid appKey"):
        nhn().send(SHORT)


def test_nhncloud_recipient_failure_raises_gateway_error(gateway):
    _, answers = gateway
    answers.append(fixture("nhncloud_recipient_invalid.json"))
    with pytest.raises(GatewayError, match="-2019") as raised:
        nhn().send(SHORT)
    assert SHORT.body not in str(raised.value)


def test_nhncloud_http_error_keeps_the_gateway_code(gateway):
    _, answers = gateway
    answers.append(
        urllib.error.HTTPError(
            "https://api-sms.cloud.toast.com",
            401,
            "Unauthorized",
            {},
            io.BytesIO(fixture("nhncloud_invalid_appkey.json")),
        )
    )
    with pytest.raises(GatewayError, match="-1000"):
        nhn().send(SHORT)


def test_nhncloud_http_error_without_json(gateway):
    _, answers = gateway
    answers.append(
        urllib.error.HTTPError(
            "https://api-sms.cloud.toast.com", 502, "Bad Gateway", {}, io.BytesIO(b"<html>")
        )
    )
    with pytest.raises(GatewayError, match="HTTP 502"):
        nhn().send(SHORT)


def test_nhncloud_needs_keys_and_https():
    with pytest.raises(ImproperlyConfigured):
        NhnCloudSmsBackend(app_key="", secret_key="")
    with pytest.raises(ImproperlyConfigured):
        NhnCloudSmsBackend(app_key="a", secret_key="b", base_url="file:///etc")
