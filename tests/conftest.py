import pytest
from django.core.cache import cache

from domain.sites.models import Site
from tests.factories.members import DEFAULT_PASSWORD, MemberFactory
from tests.timestamps import TimestampCheckingAPIClient

SITE_SLUGS = ["incheon-water", "animal-protection", "yongin-library", "onnuri-biz"]


@pytest.fixture(autouse=True)
def _clean_state(settings, tmp_path):
    """Throttle counters live in the cache; every test starts with none."""
    cache.clear()
    settings.SMS_FILE_DIR = tmp_path / "sms"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    yield
    cache.clear()


@pytest.fixture
def api():
    return TimestampCheckingAPIClient()


@pytest.fixture
def site_of(db):
    def get(slug: str) -> Site:
        return Site.objects.get(slug=slug)

    return get


@pytest.fixture
def member_factory(db):
    return MemberFactory


@pytest.fixture
def login(api):
    """POST the login endpoint; returns the response."""

    def do(site: str, username: str, password: str = DEFAULT_PASSWORD, **headers):
        return api.post(
            f"/api/v1/sites/{site}/auth/token/",
            {"username": username, "password": password},
            format="json",
            **headers,
        )

    return do


def error_codes(response) -> list[str]:
    return [error["code"] for error in response.json()["errors"]]


def identity(
    name="홍길동",
    birth_date="1990-01-01",
    phone="01012345678",
    gender="male",
    nationality="domestic",
    carrier="SKT",
) -> dict:
    """A sandbox identity (SPEC §12)."""
    return {
        "name": name,
        "birth_date": birth_date,
        "phone": phone,
        "gender": gender,
        "nationality": nationality,
        "carrier": carrier,
    }


@pytest.fixture
def verify(api):
    """Drive a sandbox verification over HTTP; returns the verification token.

    verify("yongin-library", "sign_up", identity(...), method="mobile", headers={...})
    """

    def do(
        site: str,
        purpose: str,
        person: dict | None = None,
        *,
        method: str = "mobile",
        headers: dict | None = None,
    ) -> str:
        headers = headers or {}
        started = api.post(
            f"/api/v1/sites/{site}/verifications/",
            {"purpose": purpose, "method": method},
            format="json",
            **headers,
        )
        assert started.status_code == 201, started.json()
        confirmed = api.post(
            f"/api/v1/sites/{site}/verifications/{started.json()['id']}/confirm/",
            {"code": "000000", "identity": person or identity()},
            format="json",
            **headers,
        )
        assert confirmed.status_code == 200, confirmed.json()
        return confirmed.json()["verification_token"]

    return do


def sms_code_from_outbox() -> str:
    """The last code texted through the locmem SMS backend."""
    import re

    from domain.messaging.backends import locmem

    return re.search(r"\[(\d{6})\]", locmem.outbox[-1].body).group(1)


def bearer_for(member) -> dict:
    """Authorization headers for `member`, minted directly (skips the login and its SMS step;
    the login itself is tested in tests/api/auth)."""
    from api.authentication import SiteRefreshToken

    return {"HTTP_AUTHORIZATION": f"Bearer {SiteRefreshToken.for_member(member).access_token}"}


@pytest.fixture
def password_hashing(monkeypatch):
    """Each Argon2 computation (a hash or a verification), as whether a transaction of the code
    under test was open at the time (the test's own wrapping transaction does not count).

    A verification and a hash cost the same, so equal counts mean equal work (SPEC §14 "the
    same answer"); none may run inside a transaction (SQLite's IMMEDIATE mode holds the write
    lock from BEGIN).
    """
    from django.db import connection

    from tests.hashers import FastArgon2PasswordHasher

    calls: list[bool] = []

    def recorded(original):
        def wrapper(self, *args, **kwargs):
            calls.append(any(not block._from_testcase for block in connection.atomic_blocks))
            return original(self, *args, **kwargs)

        return wrapper

    for name in ("encode", "verify"):
        original = getattr(FastArgon2PasswordHasher, name)
        monkeypatch.setattr(FastArgon2PasswordHasher, name, recorded(original))
    return calls
