"""Invite a general admin, the join link, acceptance (SPEC §7.1; manual 004 §1.2, §4.2)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from domain.corporates.models import CorporateEvent, CorporateManager, Invitation
from domain.members.models import Member
from domain.messaging.backends import locmem
from tests.conftest import bearer_for, error_codes, identity
from tests.factories.corporates import corporate_with_master

from . import (
    INVITEE,
    INVITEE_MOBILE,
    MEMBERS,
    NEW_PASSWORD,
    ONNURI,
    SITE,
    accept_body,
    login_with_otp,
    token_from_sms,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_outbox():
    locmem.outbox.clear()
    yield
    locmem.outbox.clear()


@pytest.fixture
def master():
    return corporate_with_master(username="master01", mobile="01011112222")


@pytest.fixture
def invite(api, master, django_capture_on_commit_callbacks):
    """POST an invitation as the master; returns (response, token from the SMS)."""

    def do(mobile=INVITEE_MOBILE, name="김정호"):
        with django_capture_on_commit_callbacks(execute=True):
            response = api.post(
                MEMBERS,
                {"name": name, "department": "재무팀", "position": "과장", "mobile": mobile},
                format="json",
                **bearer_for(master.member),
            )
        token = token_from_sms() if response.status_code == 201 else None
        return response, token

    return do


def accept(api, token, body):
    return api.post(f"{SITE}invitations/{token}/accept/", body, format="json")


def test_invitation_sms_link_accept_and_login(
    api, master, invite, verify, django_capture_on_commit_callbacks
):
    response, token = invite(mobile="010-5555-6666")
    assert response.status_code == 201, response.json()
    entry = response.json()
    assert entry["kind"] == "invitation" and entry["status"] == "invited"
    assert entry["name"] == "김정*" and entry["mobile"] == "0105****666"
    assert entry["expired"] is False
    sms = locmem.outbox[-1]
    assert sms.to == INVITEE_MOBILE
    assert f"http://localhost:5173/onnuri-biz/join/{token}" in sms.body
    invitation = Invitation.objects.get()
    assert token not in invitation.token_hash and len(invitation.token_hash) == 64
    assert invitation.expires_at - invitation.created_at == timedelta(hours=72)
    assert CorporateEvent.objects.filter(type="admin_invited").count() == 1

    page = api.get(f"{SITE}invitations/{token}/")
    assert page.status_code == 200
    assert page.json()["inviter_name"] == "홍길*"  # not the company: the invitee must know it

    body = accept_body(api, master.corporate, verify(ONNURI, "invitation", INVITEE))
    joined = accept(api, token, body)
    assert joined.status_code == 201, joined.json()
    member = Member.objects.get(username="newadmin01")
    assert member.status == "active" and member.kind == "corporate_manager"
    assert member.name == "김정호" and member.mobile == INVITEE_MOBILE
    role = CorporateManager.objects.get(member=member)
    assert role.corporate == master.corporate and role.role == "general"
    assert (role.department, role.position) == ("재무팀", "과장")
    invitation.refresh_from_db()
    assert invitation.status == "accepted" and invitation.accepted_member == member
    assert CorporateEvent.objects.filter(type="admin_joined").count() == 1

    tokens = login_with_otp(api, django_capture_on_commit_callbacks, "newadmin01", NEW_PASSWORD)
    assert tokens.status_code == 200, tokens.json()
    me = api.get(f"{MEMBERS}me/", HTTP_AUTHORIZATION=f"Bearer {tokens.json()['access']}")
    assert me.status_code == 200 and me.json()["role"] == "general"

    # The link is single-use.
    again = accept(api, token, accept_body(api, master.corporate, "x", username="other001"))
    assert again.status_code == 404
    assert error_codes(again) == ["invitation_not_found"]
    assert api.get(f"{SITE}invitations/{token}/").status_code == 404


def test_expired_invitation_is_refused(api, master, invite, verify):
    _, token = invite()
    with time_machine.travel(timezone.now() + timedelta(hours=73)):
        body = accept_body(api, master.corporate, verify(ONNURI, "invitation", INVITEE))
        response = accept(api, token, body)
        assert response.status_code == 400
        assert error_codes(response) == ["invitation_expired"]
        assert api.get(f"{SITE}invitations/{token}/").status_code == 400
        listed = api.get(MEMBERS, **bearer_for(master.member)).json()["results"]
        assert [e["expired"] for e in listed if e["kind"] == "invitation"] == [True]
    assert not Member.objects.filter(username="newadmin01").exists()


def test_unknown_token_is_404(api):
    response = api.get(f"{SITE}invitations/not-a-real-token/")
    assert response.status_code == 404
    assert error_codes(response) == ["invitation_not_found"]


@pytest.mark.parametrize(
    "field,value",
    [
        ("company_name", "(주)다른회사"),
        ("company_name", "(주)테스트상사"),
        ("business_number", "2208162517"),
    ],
)
def test_company_mismatch_creates_nothing(api, master, invite, verify, field, value):
    _, token = invite()
    verification = verify(ONNURI, "invitation", INVITEE)
    response = accept(
        api, token, accept_body(api, master.corporate, verification, **{field: value})
    )
    assert response.status_code == 400
    assert "invitation_company_mismatch" in error_codes(response)
    assert not Member.objects.filter(username="newadmin01").exists()
    assert Invitation.objects.get().status == "pending"
    # Neither the link nor the verification was used up.
    assert accept(api, token, accept_body(api, master.corporate, verification)).status_code == 201


def test_id_password_and_consent_rules_are_the_sign_up_ones(api, master, invite, verify):
    _, token = invite()
    body = accept_body(
        api,
        master.corporate,
        verify(ONNURI, "invitation", INVITEE),
        username="AB",
        password="short",
        password_confirm="other",
        consents=[],
    )
    response = accept(api, token, body)
    assert response.status_code == 400
    codes = set(error_codes(response))
    assert {"username_length", "password_mismatch", "consent_required"} <= codes
    assert "password_length" in codes or "password_classes" in codes


def test_verified_mobile_must_be_the_invited_one(api, master, invite, verify):
    _, token = invite()
    other = identity(name="김정호", birth_date="1988-03-04", phone="01077778888")
    response = accept(
        api, token, accept_body(api, master.corporate, verify(ONNURI, "invitation", other))
    )
    assert response.status_code == 400
    assert error_codes(response) == ["invitation_phone_mismatch"]
    assert not Member.objects.filter(username="newadmin01").exists()


def test_taken_username_is_refused(api, master, invite, verify):
    _, token = invite()
    body = accept_body(
        api, master.corporate, verify(ONNURI, "invitation", INVITEE), username="master01"
    )
    response = accept(api, token, body)
    assert response.status_code == 400
    assert error_codes(response) == ["username_taken"]


def test_already_an_admin_or_invited_is_409(api, master, invite):
    assert invite()[0].status_code == 201
    again, _ = invite()
    assert again.status_code == 409
    assert error_codes(again) == ["already_invited"]
    own, _ = invite(mobile="01011112222")  # the master's own number
    assert own.status_code == 409
    bad, _ = invite(mobile="12345")
    assert bad.status_code == 400 and error_codes(bad) == ["invalid_phone"]


def test_resend_kills_the_old_link(api, master, invite, verify, django_capture_on_commit_callbacks):
    _, old = invite()
    invitation = Invitation.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            f"{MEMBERS}invitation-{invitation.pk}/resend-invitation/", **bearer_for(master.member)
        )
    assert response.status_code == 200, response.json()
    new = token_from_sms()
    assert new != old and len(locmem.outbox) == 2
    invitation.refresh_from_db()
    assert invitation.sent_count == 2
    assert api.get(f"{SITE}invitations/{old}/").status_code == 404
    body = accept_body(api, master.corporate, verify(ONNURI, "invitation", INVITEE))
    assert accept(api, old, body).status_code == 404
    assert accept(api, new, body).status_code == 201
    # Joined: no more resending.
    done = api.post(
        f"{MEMBERS}invitation-{invitation.pk}/resend-invitation/", **bearer_for(master.member)
    )
    assert done.status_code == 409
    assert error_codes(done) == ["invalid_transition"]


def test_delete_invitation_cancels_the_link(api, master, invite):
    _, token = invite()
    invitation = Invitation.objects.get()
    response = api.delete(f"{MEMBERS}invitation-{invitation.pk}/", **bearer_for(master.member))
    assert response.status_code == 204
    invitation.refresh_from_db()
    assert invitation.status == "cancelled"
    assert api.get(f"{SITE}invitations/{token}/").status_code == 404
    assert api.get(MEMBERS, **bearer_for(master.member)).json()["count"] == 1
    again = api.delete(f"{MEMBERS}invitation-{invitation.pk}/", **bearer_for(master.member))
    assert again.status_code == 409
    assert error_codes(again) == ["invalid_transition"]


def test_another_corporates_master_cannot_touch_the_invitation(api, invite):
    _, token = invite()
    invitation = Invitation.objects.get()
    other = corporate_with_master(username="master02", business_number="2208162517")
    for response in (
        api.delete(f"{MEMBERS}invitation-{invitation.pk}/", **bearer_for(other.member)),
        api.post(
            f"{MEMBERS}invitation-{invitation.pk}/resend-invitation/", **bearer_for(other.member)
        ),
    ):
        assert response.status_code == 404
    assert Invitation.objects.get().status == "pending"
