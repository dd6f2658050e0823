"""Login, lockout, site-bound tokens, rotation and logout (SPEC §5, §14)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from demo.accounts import DEMO_MEMBER, demo_accounts_ensure
from demo.corporates import MASTER as DEMO_MASTER
from domain.audit.models import AuditEvent
from tests.conftest import SITE_SLUGS, error_codes, sms_code_from_outbox

pytestmark = pytest.mark.django_db


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.mark.parametrize("slug", SITE_SLUGS)
def test_demo_member_logs_in_on_each_site(api, login, slug, django_capture_on_commit_callbacks):
    """onnuri-biz has no plain members: its demo master stands in (a manager needs a company)."""
    with django_capture_on_commit_callbacks(execute=True):
        demo_accounts_ensure()
    demo = DEMO_MASTER if slug == "onnuri-biz" else DEMO_MEMBER
    with django_capture_on_commit_callbacks(execute=True):
        response = login(slug, demo["username"], demo["password"])
    assert response.status_code == 200, response.json()
    tokens = response.json()
    if slug == "onnuri-biz":  # SMS code as the second step (SPEC §5)
        assert tokens["otp_required"] is True and "access" not in tokens
        response = api.post(
            f"/api/v1/sites/{slug}/auth/token/otp/",
            {"verification_id": tokens["verification_id"], "code": sms_code_from_outbox()},
            format="json",
        )
        assert response.status_code == 200, response.json()
        tokens = response.json()
    me = api.get(f"/api/v1/sites/{slug}/members/me/", **bearer(tokens["access"]))
    assert me.status_code == 200
    assert me.json()["username"] == demo["username"]
    assert me.json()["site"] == slug
    assert AuditEvent.objects.filter(type="login_succeeded", site__slug=slug).count() == 1


def test_incheon_login_ignores_case(login, member_factory, site_of):
    member_factory(site=site_of("incheon-water"), username="Hong1234")
    assert login("incheon-water", "HONG1234").status_code == 200


def test_fifth_wrong_password_locks_until_the_lock_passes(login, member_factory):
    member = member_factory(username="lockme")
    for _ in range(5):
        response = login("yongin-library", "lockme", "Wrong!pass1")
        assert response.status_code == 401
        assert error_codes(response) == ["invalid_credentials"]
    member.refresh_from_db()
    assert member.locked_until is not None
    # Locked: the right password gets the same answer as a wrong one.
    locked = login("yongin-library", "lockme")
    assert locked.status_code == 401
    assert locked.json() == login("yongin-library", "nobodyhere", "Wrong!pass1").json()
    assert AuditEvent.objects.filter(member=member, type="account_locked").count() == 1
    assert AuditEvent.objects.filter(member=member, type="login_failed").count() == 6
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert login("yongin-library", "lockme").status_code == 200


def test_four_failures_then_success_resets_the_count(login, member_factory):
    member = member_factory(username="resetme")
    for _ in range(4):
        login("yongin-library", "resetme", "Wrong!pass1")
    assert login("yongin-library", "resetme").status_code == 200
    member.refresh_from_db()
    assert member.failed_login_count == 0
    login("yongin-library", "resetme", "Wrong!pass1")
    assert login("yongin-library", "resetme").status_code == 200


def test_token_of_one_site_is_refused_by_another(api, login, member_factory, site_of):
    member_factory(username="twosite")
    access = login("yongin-library", "twosite").json()["access"]
    response = api.get("/api/v1/sites/onnuri-biz/members/me/", **bearer(access))
    assert response.status_code == 401
    assert error_codes(response) == ["token_site_mismatch"]
    refresh = login("yongin-library", "twosite").json()["refresh"]
    response = api.post("/api/v1/sites/onnuri-biz/auth/token/refresh/", {"refresh": refresh})
    assert response.status_code == 401


def test_refresh_rotates_and_the_old_refresh_is_refused(api, login, member_factory):
    member_factory(username="rotate")
    first = login("yongin-library", "rotate").json()
    url = "/api/v1/sites/yongin-library/auth/token/refresh/"
    rotated = api.post(url, {"refresh": first["refresh"]})
    assert rotated.status_code == 200
    assert rotated.json()["refresh"] != first["refresh"]
    again = api.post(url, {"refresh": first["refresh"]})
    assert again.status_code == 401
    assert error_codes(again) == ["token_not_valid"]
    assert api.post(url, {"refresh": rotated.json()["refresh"]}).status_code == 200


def test_logout_blacklists_the_refresh_token(api, login, member_factory):
    member_factory(username="leaver")
    tokens = login("yongin-library", "leaver").json()
    response = api.post("/api/v1/sites/yongin-library/auth/logout/", {"refresh": tokens["refresh"]})
    assert response.status_code == 204
    refused = api.post(
        "/api/v1/sites/yongin-library/auth/token/refresh/", {"refresh": tokens["refresh"]}
    )
    assert refused.status_code == 401
    assert AuditEvent.objects.filter(type="logout").count() == 1


def test_pending_member_cannot_log_in(login, member_factory):
    member_factory(username="waiting", status="pending")
    response = login("yongin-library", "waiting")
    assert response.status_code == 401
    assert error_codes(response) == ["account_pending_review"]


def test_login_is_throttled_per_ip(login):
    from rest_framework.throttling import SimpleRateThrottle

    original = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = {**original, "login": "3/min"}
    try:
        codes = [login("yongin-library", "nobody", "Wrong!pass1").status_code for _ in range(4)]
    finally:
        SimpleRateThrottle.THROTTLE_RATES = original
    assert codes == [401, 401, 401, 429]


def test_onnuri_otp_wrong_code_gives_no_tokens(
    api, login, member_factory, site_of, django_capture_on_commit_callbacks
):
    member_factory(site=site_of("onnuri-biz"), username="manager77", mobile="01033334444")
    with django_capture_on_commit_callbacks(execute=True):
        first = login("onnuri-biz", "manager77").json()
    code = sms_code_from_outbox()
    wrong = "000000" if code != "000000" else "999999"
    url = "/api/v1/sites/onnuri-biz/auth/token/otp/"
    refused = api.post(url, {"verification_id": first["verification_id"], "code": wrong})
    assert refused.status_code == 400
    assert error_codes(refused) == ["invalid_code"]
    accepted = api.post(url, {"verification_id": first["verification_id"], "code": code})
    assert accepted.status_code == 200 and "access" in accepted.json()
    reused = api.post(url, {"verification_id": first["verification_id"], "code": code})
    assert reused.status_code == 400
    assert error_codes(reused) == ["verification_consumed"]
