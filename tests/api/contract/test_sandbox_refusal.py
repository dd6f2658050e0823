"""Without the staging opt-in no sandbox provider answers (SPEC §12).

Defence in depth behind the start-up check (tests/backend): even a server whose check was
skipped cannot verify anyone with `000000` or log anyone in with `ok-<id>`.
"""

import hashlib
import hmac

import pytest
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from domain.audit.models import AuditEvent
from domain.members.models import SocialAccount
from domain.verifications.models import Verification
from tests.api.library import PARENT, full_member, headers_for, join
from tests.conftest import bearer_for, error_codes, identity

pytestmark = pytest.mark.django_db
SITE = "/api/v1/sites/{}/"


@pytest.fixture
def no_sandboxes(settings):
    def switch() -> None:
        settings.SANDBOX_PROVIDERS_ALLOWED = False

    return switch


def start(api, site, **body):
    return api.post(SITE.format(site) + "verifications/", body, format="json")


def confirm(api, site, verification_id, **body):
    return api.post(
        SITE.format(site) + f"verifications/{verification_id}/confirm/", body, format="json"
    )


def test_confirm_with_000000_verifies_nobody(api, no_sandboxes):
    started = start(api, "yongin-library", purpose="sign_up", method="mobile")
    assert started.status_code == 201  # started while the sandbox was still allowed
    no_sandboxes()
    response = confirm(
        api, "yongin-library", started.json()["id"], code="000000", identity=identity()
    )
    assert response.status_code == 503
    assert error_codes(response) == ["provider_not_configured"]
    assert "verification_token" not in response.json()
    row = Verification.objects.get()
    assert row.status == Verification.Status.PENDING
    assert (row.ci_hash, row.token_hash, row.name) == ("", "", "")


@pytest.mark.parametrize(
    "site,method",
    [
        ("yongin-library", "mobile"),
        ("yongin-library", "ipin"),
        ("yongin-library", "card"),
        ("incheon-water", "google"),
    ],
)
def test_a_sandbox_identity_verification_cannot_start(api, no_sandboxes, site, method):
    no_sandboxes()
    response = start(api, site, purpose="sign_up", method=method)
    assert response.status_code == 503
    assert error_codes(response) == ["provider_not_configured"]
    assert not Verification.objects.exists()


def test_the_business_certificate_sandbox_is_refused(api, no_sandboxes):
    business_number = "1208147521"
    started = start(
        api,
        "incheon-water",
        purpose="sign_up",
        method="business_certificate",
        business_number=business_number,
    )
    assert started.status_code == 201
    challenge = started.json()["parameters"]["challenge"]
    signature = hmac.new(business_number.encode(), challenge.encode(), hashlib.sha256).hexdigest()
    no_sandboxes()
    response = confirm(api, "incheon-water", started.json()["id"], signature=signature)
    assert response.status_code == 503
    assert error_codes(response) == ["provider_not_configured"]
    assert Verification.objects.get().status == Verification.Status.PENDING
    again = start(
        api,
        "incheon-water",
        purpose="sign_up",
        method="business_certificate",
        business_number=business_number,
    )
    assert again.status_code == 503
    assert error_codes(again) == ["provider_not_configured"]


def test_social_login_with_ok_id_logs_nobody_in(api, member_factory, site_of, no_sandboxes):
    member = member_factory(site=site_of("yongin-library"))
    SocialAccount.objects.create(member=member, site=member.site, provider="kakao", uid="1001")
    no_sandboxes()
    response = api.post(
        SITE.format("yongin-library") + "auth/social/kakao/",
        {"code": "ok-1001", "redirect_uri": "https://example.test/cb", "state": "xyz"},
        format="json",
    )
    assert response.status_code == 503
    assert error_codes(response) == ["provider_not_configured"]
    assert "access" not in response.json()
    assert not OutstandingToken.objects.exists()
    assert not AuditEvent.objects.filter(type=AuditEvent.Type.LOGIN_SUCCEEDED).exists()
    member.refresh_from_db()
    assert member.last_login is None


def test_social_link_with_ok_id_links_nothing(api, member_factory, site_of, no_sandboxes):
    member = member_factory(site=site_of("yongin-library"))
    no_sandboxes()
    response = api.post(
        SITE.format("yongin-library") + "members/me/social-accounts/",
        {"provider": "naver", "code": "ok-77", "redirect_uri": "https://example.test/cb"},
        format="json",
        **bearer_for(member),
    )
    assert response.status_code == 503
    assert error_codes(response) == ["provider_not_configured"]
    assert not SocialAccount.objects.exists()


def test_the_eligibility_sandbox_checks_nobody(api, verify, no_sandboxes):
    from domain.library.models import EligibilityCheck

    join(api, verify, PARENT, "parent1")
    headers = headers_for(api, "parent1")
    no_sandboxes()
    response = full_member(api, headers, "1000001")
    assert response.status_code == 503
    assert error_codes(response) == ["provider_not_configured"]
    assert not EligibilityCheck.objects.exists()
    assert (
        api.get(SITE.format("yongin-library") + "library-upgrades/", **headers).json()["level"]
        == "associate"
    )
