import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from domain.sites.models import Site
from tests.factories.members import DEFAULT_PASSWORD, MemberFactory

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
    return APIClient()


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
