"""내 정보: read, edit, withdraw (SPEC §7.1 My info; manual 004 §4.3)."""

import pytest

from domain.corporates.models import CorporateManager, Invitation
from domain.members.models import Member
from domain.messaging.backends import locmem
from tests.conftest import bearer_for, error_codes, identity
from tests.factories.corporates import corporate_with_master, manager_create
from tests.factories.members import DEFAULT_PASSWORD

from . import MEMBERS, ONNURI

pytestmark = pytest.mark.django_db
ME = f"{MEMBERS}me/"


@pytest.fixture(autouse=True)
def _empty_outbox():
    locmem.outbox.clear()
    yield
    locmem.outbox.clear()


@pytest.fixture
def master():
    return corporate_with_master(username="master01", mobile="01011112222")


@pytest.fixture
def general(master):
    return manager_create(corporate=master.corporate, username="general01", mobile="01033334444")


def test_my_info_for_master_and_general(api, master, general):
    for manager, role in ((master, "master"), (general, "general")):
        response = api.get(ME, **bearer_for(manager.member))
        assert response.status_code == 200, response.json()
        assert response.json()["role"] == role
        assert response.json()["company_name"] == master.corporate.name
        assert response.json()["department"] == "총무팀"


def test_edit_position_and_email(api, general):
    response = api.patch(
        ME,
        {"position": "과장", "email": "new@example.com"},
        format="json",
        **bearer_for(general.member),
    )
    assert response.status_code == 200, response.json()
    assert response.json()["position"] == "과장" and response.json()["email"] == "new@example.com"
    general.refresh_from_db()
    assert general.position == "과장" and general.member.email == "new@example.com"


@pytest.mark.parametrize("field", ["department", "name"])
def test_department_and_name_are_not_editable(api, general, field):
    response = api.patch(ME, {field: "x"}, format="json", **bearer_for(general.member))
    assert response.status_code == 400
    assert error_codes(response) == ["field_not_editable"]


def test_mobile_change_needs_a_verification(api, general, verify):
    refused = api.patch(ME, {"mobile": "01077778888"}, format="json", **bearer_for(general.member))
    assert refused.status_code == 400 and error_codes(refused) == ["verification_required"]
    token = verify(
        ONNURI,
        "profile_update",
        identity(phone="01077778888"),
        headers=bearer_for(general.member),
    )
    response = api.patch(
        ME,
        {"mobile": "01077778888", "verification_token": token},
        format="json",
        **bearer_for(general.member),
    )
    assert response.status_code == 200, response.json()
    assert response.json()["mobile"] == "01077778888"


def test_master_must_transfer_before_withdrawing(api, master, general):
    response = api.delete(
        ME, {"password": DEFAULT_PASSWORD}, format="json", **bearer_for(master.member)
    )
    assert response.status_code == 400
    assert error_codes(response) == ["master_must_transfer"]
    assert Member.objects.get(pk=master.member_id).status == "active"
    moved = api.post(
        f"{MEMBERS}transfer-master/",
        {"admin_id": f"admin-{general.pk}"},
        format="json",
        **bearer_for(master.member),
    )
    assert moved.status_code == 200, moved.json()
    response = api.delete(
        ME, {"password": DEFAULT_PASSWORD}, format="json", **bearer_for(master.member)
    )
    assert response.status_code == 204
    assert Member.objects.get(pk=master.member_id).status == "withdrawn"
    # The old master's entry stays, as withdrawn (manual 004 §4.1 탈퇴).
    assert list(CorporateManager.objects.values_list("pk", "role", "status")) == [
        (master.pk, "general", "withdrawn"),
        (general.pk, "master", "active"),
    ]


def test_general_admin_withdraws(api, master, general):
    invitation = Invitation.objects.create(
        corporate=master.corporate,
        name="김정호",
        department="총무팀",
        position="대리",
        mobile="01033334444",
        token_hash="h" * 64,
        expires_at=general.created_at,
        status=Invitation.Status.ACCEPTED,
        accepted_member=general.member,
    )
    Member.objects.filter(pk=general.member_id).update(name="김정호")
    CorporateManager.objects.filter(pk=general.pk).update(invitation=invitation)  # joined by it
    wrong = api.delete(ME, {"password": "Wrong!pass1"}, format="json", **bearer_for(general.member))
    assert wrong.status_code == 400 and error_codes(wrong) == ["invalid_password"]
    response = api.delete(
        ME, {"password": DEFAULT_PASSWORD}, format="json", **bearer_for(general.member)
    )
    assert response.status_code == 204
    assert Member.objects.get(pk=general.member_id).status == "withdrawn"
    left = CorporateManager.objects.get(pk=general.pk)
    assert (left.status, left.masked_name, left.left_at is not None) == ("withdrawn", "김정*", True)
    invitation.refresh_from_db()
    assert (invitation.name, invitation.mobile) == ("", "")  # personal data went with the account
    rows = api.get(MEMBERS, **bearer_for(master.member)).json()["results"]
    assert [(r["id"], r["status"], r["name"], r["mobile"]) for r in rows] == [
        (f"invitation-{invitation.pk}", "withdrawn", "김정*", ""),
        (f"admin-{master.pk}", "active", "홍길*", "0101****222"),
    ]
