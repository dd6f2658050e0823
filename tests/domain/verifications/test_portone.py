import io
import json
import logging
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from uuid import uuid4

import pytest
from django.core.exceptions import ImproperlyConfigured

from domain.verifications.providers.base import (
    ProviderUnavailable,
    VerificationFailed,
    VerifiedIdentity,
)
from domain.verifications.providers.portone import PortOneIdentityProvider

FIXTURES = Path(__file__).parent / "fixtures"
TX_ID = "identity-verification-7b1c2d3e"


def fixture(name: str, **changes) -> bytes:
    answer = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    answer.update(changes)
    return json.dumps(answer).encode("utf-8")


def http_error(status: int, name: str) -> urllib.error.HTTPError:
    return urllib.error.HTTPError(
        "https://api.portone.io", status, "error", {}, io.BytesIO(fixture(name))
    )


class FakeResponse:
    def __init__(self, raw: bytes):
        self.raw = raw

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def read(self, size: int = -1) -> bytes:
        return self.raw


@pytest.fixture(autouse=True)
def portone_settings(settings):
    settings.PORTONE_STORE_ID = "store-00000000-0000-0000-0000-000000000001"
    settings.PORTONE_CHANNEL_KEY = "channel-key-4a5b6c7d"
    settings.PORTONE_API_SECRET = "test-api-secret"
    settings.PORTONE_API_BASE = ""
    return settings


@pytest.fixture
def portone(monkeypatch):
    """Patch urlopen: records each request (and timeout) and answers with the queued response."""
    calls = []
    answers = []

    def urlopen(request, timeout=None):
        calls.append((request, timeout))
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return FakeResponse(answer)

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    return calls, answers


def verification():
    return SimpleNamespace(id=uuid4())


def test_start_gives_the_client_what_the_portone_window_needs():
    v = verification()
    assert PortOneIdentityProvider().start(v) == {
        "store_id": "store-00000000-0000-0000-0000-000000000001",
        "channel_key": "channel-key-4a5b6c7d",
        "identity_verification_id": str(v.id),
    }


def test_start_without_settings_gives_empty_strings(settings):
    del settings.PORTONE_STORE_ID
    del settings.PORTONE_CHANNEL_KEY
    started = PortOneIdentityProvider().start(verification())
    assert started["store_id"] == "" and started["channel_key"] == ""


def test_confirm_fetches_the_result_by_id_and_maps_the_customer(portone):
    calls, answers = portone
    answers.append(fixture("portone_verified.json"))
    identity = PortOneIdentityProvider().confirm(verification(), {"provider_tx_id": TX_ID})
    (request, timeout) = calls[0]
    assert request.get_method() == "GET"
    assert request.full_url == f"https://api.portone.io/identity-verifications/{TX_ID}"
    assert request.get_header("Authorization") == "PortOne test-api-secret"
    assert timeout == 10
    assert identity == VerifiedIdentity(
        name="홍길동",
        birth_date=date(1990, 3, 15),
        gender="male",
        nationality="domestic",
        phone="01012345678",
        carrier="SKT_MVNO",
        ci="Vx7pQ2mN9kL4jH6gF8dS1aZ3xC5vB7nM0qW2eR4tY6uI8oP1aS3dF5gH7jK9lZ2xC4vB6nM8qW0eR2tY4uI6oP==",
        di="MC0GCCqGSIb3DQIJAyEA7YhGq2xLk3pN8vR4tW6yU0iO2pA4sD6fG8hJ0kL2zX4=",
    )


def test_confirm_accepts_the_verification_id_and_quotes_it(portone, settings):
    settings.PORTONE_API_BASE = "https://portone.example.test/"
    calls, answers = portone
    v = verification()
    answers.append(fixture("portone_verified.json", id=str(v.id)))
    PortOneIdentityProvider().confirm(v, {"provider_tx_id": str(v.id)})
    assert calls[0][0].full_url == f"https://portone.example.test/identity-verifications/{v.id}"

    answers.append(fixture("portone_verified.json", id="a/b?c"))
    PortOneIdentityProvider().confirm(v, {"provider_tx_id": "a/b?c"})
    assert calls[1][0].full_url.endswith("/identity-verifications/a%2Fb%3Fc")


def test_missing_di_falls_back_to_ci_and_foreigner_and_dashes_are_handled(portone):
    _, answers = portone
    answers.append(fixture("portone_verified_missing_di.json"))
    identity = PortOneIdentityProvider().confirm(verification(), {"provider_tx_id": TX_ID})
    assert identity.di == identity.ci
    assert len(identity.ci) == 88
    assert identity.phone == "01098765432"
    assert identity.gender == "female"
    assert identity.nationality == "foreign"
    assert identity.carrier == ""
    assert identity.birth_date == date(2001, 11, 2)


def test_a_failed_verification_is_refused(portone):
    _, answers = portone
    answers.append(fixture("portone_failed.json"))
    with pytest.raises(VerificationFailed) as raised:
        PortOneIdentityProvider().confirm(verification(), {"provider_tx_id": TX_ID})
    assert raised.value.code == "verification_failed"
    assert raised.value.status == 400


def test_an_answer_for_another_id_is_refused(portone):
    _, answers = portone
    answers.append(fixture("portone_verified.json", id="someone-else"))
    with pytest.raises(VerificationFailed):
        PortOneIdentityProvider().confirm(verification(), {"provider_tx_id": TX_ID})


@pytest.mark.parametrize(
    "change",
    [
        {"birthDate": "19900315"},
        {"gender": "OTHER"},
        {"phoneNumber": "0212345678"},
        {"ci": ""},
        {"ci": "x" * 89},
        {"di": "x" * 65},
        {"name": " "},
        {"name": "홍\u0000길동"},  # a name no kept text may hold (domain.common.text)
        {"name": "홍\u001b길동"},
        {"operator": "SKT\u0007"},
    ],
)
def test_an_incomplete_customer_is_refused(portone, change):
    _, answers = portone
    answer = json.loads(fixture("portone_verified.json"))
    answer["verifiedCustomer"].update(change)
    answers.append(json.dumps(answer).encode())
    with pytest.raises(VerificationFailed):
        PortOneIdentityProvider().confirm(verification(), {"provider_tx_id": TX_ID})


def test_not_found_is_a_failed_verification(portone):
    _, answers = portone
    answers.append(http_error(404, "portone_not_found.json"))
    with pytest.raises(VerificationFailed) as raised:
        PortOneIdentityProvider().confirm(verification(), {"provider_tx_id": TX_ID})
    assert raised.value.code == "verification_failed"


def test_unauthorized_means_the_provider_is_unavailable(portone, caplog):
    _, answers = portone
    answers.append(http_error(401, "portone_unauthorized.json"))
    with caplog.at_level(logging.WARNING), pytest.raises(ProviderUnavailable) as raised:
        PortOneIdentityProvider().confirm(verification(), {"provider_tx_id": TX_ID})
    assert raised.value.status == 503
    assert raised.value.code == "verification_provider_unavailable"
    assert "UNAUTHORIZED" in caplog.text
    assert "test-api-secret" not in caplog.text


@pytest.mark.parametrize(
    "answer",
    [
        urllib.error.HTTPError(
            "https://api.portone.io", 502, "Bad Gateway", {}, io.BytesIO(b"<html>")
        ),
        urllib.error.URLError(ConnectionRefusedError()),
        TimeoutError("timed out"),
        b"<html>not json</html>",
    ],
)
def test_server_and_network_errors_mean_unavailable(portone, answer):
    _, answers = portone
    answers.append(answer)
    with pytest.raises(ProviderUnavailable):
        PortOneIdentityProvider().confirm(verification(), {"provider_tx_id": TX_ID})


@pytest.mark.parametrize("tx_id", [None, "", "   ", 123, "x" * 201])
def test_the_id_must_be_a_short_non_empty_string(portone, tx_id):
    calls, _ = portone
    with pytest.raises(VerificationFailed) as raised:
        PortOneIdentityProvider().confirm(verification(), {"provider_tx_id": tx_id})
    assert raised.value.attr == "provider_tx_id"
    assert calls == []


def test_customer_data_is_never_logged(portone, caplog):
    _, answers = portone
    answer = json.loads(fixture("portone_verified.json"))
    answer["verifiedCustomer"]["gender"] = "OTHER"
    answers.append(json.dumps(answer).encode())
    with caplog.at_level(logging.DEBUG), pytest.raises(VerificationFailed):
        PortOneIdentityProvider().confirm(verification(), {"provider_tx_id": TX_ID})
    for secret in ("홍길동", "01012345678", "1990-03-15", "Vx7pQ2mN9k"):
        assert secret not in caplog.text


def test_secret_and_https_are_required(portone, settings):
    settings.PORTONE_API_SECRET = ""
    with pytest.raises(ImproperlyConfigured):
        PortOneIdentityProvider().confirm(verification(), {"provider_tx_id": TX_ID})
    settings.PORTONE_API_SECRET = "s"
    settings.PORTONE_API_BASE = "file:///etc"
    with pytest.raises(ImproperlyConfigured):
        PortOneIdentityProvider().confirm(verification(), {"provider_tx_id": TX_ID})
