"""Helpers for the tests that start processes under given settings: the repository, and a clean
environment for a fresh process."""

import json
import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
OPT_IN = {"UNSAFE_ALLOW_SANDBOX_PROVIDERS": "yes-this-is-staging"}
REAL_PROVIDERS = {
    "SMS_BACKEND": "domain.messaging.backends.nhncloud.NhnCloudSmsBackend",
    "NHN_SMS_APP_KEY": "nhn-app-key",
    "NHN_SMS_SECRET_KEY": "nhn-secret-key",
    "IDENTITY_PROVIDER": "portone",
    "PORTONE_API_SECRET": "portone-secret",
    "PORTONE_STORE_ID": "store-id",
    "PORTONE_CHANNEL_KEY": "channel-key",
    "SOCIAL_PROVIDER_BACKEND": "live",
    "KAKAO_CLIENT_ID": "kakao-rest-key",
    "NAVER_CLIENT_ID": "naver-id",
    "NAVER_CLIENT_SECRET": "naver-secret",
}
STRIPPED = (
    "DATABASE_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "IDENTITY_HASH_KEY",
    "GIFT_APP_SECRETS",
    "DEBUG",
)


def environment(tmp_path: Path, settings_module: str | None, **extra: str) -> dict[str, str]:
    """A clean environment: no provider variables, fresh keys, a SQLite file in tmp_path."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in STRIPPED
        and key not in REAL_PROVIDERS
        and key not in OPT_IN
        and not key.startswith(("IDENTITY_PROVIDER", "ELIGIBILITY_PROVIDER"))
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if settings_module:
        env["DJANGO_SETTINGS_MODULE"] = settings_module
    env.update(
        SECRET_KEY=secrets.token_urlsafe(48),
        IDENTITY_HASH_KEY=secrets.token_urlsafe(48),
        GIFT_APP_SECRETS=json.dumps({"onnuri-biz": secrets.token_urlsafe(48)}),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        VAR_DIR=str(tmp_path / "var"),
    )
    env.update(extra)
    return {key: value for key, value in env.items() if value is not None}
