"""Verification sessions over HTTP (SPEC §4, §12, §14)."""

import hashlib
import hmac
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from domain.common.hashing import keyed_hash
from domain.verifications.models import Verification, VerificationEvent
from domain.verifications.services import verification_consume, verifications_expire
from tests.conftest import error_codes, identity, sms_code_from_outbox

pytestmark = pytest.mark.django_db
BASE = "/api/v1/sites/{}/verifications/"


def start(api, site, **body):
    return api.post(BASE.format(site), body, format="json")


def confirm(api, site, verification_id, **body):
    return api.post(f"{BASE.format(site)}{verification_id}/confirm/", body, format="json")


def test_sandbox_mobile_verification_returns_a_token_and_stores_only_hashes(api):
    started = start(api, "yongin-library", purpose="sign_up", method="mobile")
    assert started.status_code == 201
    assert started.json()["provider"] == "sandbox"
    person = identity(name="김철수")
    confirmed = confirm(api, "yongin-library", started.json()["id"], code="000000", identity=person)
    assert confirmed.status_code == 200
    body = confirmed.json()
    assert body["status"] == "verified"
    assert body["result"]["name"] == "김철*"
    assert body["result"]["phone"] == "0101****678"
    row = Verification.objects.get()
    assert len(row.ci_hash) == 64 and row.token_hash == keyed_hash(
        body["verification_token"], purpose="verification_token"
    )
    assert body["verification_token"] not in str(row.__dict__)


def test_wrong_sandbox_code_fails(api):
    started = start(api, "yongin-library", purpose="sign_up", method="ipin")
    response = confirm(
        api, "yongin-library", started.json()["id"], code="123456", identity=identity()
    )
    assert response.status_code == 400
    assert error_codes(response) == ["verification_failed"]


def test_method_not_in_site_policy_is_refused(api):
    response = start(api, "animal-protection", purpose="sign_up", method="card")
    assert response.status_code == 400
    assert error_codes(response) == ["method_not_allowed"]


def test_sms_code_flow(api, member_factory, site_of, django_capture_on_commit_callbacks, login):
    member = member_factory(site=site_of("onnuri-biz"), username="manager01", mobile="01055556666")
    token = None
    with django_capture_on_commit_callbacks(execute=True):
        access = _access_without_otp(member)
        started = api.post(
            BASE.format("onnuri-biz"),
            {"purpose": "dispatch_send", "method": "sms_code"},
            format="json",
            HTTP_AUTHORIZATION=f"Bearer {access}",
        )
    assert started.status_code == 201, started.json()
    code = sms_code_from_outbox()
    row = Verification.objects.get(pk=started.json()["id"])
    assert code not in row.code_hash and len(row.code_hash) == 64
    wrong = "000000" if code != "000000" else "111111"
    for left in (4, 3, 2, 1):
        response = api.post(
            f"{BASE.format('onnuri-biz')}{row.pk}/confirm/",
            {"code": wrong},
            format="json",
            HTTP_AUTHORIZATION=f"Bearer {access}",
        )
        assert error_codes(response) == ["invalid_code"]
        assert response.json()["errors"][0]["attempts_left"] == left
    response = api.post(
        f"{BASE.format('onnuri-biz')}{row.pk}/confirm/",
        {"code": wrong},
        format="json",
        HTTP_AUTHORIZATION=f"Bearer {access}",
    )
    assert error_codes(response) == ["invalid_code"]
    # the sixth try, even with the right code, is refused: the verification has failed
    response = api.post(
        f"{BASE.format('onnuri-biz')}{row.pk}/confirm/",
        {"code": code},
        format="json",
        HTTP_AUTHORIZATION=f"Bearer {access}",
    )
    assert error_codes(response) == ["verification_failed"]
    assert token is None


def _access_without_otp(member) -> str:
    from api.authentication import SiteRefreshToken

    return str(SiteRefreshToken.for_member(member).access_token)


def test_sms_codes_are_limited_per_phone(
    api, member_factory, site_of, django_capture_on_commit_callbacks
):
    member = member_factory(site=site_of("onnuri-biz"), username="manager02", mobile="01077778888")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {_access_without_otp(member)}"}
    # dispatch_send codes go to the registered mobile only (tests/api/verifications/
    # test_sms_purposes.py)
    body = {"purpose": "dispatch_send", "method": "sms_code", "phone": "01077778888"}
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            api.post(BASE.format("onnuri-biz"), body, format="json", **headers).status_code == 201
        )
        with time_machine.travel(now + timedelta(seconds=12)):
            too_soon = api.post(BASE.format("onnuri-biz"), body, format="json", **headers)
        assert too_soon.status_code == 429
        assert error_codes(too_soon) == ["sms_code_too_soon"]
        # The SPA can count down to the next code (the first was sent ~12 s before).
        assert 17 <= int(too_soon["Retry-After"]) <= 19
        for minutes in (1, 2, 3, 4):
            with time_machine.travel(now + timedelta(minutes=minutes)):
                assert (
                    api.post(BASE.format("onnuri-biz"), body, format="json", **headers).status_code
                    == 201
                )
        with time_machine.travel(now + timedelta(minutes=5)):
            limited = api.post(BASE.format("onnuri-biz"), body, format="json", **headers)
            assert error_codes(limited) == ["sms_code_hourly_limit"]
            assert 3_299 <= int(limited["Retry-After"]) <= 3_301  # the first leaves the hour


def test_business_certificate_sandbox_signature(api):
    started = start(
        api,
        "incheon-water",
        purpose="sign_up",
        method="business_certificate",
        business_number="124-81-00998",
    )
    assert started.status_code == 201
    challenge = started.json()["parameters"]["challenge"]
    signature = hmac.new(b"1248100998", challenge.encode(), hashlib.sha256).hexdigest()
    bad = confirm(api, "incheon-water", started.json()["id"], signature="00" * 32)
    assert error_codes(bad) == ["invalid_signature"]
    good = confirm(api, "incheon-water", started.json()["id"], signature=signature)
    assert good.status_code == 200


def test_business_number_check_digit(api):
    response = start(
        api,
        "incheon-water",
        purpose="sign_up",
        method="business_certificate",
        business_number="1248100999",
    )
    assert response.status_code == 400
    assert error_codes(response) == ["invalid_business_number"]


def test_verification_of_another_site_is_not_found(api):
    started = start(api, "yongin-library", purpose="sign_up", method="mobile")
    response = confirm(
        api, "animal-protection", started.json()["id"], code="000000", identity=identity()
    )
    assert response.status_code == 404


def test_expired_session_cannot_be_confirmed(api):
    started = start(api, "yongin-library", purpose="sign_up", method="mobile")
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        response = confirm(
            api, "yongin-library", started.json()["id"], code="000000", identity=identity()
        )
    assert error_codes(response) == ["verification_expired"]


# --- the lifecycle's events (every transition writes its event) -------------------------------


def events_of(verification_id) -> list[str]:
    return list(
        VerificationEvent.objects.filter(verification_id=verification_id).values_list(
            "type", flat=True
        )
    )


def test_a_used_verification_records_started_verified_consumed(api, site_of):
    started = start(api, "yongin-library", purpose="sign_up", method="mobile")
    confirmed = confirm(
        api, "yongin-library", started.json()["id"], code="000000", identity=identity()
    )
    verification_consume(
        site=site_of("yongin-library"),
        token=confirmed.json()["verification_token"],
        purpose="sign_up",
    )
    assert events_of(started.json()["id"]) == ["started", "verified", "consumed"]
    row = Verification.objects.get()
    assert (row.status, row.name, row.ci_hash) == ("consumed", "", "")


def test_a_refused_provider_answer_records_the_attempt_and_the_failure(api):
    started = start(api, "yongin-library", purpose="sign_up", method="ipin")
    confirm(api, "yongin-library", started.json()["id"], code="123456", identity=identity())
    assert events_of(started.json()["id"]) == ["started", "attempt_failed", "failed"]


def test_the_expiry_job_expires_each_stale_session_with_its_event(api):
    used = start(api, "yongin-library", purpose="sign_up", method="mobile").json()["id"]
    confirm(api, "yongin-library", used, code="000000", identity=identity())
    abandoned = start(api, "yongin-library", purpose="sign_up", method="mobile").json()["id"]
    with time_machine.travel(timezone.now() + timedelta(minutes=30)):
        assert verifications_expire() == 2
        assert verifications_expire() == 0
    assert events_of(used) == ["started", "verified", "expired"]
    assert events_of(abandoned) == ["started", "expired"]
    assert list(Verification.objects.values_list("status", "name")) == [
        ("expired", ""),
        ("expired", ""),
    ]
