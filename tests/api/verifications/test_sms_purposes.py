"""Codes for logged-in purposes go to the caller's own registered mobile, and one purpose's
per-phone limits never block another's login code (SPEC §4, §7.4, §14)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from domain.messaging.backends import locmem
from domain.verifications.models import Verification
from tests.conftest import bearer_for, error_codes
from tests.factories.corporates import corporate_with_master

pytestmark = pytest.mark.django_db

ONNURI = "/api/v1/sites/onnuri-biz/"
MOBILE = "01011112222"
VICTIM = "01099998888"


@pytest.fixture(autouse=True)
def _empty_outbox():
    locmem.outbox.clear()
    yield
    locmem.outbox.clear()


@pytest.fixture
def manager():
    return corporate_with_master(username="master01", mobile=MOBILE).member


def dispatch_code(api, manager, capture, **body):
    with capture(execute=True):
        return api.post(
            ONNURI + "verifications/",
            {"purpose": "dispatch_send", "method": "sms_code", **body},
            format="json",
            **bearer_for(manager),
        )


def test_a_dispatch_send_code_to_another_number_is_refused(
    api, manager, django_capture_on_commit_callbacks
):
    response = dispatch_code(api, manager, django_capture_on_commit_callbacks, phone=VICTIM)
    assert response.status_code == 400
    assert error_codes(response) == ["phone_not_registered"]
    assert response.json()["errors"][0]["attr"] == "phone"
    assert "등록된 본인 휴대폰" in response.json()["errors"][0]["detail"]
    assert locmem.outbox == []
    assert not Verification.objects.exists()


@pytest.mark.parametrize("phone", [None, MOBILE, "010-1111-2222"])
def test_a_dispatch_send_code_goes_to_the_registered_mobile(
    api, manager, django_capture_on_commit_callbacks, phone
):
    body = {} if phone is None else {"phone": phone}
    response = dispatch_code(api, manager, django_capture_on_commit_callbacks, **body)
    assert response.status_code == 201, response.json()
    assert [message.to for message in locmem.outbox] == [MOBILE]


def test_exhausting_dispatch_send_codes_still_lets_the_login_code_out(
    api, manager, django_capture_on_commit_callbacks
):
    now = timezone.now()
    for minute in range(5):
        with time_machine.travel(now + timedelta(minutes=minute)):
            assert (
                dispatch_code(api, manager, django_capture_on_commit_callbacks).status_code == 201
            )
    with time_machine.travel(now + timedelta(minutes=5)):
        limited = dispatch_code(api, manager, django_capture_on_commit_callbacks)
        assert error_codes(limited) == ["sms_code_hourly_limit"]
        with django_capture_on_commit_callbacks(execute=True):
            login = api.post(
                ONNURI + "auth/token/",
                {"username": "master01", "password": "Sunny!Day42"},
                format="json",
            )
    assert login.status_code == 200, login.json()
    assert login.json()["otp_required"] is True
    assert locmem.outbox[-1].to == MOBILE
    assert Verification.objects.filter(purpose="login_otp").count() == 1


def test_a_login_code_just_sent_does_not_block_a_dispatch_send_code(
    api, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        login = api.post(
            ONNURI + "auth/token/",
            {"username": "master01", "password": "Sunny!Day42"},
            format="json",
        )
    assert login.json()["otp_required"] is True
    assert dispatch_code(api, manager, django_capture_on_commit_callbacks).status_code == 201


def test_codes_texted_to_a_typed_number_never_use_up_its_owners_login_codes(
    api, manager, member_factory, site_of, django_capture_on_commit_callbacks
):
    """A site that offers SMS codes for a typed number (here profile_update) lets anyone aim
    them at any phone; they count in their own group, apart from login_otp."""
    site = site_of("onnuri-biz")
    site.policy["verification"]["corporate_manager"]["profile_update"] = [["sms_code"]]
    site.save()
    victim = member_factory(site=site, username="victim01", kind="corporate_manager", mobile=VICTIM)
    now = timezone.now()
    for minute in range(6):
        with (
            time_machine.travel(now + timedelta(minutes=minute)),
            django_capture_on_commit_callbacks(execute=True),
        ):
            response = api.post(
                ONNURI + "verifications/",
                {"purpose": "profile_update", "method": "sms_code", "phone": VICTIM},
                format="json",
                **bearer_for(manager),
            )
    assert error_codes(response) == ["sms_code_hourly_limit"]
    with (
        time_machine.travel(now + timedelta(minutes=6)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        login = api.post(
            ONNURI + "auth/token/",
            {"username": victim.username, "password": "Sunny!Day42"},
            format="json",
        )
    assert login.status_code == 200, login.json()
    assert locmem.outbox[-1].to == VICTIM
