"""관리자 추가 가입 without the link's token, as manual 004 §1.2 shows it (SPEC §7.1): the SMS
carries a bare `/join` link; the invitee enters the company name and business number and
verifies the invited mobile, and the server finds the invitation."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from domain.corporates.models import CorporateEvent, CorporateManager, Invitation
from domain.members.models import Member
from domain.messaging.backends import locmem
from domain.verifications.models import Verification
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
ACCEPT = f"{SITE}invitations/accept/"


@pytest.fixture(autouse=True)
def _empty_outbox():
    locmem.outbox.clear()
    yield
    locmem.outbox.clear()


@pytest.fixture
def master():
    return corporate_with_master(username="master01", mobile="01011112222")


@pytest.fixture
def other_master():
    """Another approved company of the site, which has not invited anyone."""
    return corporate_with_master(username="master02", business_number="2208162517")


@pytest.fixture
def invited(api, master, django_capture_on_commit_callbacks):
    """The master invites INVITEE_MOBILE over HTTP; returns the members-list entry id."""
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            MEMBERS,
            {
                "name": "김정호",
                "department": "재무팀",
                "position": "과장",
                "mobile": INVITEE_MOBILE,
            },
            format="json",
            **bearer_for(master.member),
        )
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def nothing_created():
    """No member, no role, the invitation pending and the verification token not used."""
    assert not Member.objects.filter(username="newadmin01").exists()
    assert not CorporateManager.objects.filter(role="general").exists()
    assert Invitation.objects.get().status == "pending"
    assert not Verification.objects.filter(status="consumed", purpose="invitation").exists()


def test_right_company_and_verified_mobile_make_a_general_admin(
    api, master, invited, verify, django_capture_on_commit_callbacks
):
    body = accept_body(api, master.corporate, verify(ONNURI, "invitation", INVITEE))
    body.pop("department"), body.pop("position")  # blank: the invitation's
    response = api.post(ACCEPT, body, format="json")
    assert response.status_code == 201, response.json()
    member = Member.objects.get(username="newadmin01")
    assert (member.status, member.name, member.mobile) == ("active", "김정호", INVITEE_MOBILE)
    manager = CorporateManager.objects.get(member=member)
    assert (manager.corporate, manager.role) == (master.corporate, "general")
    assert (manager.department, manager.position) == ("재무팀", "과장")
    invitation = Invitation.objects.get()
    assert (invitation.status, invitation.accepted_member) == ("accepted", member)
    assert manager.invitation == invitation
    assert CorporateEvent.objects.filter(type="admin_joined").count() == 1
    # The members list shows the same entry, now an admin.
    listed = api.get(MEMBERS, **bearer_for(master.member)).json()["results"]
    assert (listed[0]["id"], listed[0]["kind"], listed[0]["status"]) == (invited, "admin", "active")
    tokens = login_with_otp(api, django_capture_on_commit_callbacks, "newadmin01", NEW_PASSWORD)
    assert tokens.status_code == 200, tokens.json()


@pytest.mark.parametrize(
    "field,value",
    [
        ("company_name", "(주)다른회사"),  # no such company
        ("company_name", " (주)테스트상사 "),  # close, not the name on the certificate
        ("business_number", "220-81-62517"),  # another company's number (it exists)
    ],
)
def test_wrong_company_is_refused_and_leaves_the_verification_usable(
    api, master, other_master, invited, verify, field, value
):
    token = verify(ONNURI, "invitation", INVITEE)
    response = api.post(
        ACCEPT, accept_body(api, master.corporate, token, **{field: value}), format="json"
    )
    assert response.status_code == 400, response.json()
    assert error_codes(response) == ["invitation_no_match"]
    nothing_created()
    # The same verification then joins with the right company.
    joined = api.post(ACCEPT, accept_body(api, master.corporate, token), format="json")
    assert joined.status_code == 201, joined.json()


def test_the_other_companys_name_and_number_do_not_match_this_invitation(
    api, master, other_master, invited, verify
):
    token = verify(ONNURI, "invitation", INVITEE)
    response = api.post(ACCEPT, accept_body(api, other_master.corporate, token), format="json")
    assert response.status_code == 400
    assert error_codes(response) == ["invitation_no_match"]
    nothing_created()


def test_a_mobile_without_an_invitation_is_refused(api, master, invited, verify):
    stranger = identity(name="김정호", birth_date="1988-03-04", phone="01077778888")
    token = verify(ONNURI, "invitation", stranger)
    response = api.post(ACCEPT, accept_body(api, master.corporate, token), format="json")
    assert response.status_code == 400
    assert error_codes(response) == ["invitation_no_match"]
    assert "상호명과 사업자등록번호를 확인" in response.json()["errors"][0]["detail"]
    nothing_created()
    verification = Verification.objects.get(purpose="invitation")
    assert verification.status == "verified" and verification.consumed_at is None


def test_a_malformed_business_number_is_a_field_error(api, master, invited, verify):
    token = verify(ONNURI, "invitation", INVITEE)
    response = api.post(
        ACCEPT,
        accept_body(api, master.corporate, token, business_number="124-81-00999"),
        format="json",
    )
    assert response.status_code == 400
    assert [(e["code"], e["attr"]) for e in response.json()["errors"]] == [
        ("invalid_business_number", "business_number")
    ]
    nothing_created()


def test_a_cancelled_or_expired_invitation_cannot_be_accepted(api, master, invited, verify):
    with time_machine.travel(timezone.now() + timedelta(hours=73)):
        token = verify(ONNURI, "invitation", INVITEE)
        expired = api.post(ACCEPT, accept_body(api, master.corporate, token), format="json")
        assert expired.status_code == 400
        assert error_codes(expired) == ["invitation_expired"]
    nothing_created()
    assert api.delete(f"{MEMBERS}{invited}/", **bearer_for(master.member)).status_code == 204
    token = verify(ONNURI, "invitation", INVITEE)
    cancelled = api.post(ACCEPT, accept_body(api, master.corporate, token), format="json")
    assert cancelled.status_code == 400
    assert error_codes(cancelled) == ["invitation_no_match"]
    assert not Member.objects.filter(username="newadmin01").exists()


def test_the_form_rules_are_the_sign_up_ones(api, master, invited, verify):
    body = accept_body(
        api,
        master.corporate,
        verify(ONNURI, "invitation", INVITEE),
        username="AB",
        password_confirm="other",
        consents=[],
    )
    response = api.post(ACCEPT, body, format="json")
    assert response.status_code == 400
    assert {"username_length", "password_mismatch", "consent_required"} <= set(
        error_codes(response)
    )
    nothing_created()


def test_the_link_with_the_token_keeps_working(api, master, invited, verify):
    """Both ways in lead to the same invitation: once joined, neither accepts it again."""
    token = token_from_sms()
    body = accept_body(api, master.corporate, verify(ONNURI, "invitation", INVITEE))
    assert api.post(f"{SITE}invitations/{token}/accept/", body, format="json").status_code == 201
    again = accept_body(
        api, master.corporate, verify(ONNURI, "invitation", INVITEE), username="newadmin02"
    )
    response = api.post(ACCEPT, again, format="json")
    assert response.status_code == 400
    assert error_codes(response) == ["invitation_no_match"]
