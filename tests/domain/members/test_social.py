import io
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from django.core.exceptions import ImproperlyConfigured

from domain.common.errors import DomainError
from domain.members.social import (
    KakaoProvider,
    NaverProvider,
    SandboxSocialProvider,
    SocialProfile,
    get_social_provider,
)

FIXTURES = Path(__file__).parent / "fixtures"
REDIRECT_URI = "https://yongin-library.example.test/sns/callback"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def http_error(status: int, body: bytes) -> urllib.error.HTTPError:
    return urllib.error.HTTPError("https://provider.test", status, "error", {}, io.BytesIO(body))


class FakeResponse:
    def __init__(self, raw: bytes):
        self.raw = raw

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def read(self, size: int = -1) -> bytes:
        return self.raw


@pytest.fixture
def provider_api(monkeypatch):
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


def form(request) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(request.data.decode()).items()}


# Sandbox (SPEC §12)


@pytest.mark.parametrize("provider", ["kakao", "naver"])
def test_sandbox_code_ok_id_is_that_user(provider):
    profile = SandboxSocialProvider(provider).exchange(code="ok-12345", redirect_uri=REDIRECT_URI)
    assert profile == SocialProfile(provider=provider, uid="12345", email="", name="")


@pytest.mark.parametrize("code", ["", "ok-", "12345", "OK-1", "fail-1", "ok-" + "x" * 129])
def test_sandbox_other_codes_fail(code):
    with pytest.raises(DomainError) as raised:
        SandboxSocialProvider("kakao").exchange(code=code, redirect_uri=REDIRECT_URI)
    assert raised.value.code == "social_login_failed"
    assert raised.value.status == 400


def test_sandbox_is_the_default(settings):
    if hasattr(settings, "SOCIAL_PROVIDER_BACKEND"):
        del settings.SOCIAL_PROVIDER_BACKEND
    provider = get_social_provider("naver")
    assert isinstance(provider, SandboxSocialProvider)
    assert provider.name == "naver"


def test_unknown_provider_is_a_404():
    with pytest.raises(DomainError) as raised:
        get_social_provider("facebook")
    assert raised.value.code == "unknown_social_provider"
    assert raised.value.status == 404


def test_live_backend_reads_the_client_settings(settings):
    settings.SOCIAL_PROVIDER_BACKEND = "live"
    settings.KAKAO_CLIENT_ID = "kakao-rest-key"
    settings.KAKAO_CLIENT_SECRET = ""
    settings.NAVER_CLIENT_ID = "naver-id"
    settings.NAVER_CLIENT_SECRET = "naver-secret"
    kakao = get_social_provider("kakao")
    naver = get_social_provider("naver")
    assert isinstance(kakao, KakaoProvider) and kakao.client_id == "kakao-rest-key"
    assert isinstance(naver, NaverProvider) and naver.client_secret == "naver-secret"


def test_live_backend_needs_its_keys(settings):
    settings.SOCIAL_PROVIDER_BACKEND = "live"
    settings.NAVER_CLIENT_ID = "naver-id"
    settings.NAVER_CLIENT_SECRET = ""
    with pytest.raises(ImproperlyConfigured):
        get_social_provider("naver")
    settings.SOCIAL_PROVIDER_BACKEND = "carrier-pigeon"
    with pytest.raises(ImproperlyConfigured):
        get_social_provider("kakao")


# Kakao


def kakao(secret: str = "kakao-client-secret") -> KakaoProvider:
    return KakaoProvider(client_id="kakao-rest-key", client_secret=secret)


def test_kakao_exchanges_the_code_and_reads_the_user(provider_api):
    calls, answers = provider_api
    answers += [fixture("kakao_token.json"), fixture("kakao_user_me.json")]
    profile = kakao().exchange(code="auth-code-1", redirect_uri=REDIRECT_URI, state="s1")
    assert profile == SocialProfile(
        provider="kakao", uid="3456789012", email="gildong@kakao.example", name="홍길동"
    )
    token_request, user_request = calls
    assert token_request.get_method() == "POST"
    assert token_request.full_url == "https://kauth.kakao.com/oauth/token"
    assert token_request.get_header("Content-type") == (
        "application/x-www-form-urlencoded;charset=utf-8"
    )
    assert form(token_request) == {
        "grant_type": "authorization_code",
        "client_id": "kakao-rest-key",
        "redirect_uri": REDIRECT_URI,
        "code": "auth-code-1",
        "client_secret": "kakao-client-secret",
    }
    assert user_request.get_method() == "GET"
    assert user_request.full_url == "https://kapi.kakao.com/v2/user/me"
    assert user_request.get_header("Authorization") == "Bearer kakao-access-token-6m2Yx9QbR1"


def test_kakao_without_secret_leaves_it_out_and_ignores_an_unverified_email(provider_api):
    calls, answers = provider_api
    answers += [fixture("kakao_token.json"), fixture("kakao_user_me_unverified_email.json")]
    profile = kakao(secret="").exchange(code="auth-code-2", redirect_uri=REDIRECT_URI)
    assert profile == SocialProfile(provider="kakao", uid="3456789013", email="", name="")
    assert "client_secret" not in form(calls[0])


def test_kakao_token_error_is_a_failed_login(provider_api):
    calls, answers = provider_api
    answers.append(http_error(400, fixture("kakao_token_error.json")))
    with pytest.raises(DomainError) as raised:
        kakao().exchange(code="expired-code", redirect_uri=REDIRECT_URI)
    assert raised.value.code == "social_login_failed"
    assert len(calls) == 1


def test_kakao_user_error_is_a_failed_login(provider_api):
    _, answers = provider_api
    answers += [fixture("kakao_token.json"), http_error(401, fixture("kakao_user_me_error.json"))]
    with pytest.raises(DomainError) as raised:
        kakao().exchange(code="auth-code-1", redirect_uri=REDIRECT_URI)
    assert raised.value.code == "social_login_failed"


# Naver


def naver() -> NaverProvider:
    return NaverProvider(client_id="naver-id", client_secret="naver-secret")


def test_naver_exchanges_the_code_and_reads_the_user(provider_api):
    calls, answers = provider_api
    answers += [fixture("naver_token.json"), fixture("naver_me.json")]
    profile = naver().exchange(code="naver-code", redirect_uri=REDIRECT_URI, state="st-9")
    assert profile == SocialProfile(
        provider="naver", uid="32742776", email="openapi@naver.example", name="오픈 API"
    )
    token_request, user_request = calls
    assert token_request.get_method() == "POST"
    assert token_request.full_url == "https://nid.naver.com/oauth2.0/token"
    assert form(token_request) == {
        "grant_type": "authorization_code",
        "client_id": "naver-id",
        "client_secret": "naver-secret",
        "code": "naver-code",
        "state": "st-9",
    }
    assert user_request.get_method() == "GET"
    assert user_request.full_url == "https://openapi.naver.com/v1/nid/me"
    assert user_request.get_header("Authorization") == (
        "Bearer AAAAQosjWDJieBiQZc3to9YQp6HDLvrmyKC-naver-token"
    )


def test_naver_token_error_with_http_200_is_a_failed_login(provider_api):
    calls, answers = provider_api
    answers.append(fixture("naver_token_error.json"))
    with pytest.raises(DomainError) as raised:
        naver().exchange(code="old-code", redirect_uri=REDIRECT_URI, state="st-9")
    assert raised.value.code == "social_login_failed"
    assert len(calls) == 1


def test_naver_profile_error_is_a_failed_login(provider_api):
    _, answers = provider_api
    answers += [fixture("naver_token.json"), http_error(401, fixture("naver_me_error.json"))]
    with pytest.raises(DomainError) as raised:
        naver().exchange(code="naver-code", redirect_uri=REDIRECT_URI, state="st-9")
    assert raised.value.code == "social_login_failed"


# Outages


@pytest.mark.parametrize(
    "answer",
    [
        http_error(502, b"<html>Bad Gateway</html>"),
        http_error(500, b'{"error": "server_error"}'),
        urllib.error.URLError(ConnectionRefusedError()),
        TimeoutError("timed out"),
        b"<html>maintenance</html>",
    ],
)
@pytest.mark.parametrize("make", [kakao, naver])
def test_server_and_network_errors_are_503(provider_api, answer, make):
    _, answers = provider_api
    answers.append(answer)
    with pytest.raises(DomainError) as raised:
        make().exchange(code="c", redirect_uri=REDIRECT_URI, state="s")
    assert raised.value.code == "social_provider_unavailable"
    assert raised.value.status == 503
