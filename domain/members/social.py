"""SNS login code exchange for Kakao and Naver (SPEC §5 "SNS link", §12).

The client sends the authorization `code` the provider redirected back with; the server trades it
for an access token and reads the provider's user id. Selected by `SOCIAL_PROVIDER_BACKEND`:
`sandbox` (default; code `ok-<id>` is user `<id>`) or `live`.

- Kakao: `POST https://kauth.kakao.com/oauth/token` (form: grant_type=authorization_code,
  client_id, redirect_uri, code, client_secret when set), then `GET https://kapi.kakao.com/v2/user/me`
  with `Authorization: Bearer <token>` → `id`, `kakao_account.email`,
  `kakao_account.profile.nickname`. Errors: `{"error", "error_description", "error_code": "KOE…"}`
  from kauth, `{"msg", "code": -401}` from kapi.
- Naver: `POST https://nid.naver.com/oauth2.0/token` (grant_type=authorization_code, client_id,
  client_secret, code, state), then `GET https://openapi.naver.com/v1/nid/me` →
  `{"resultcode": "00", "response": {"id", "email", "name"}}`. The token endpoint reports errors
  as `{"error", "error_description"}`, often with HTTP 200.

Checking that `state` is the one this server issued is the caller's job (CSRF).
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from domain.common.errors import DomainError, NotFound
from domain.common.sandbox import sandbox_require_allowed

from .errors import MemberErrorCode

logger = logging.getLogger(__name__)

PROVIDERS = ("kakao", "naver")
SANDBOX_CODE_PREFIX = "ok-"
MAX_UID_LENGTH = 128
TIMEOUT_SECONDS = 10
MAX_ANSWER_BYTES = 1_000_000
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded;charset=utf-8"


class SocialLoginFailed(DomainError):
    status = 400
    default_code = MemberErrorCode.SOCIAL_LOGIN_FAILED
    default_message = _("Logging in with this SNS account failed. Try again.")


class SocialProviderUnavailable(DomainError):
    status = 503
    default_code = MemberErrorCode.SOCIAL_PROVIDER_UNAVAILABLE
    default_message = _("The SNS login service is unavailable. Try again later.")


class UnknownSocialProvider(NotFound):
    default_code = MemberErrorCode.UNKNOWN_SOCIAL_PROVIDER
    default_message = _("This SNS provider is not supported.")


@dataclass(frozen=True)
class SocialProfile:
    provider: str  # "kakao" | "naver"
    uid: str  # the provider's user id
    email: str = ""
    name: str = ""


class SocialProvider:
    """Base class: trades an authorization code for the provider's user."""

    name = "base"
    sandbox = False  # True: for development, tests and staging only (SPEC §12)
    # Settings a deployment must fill for this provider (backend.checks reports empty ones).
    required_settings: tuple[str, ...] = ()

    def exchange(self, *, code: str, redirect_uri: str, state: str = "") -> SocialProfile:
        raise NotImplementedError


class SandboxSocialProvider(SocialProvider):
    """SPEC §12: code `ok-<any id>` logs in as that provider user id; anything else fails."""

    sandbox = True

    def __init__(self, provider: str) -> None:
        self.name = provider

    def exchange(self, *, code: str, redirect_uri: str, state: str = "") -> SocialProfile:
        if not isinstance(code, str) or not code.startswith(SANDBOX_CODE_PREFIX):
            raise SocialLoginFailed()
        uid = code.removeprefix(SANDBOX_CODE_PREFIX)
        if not uid or len(uid) > MAX_UID_LENGTH:
            raise SocialLoginFailed()
        return SocialProfile(provider=self.name, uid=uid)


class OAuthProvider(SocialProvider):
    """The shared HTTP part: JSON answers, 4xx are refusals, 5xx and the network are outages."""

    def _call(
        self, url: str, *, form: dict[str, str] | None = None, token: str = ""
    ) -> dict[str, Any]:
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = None
        if form is not None:
            headers["Content-Type"] = FORM_CONTENT_TYPE
            data = urlencode(form).encode("utf-8")
        request = urllib.request.Request(  # noqa: S310 (fixed https:// URLs)
            url, data=data, headers=headers, method="POST" if form is not None else "GET"
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                raw = response.read(MAX_ANSWER_BYTES)
        except urllib.error.HTTPError as error:
            if error.code >= 500:
                logger.warning("%s login: HTTP %s", self.name, error.code)
                raise SocialProviderUnavailable()
            answer = _parse(_read(error))
            logger.info("%s login refused: HTTP %s %s", self.name, error.code, _reason(answer))
            raise SocialLoginFailed()
        except OSError as error:  # URLError, timeouts, connection resets
            logger.warning("%s login failed: %s", self.name, type(error).__name__)
            raise SocialProviderUnavailable()
        answer = _parse(raw)
        if answer is None:
            logger.warning("%s login: unexpected answer", self.name)
            raise SocialProviderUnavailable()
        if answer.get("error"):
            logger.info("%s login refused: %s", self.name, _reason(answer))
            raise SocialLoginFailed()
        return answer

    def _access_token(self, form: dict[str, str]) -> str:
        token = self._call(self.token_url, form=form).get("access_token")
        if not isinstance(token, str) or not token:
            raise SocialLoginFailed()
        return token

    def _profile(self, uid: Any, email: Any, name: Any) -> SocialProfile:
        if isinstance(uid, int) and not isinstance(uid, bool):
            uid = str(uid)
        if not isinstance(uid, str) or not uid or len(uid) > MAX_UID_LENGTH:
            raise SocialLoginFailed()
        return SocialProfile(
            provider=self.name,
            uid=uid,
            email=email if isinstance(email, str) else "",
            name=name if isinstance(name, str) else "",
        )


class KakaoProvider(OAuthProvider):
    name = "kakao"
    token_url = "https://kauth.kakao.com/oauth/token"
    user_url = "https://kapi.kakao.com/v2/user/me"
    required_settings = ("KAKAO_CLIENT_ID",)

    def __init__(self, *, client_id: str, client_secret: str = "") -> None:
        if not client_id:
            raise ImproperlyConfigured("KAKAO_CLIENT_ID must be set.")
        self.client_id = client_id
        self.client_secret = client_secret

    def exchange(self, *, code: str, redirect_uri: str, state: str = "") -> SocialProfile:
        form = {
            "grant_type": "authorization_code",
            "client_id": self.client_id,
            "redirect_uri": redirect_uri,
            "code": code,
        }
        if self.client_secret:
            form["client_secret"] = self.client_secret
        user = self._call(self.user_url, token=self._access_token(form))
        account = _dict(user.get("kakao_account"))
        profile = _dict(account.get("profile"))
        email = account.get("email", "")
        # Kakao's advice: an email not both valid and verified must not identify anyone.
        if account.get("is_email_valid") is False or account.get("is_email_verified") is False:
            email = ""
        return self._profile(user.get("id"), email, profile.get("nickname", ""))


class NaverProvider(OAuthProvider):
    name = "naver"
    token_url = "https://nid.naver.com/oauth2.0/token"
    user_url = "https://openapi.naver.com/v1/nid/me"
    required_settings = ("NAVER_CLIENT_ID", "NAVER_CLIENT_SECRET")

    def __init__(self, *, client_id: str, client_secret: str) -> None:
        if not (client_id and client_secret):
            raise ImproperlyConfigured("NAVER_CLIENT_ID and NAVER_CLIENT_SECRET must be set.")
        self.client_id = client_id
        self.client_secret = client_secret

    def exchange(self, *, code: str, redirect_uri: str, state: str = "") -> SocialProfile:
        # POST keeps the client secret out of URLs (and so out of proxy logs).
        token = self._access_token(
            {
                "grant_type": "authorization_code",
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "code": code,
                "state": state,
            }
        )
        answer = self._call(self.user_url, token=token)
        if answer.get("resultcode") != "00":
            logger.info("naver login refused: resultcode %s", answer.get("resultcode"))
            raise SocialLoginFailed()
        user = _dict(answer.get("response"))
        return self._profile(user.get("id"), user.get("email", ""), user.get("name", ""))


LIVE_PROVIDERS = {"kakao": KakaoProvider, "naver": NaverProvider}


def social_provider_class(provider: str) -> type[SocialProvider]:
    """The class SOCIAL_PROVIDER_BACKEND (`sandbox` | `live`) selects for `kakao` or `naver`."""
    backend = getattr(settings, "SOCIAL_PROVIDER_BACKEND", "") or "sandbox"
    if backend == "sandbox":
        return SandboxSocialProvider
    if backend != "live":
        raise ImproperlyConfigured("SOCIAL_PROVIDER_BACKEND must be 'sandbox' or 'live'.")
    return LIVE_PROVIDERS[provider]


def get_social_provider(provider: str) -> SocialProvider:
    """The provider for `kakao` or `naver`; a sandbox only where sandboxes are allowed."""
    if provider not in PROVIDERS:
        raise UnknownSocialProvider()
    if social_provider_class(provider).sandbox:
        sandbox_require_allowed(f"social provider ({provider})")
        return SandboxSocialProvider(provider)
    if provider == "kakao":
        return KakaoProvider(
            client_id=getattr(settings, "KAKAO_CLIENT_ID", ""),
            client_secret=getattr(settings, "KAKAO_CLIENT_SECRET", ""),
        )
    return NaverProvider(
        client_id=getattr(settings, "NAVER_CLIENT_ID", ""),
        client_secret=getattr(settings, "NAVER_CLIENT_SECRET", ""),
    )


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _read(error: urllib.error.HTTPError) -> bytes:
    try:
        return error.read(MAX_ANSWER_BYTES)
    except OSError:
        return b""


def _parse(raw: bytes) -> dict[str, Any] | None:
    try:
        answer = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return answer if isinstance(answer, dict) else None


def _reason(answer: dict[str, Any] | None) -> str:
    """The provider's error code only: descriptions may echo the code or the user."""
    if not answer:
        return ""
    for key in ("error_code", "error", "code", "resultcode"):
        if answer.get(key) not in (None, ""):
            return str(answer[key])
    return ""
