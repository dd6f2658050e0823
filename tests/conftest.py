import pytest
from django.core.cache import cache

from backend.settings.base import private_storage
from domain.sites.models import Site
from tests.factories.members import DEFAULT_PASSWORD, MemberFactory
from tests.timestamps import TimestampCheckingAPIClient

SITE_SLUGS = ["incheon-water", "animal-protection", "yongin-library", "onnuri-biz"]


@pytest.fixture(autouse=True)
def _clean_state(settings, tmp_path):
    """Throttle counters live in the cache; every test starts with none. Texts written to
    files and private files go to the test's own directory."""
    cache.clear()
    settings.SMS_FILE_DIR = tmp_path / "sms"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": private_storage(root=settings.PRIVATE_MEDIA_ROOT),
    }
    yield
    cache.clear()


BUCKET = "membership-private"


@pytest.fixture
def s3_storage(settings):
    """The private storage in an S3 bucket (django-storages' backend as production configures
    it, backend.settings.base.private_storage), moto's in-process S3 behind it. Yields the
    bucket's boto3 resource, to look at the objects."""
    import boto3
    from moto import mock_aws

    with mock_aws():
        settings.AWS_ACCESS_KEY_ID = "test-key-id"
        settings.AWS_SECRET_ACCESS_KEY = "test-secret-key"
        settings.AWS_S3_REGION_NAME = "ap-northeast-2"
        bucket = boto3.resource(
            "s3",
            region_name="ap-northeast-2",
            aws_access_key_id="test-key-id",
            aws_secret_access_key="test-secret-key",
        ).Bucket(BUCKET)
        bucket.create(CreateBucketConfiguration={"LocationConstraint": "ap-northeast-2"})
        settings.STORAGES = {
            **settings.STORAGES,
            "private": private_storage(root=settings.PRIVATE_MEDIA_ROOT, bucket=BUCKET),
        }
        yield bucket


@pytest.fixture
def storage_down(settings):
    """The private storage in an S3 bucket whose server does not answer (nothing listens on
    its port): every store and read fails as in an outage, at once (one attempt)."""
    import socket

    from botocore.config import Config

    with socket.socket() as sock:  # a port nothing listens on once this closes
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.AWS_S3_ENDPOINT_URL = f"http://127.0.0.1:{port}"
    settings.AWS_ACCESS_KEY_ID = "test-key-id"
    settings.AWS_SECRET_ACCESS_KEY = "test-secret-key"
    settings.AWS_S3_REGION_NAME = "ap-northeast-2"
    storage = private_storage(root=settings.PRIVATE_MEDIA_ROOT, bucket=BUCKET)
    storage["OPTIONS"]["client_config"] = Config(
        connect_timeout=1, retries={"mode": "standard", "max_attempts": 1}
    )
    settings.STORAGES = {**settings.STORAGES, "private": storage}


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
