import datetime as dt
import hashlib
import io
import json
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from domain.messaging.backends import (
    BaseSmsBackend,
    GatewayError,
    SmsMessage,
    get_sms_backend,
    locmem,
)
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


def test_file_backend_records_which_image_an_mms_carried(settings, tmp_path):
    """The image's SHA-256 and size, so a test can tell which bytes a worker sent."""
    settings.SMS_FILE_DIR = tmp_path
    image = b"\xff\xd8\xff" + b"jpeg bytes"
    mms = SmsMessage(to="01012345678", body="선물", kind="mms", sender="0212345678", image=image)
    sent = get_sms_backend("file").send(mms)
    written = json.loads((tmp_path / f"{sent}.json").read_text(encoding="utf-8"))
    assert set(written) == {
        "to",
        "subject",
        "body",
        "kind",
        "created_at",
        "image_sha256",
        "image_size",
    }
    assert written["image_sha256"] == hashlib.sha256(image).hexdigest()
    assert written["image_size"] == len(image) == 13


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
        "https://sms.api.nhncloudservice.com/sms/v3.0/appKeys/AppKey123/sender/sms"
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


# --- send_many: one batch, one request id --------------------------------

KEY = "7-1772323200-0a1b2c3d4e5f"
LINK = "https://gift.example/g/##code##"


def gift(index: int, code: str, **overrides) -> SmsMessage:
    """A personalised message written as a template: the same text, each with its own link."""
    fields = {"to": f"0109000000{index}", "kind": "sms", "sender": "0212345678"}
    return SmsMessage.templated(
        template=f"설 선물\n{LINK}", parameters={"code": code}, **{**fields, **overrides}
    )


def test_a_templated_message_carries_its_filled_body():
    message = gift(0, "abc123")
    assert message.body == "설 선물\nhttps://gift.example/g/abc123"
    assert message.template == f"설 선물\n{LINK}"
    assert dict(message.parameters) == {"code": "abc123"}


def test_the_default_send_many_sends_each_and_reports_each_failure():
    """The base class loops over send(): one refused message does not stop the rest; it has no
    request id to deduplicate with, so a repeated batch is sent again (at least once)."""

    class Picky(LocmemSmsBackend):
        def send(self, message):
            if message.to.endswith("1"):
                raise GatewayError(f"refused {message.body}")
            return super().send(message)

    batch = [gift(0, "a"), gift(1, "b"), gift(2, "c")]
    results = BaseSmsBackend.send_many(Picky(), batch, request_id=KEY)
    assert [bool(r.provider_message_id) for r in results] == [True, False, True]
    assert results[1].error == "GatewayError: refused [redacted]"
    BaseSmsBackend.send_many(Picky(), batch, request_id=KEY)
    assert [m.to for m in locmem.outbox] == ["01090000000", "01090000002"] * 2


def test_locmem_send_many_deduplicates_by_request_id_like_an_idempotent_gateway():
    backend = LocmemSmsBackend()
    first = backend.send_many([gift(0, "a"), gift(1, "b")], request_id=KEY)
    again = backend.send_many([gift(1, "b"), gift(2, "c")], request_id=KEY)
    other = backend.send_many([gift(0, "a")], request_id="another-key")
    delivered = [m.to for m in locmem.outbox]
    assert delivered == ["01090000000", "01090000001", "01090000002", "01090000000"]
    assert again[0].provider_message_id == first[1].provider_message_id
    assert all(r.sent for r in first + again + other)
    locmem.reset()
    assert locmem.outbox == [] and locmem.accepted == {}


def test_file_send_many_writes_one_file_per_request_and_recipient(settings, tmp_path):
    settings.SMS_FILE_DIR = tmp_path
    backend = get_sms_backend("file")
    first = backend.send_many([gift(0, "a"), gift(1, "b")], request_id=KEY)
    again = backend.send_many([gift(0, "a")], request_id=KEY)
    files = sorted(p.name for p in tmp_path.glob("*.json"))
    assert files == [f"{KEY}-01090000000.json", f"{KEY}-01090000001.json"]
    assert again[0].provider_message_id == first[0].provider_message_id
    written = json.loads((tmp_path / files[0]).read_text(encoding="utf-8"))
    assert set(written) == {"to", "subject", "body", "kind", "created_at"}
    assert written["body"] == "설 선물\nhttps://gift.example/g/a"


def test_console_send_many_prints_the_batch_and_each_message():
    stream = io.StringIO()
    results = ConsoleSmsBackend(stream=stream).send_many(
        [gift(0, "a"), gift(1, "b")], request_id=KEY
    )
    output = stream.getvalue()
    assert f"[batch {KEY}] 2 messages" in output
    assert output.count("https://gift.example/g/") == 2
    assert all(r.sent for r in results)


def test_nhncloud_send_many_sends_one_request_with_a_parameter_per_recipient(gateway):
    """NHN Cloud takes up to 1,000 recipients per request; each gets its own link through
    templateParameter (##code##), and the batch key travels as senderGroupingKey."""
    calls, answers = gateway
    answers.append(fixture("nhncloud_batch_success.json"))
    results = nhn().send_many([gift(0, "a1"), gift(1, "b2")], request_id=KEY)
    (request,) = calls
    assert request.get_method() == "POST"
    assert request.full_url.endswith("/sms/v3.0/appKeys/AppKey123/sender/sms")
    assert json.loads(request.data) == {
        "body": f"설 선물\n{LINK}",
        "sendNo": "0212345678",
        "senderGroupingKey": KEY,
        "recipientList": [
            {"recipientNo": "01090000000", "templateParameter": {"code": "a1"}},
            {"recipientNo": "01090000001", "templateParameter": {"code": "b2"}},
        ],
    }
    assert [r.provider_message_id for r in results] == [
        "20260301090005Gf3kQ8LmZa1-1",
        "20260301090005Gf3kQ8LmZa1-2",
    ]


def test_nhncloud_send_many_reports_a_refused_recipient(gateway):
    calls, answers = gateway
    answers.append(fixture("nhncloud_batch_partial.json"))
    results = nhn().send_many([gift(0, "a1"), gift(1, "b2")], request_id=KEY)
    assert results[0].sent
    assert not results[1].sent
    assert results[1].error == "recipient resultCode -2019: RecipientNo is invalid."


def test_nhncloud_resend_asks_the_gateway_what_the_batch_key_already_delivered(gateway):
    """After a crash the same batch is sent again with `first_sent_at`: the adapter lists what
    the gateway accepted under that senderGroupingKey and sends only the rest."""
    calls, answers = gateway
    answers.append(fixture("nhncloud_list_accepted.json"))
    answers.append(fixture("nhncloud_resend_success.json"))
    first_sent_at = dt.datetime(2026, 3, 1, 0, 0, tzinfo=dt.UTC)
    results = nhn().send_many(
        [gift(0, "a1"), gift(1, "b2")], request_id=KEY, first_sent_at=first_sent_at
    )
    lookup, resend = calls
    assert lookup.get_method() == "GET"
    url = urllib.parse.urlsplit(lookup.full_url)
    assert url.path == "/sms/v3.0/appKeys/AppKey123/sender/sms"
    query = dict(urllib.parse.parse_qsl(url.query))
    assert query["senderGroupingKey"] == KEY
    assert query["startCreateDate"] == "2026-03-01 08:59:00"  # Korean time, a minute early
    assert query["pageSize"] == "1000"
    assert lookup.get_header("X-secret-key") == "Secret456"
    assert json.loads(resend.data)["recipientList"] == [
        {"recipientNo": "01090000001", "templateParameter": {"code": "b2"}}
    ]
    assert [r.provider_message_id for r in results] == [
        "20260301090005Gf3kQ8LmZa1-1",  # accepted before the crash: not sent again
        "20260301091507Hx2pW9NcYb4-1",
    ]


def test_nhncloud_resend_of_a_batch_nobody_received_sends_it_all(gateway):
    calls, answers = gateway
    answers.append(fixture("nhncloud_list_empty.json"))
    answers.append(fixture("nhncloud_batch_success.json"))
    results = nhn().send_many(
        [gift(0, "a1"), gift(1, "b2")], request_id=KEY, first_sent_at=dt.datetime.now(dt.UTC)
    )
    assert len(json.loads(calls[1].data)["recipientList"]) == 2
    assert all(r.sent for r in results)


def test_nhncloud_send_many_splits_groups_and_the_thousand_recipient_limit(gateway):
    """Different texts (or kinds) are separate requests; a group over 1,000 is split."""
    calls, answers = gateway
    many = [gift(0, f"c{i}", to=f"010{i:08d}") for i in range(1001)]
    lms = SmsMessage(to="01012345678", body="장문", kind="lms", sender="0212345678", subject="제목")
    for count in (1000, 1, 1):
        answers.append(json.dumps(sent_answer(count)).encode())
    results = nhn().send_many([*many, lms], request_id=KEY)
    sizes = [len(json.loads(call.data)["recipientList"]) for call in calls]
    assert sizes == [1000, 1, 1]
    assert calls[2].full_url.endswith("/sender/mms")
    assert json.loads(calls[2].data)["title"] == "제목"
    assert "templateParameter" not in json.loads(calls[2].data)["recipientList"][0]
    assert len(results) == 1002 and all(r.sent for r in results)


def test_nhncloud_send_many_refused_as_a_whole_fails_every_message(gateway):
    _, answers = gateway
    answers.append(fixture("nhncloud_invalid_appkey.json"))
    results = nhn().send_many([gift(0, "a1"), gift(1, "b2")], request_id=KEY)
    assert [r.error for r in results] == ["resultCode -1000: Invalid appKey."] * 2


def test_nhncloud_send_many_without_an_answer_raises(gateway):
    """No answer (a 5xx page, a timeout): whether the gateway took the batch is unknown, so the
    caller keeps the batch key and sends it again later; the lookup then settles it."""
    _, answers = gateway
    answers.append(
        urllib.error.HTTPError(
            "https://api-sms.cloud.toast.com", 502, "Bad Gateway", {}, io.BytesIO(b"<html>")
        )
    )
    with pytest.raises(GatewayError, match="HTTP 502"):
        nhn().send_many([gift(0, "a1")], request_id=KEY)


def test_nhncloud_sends_a_text_with_stray_markers_to_each_recipient_alone(gateway):
    """A text whose own words contain ##…## cannot be a template: one request per text."""
    calls, answers = gateway
    for _ in range(2):
        answers.append(fixture("nhncloud_sms_success.json"))
    batch = [
        SmsMessage.templated(
            to=f"0109000000{i}",
            template="##보너스## 안내 ##code##",
            parameters={"code": f"c{i}"},
            kind="sms",
            sender="0212345678",
        )
        for i in range(2)
    ]
    nhn().send_many(batch, request_id=KEY)
    assert [json.loads(c.data)["body"] for c in calls] == [
        "##보너스## 안내 c0",
        "##보너스## 안내 c1",
    ]
    assert all("templateParameter" not in json.loads(c.data)["recipientList"][0] for c in calls)


def sent_answer(count: int) -> dict:
    return {
        "header": {"isSuccessful": True, "resultCode": 0, "resultMessage": "SUCCESS"},
        "body": {
            "data": {
                "requestId": "20260301090005Gf3kQ8LmZa1",
                "statusCode": "2",
                "senderGroupingKey": KEY,
                "sendResultList": [
                    {"recipientNo": "x", "resultCode": 0, "recipientSeq": seq}
                    for seq in range(1, count + 1)
                ],
            }
        },
    }
