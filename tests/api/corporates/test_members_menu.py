"""The master's 멤버 menu: list, delete, password reset, master transfer (SPEC §7.1, §8;
manual 004 §4.1, §4.3)."""

import pytest
from django.utils import timezone

from domain.audit.models import AuditEvent
from domain.corporates.models import CorporateEvent, CorporateManager, Invitation
from domain.members.models import Member
from domain.messaging.backends import locmem
from tests.conftest import bearer_for, error_codes
from tests.factories.corporates import corporate_with_master, manager_create
from tests.factories.members import DEFAULT_PASSWORD

from . import MEMBERS, NEW_PASSWORD, SITE, login_with_otp

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
def general(master):
    return manager_create(
        corporate=master.corporate, username="general01", mobile="01033334444", name="나희정"
    )


@pytest.fixture
def other_master():
    return corporate_with_master(username="master02", business_number="2208162517")


def test_master_sees_admins_and_invitations_masked(api, master, general):
    Member.objects.filter(pk=general.member_id).update(last_login=timezone.now())
    Invitation.objects.create(
        corporate=master.corporate,
        name="김정수",
        department="QC",
        position="부장",
        mobile="01099990000",
        token_hash="h" * 64,
        expires_at=timezone.now() + timezone.timedelta(hours=72),
    )
    response = api.get(MEMBERS, **bearer_for(master.member))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["count"] == 3 and body["next"] is None
    invited, admin, first = body["results"]
    assert (invited["kind"], invited["status"], invited["role"]) == (
        "invitation",
        "invited",
        "general",
    )
    assert invited["name"] == "김정*" and invited["mobile"] == "0109****000"
    assert invited["expired"] is False and invited["expires_at"]
    assert admin["id"] == f"admin-{general.pk}" and admin["status"] == "active"
    assert admin["name"] == "나희*" and admin["mobile"] == "0103****444"
    assert admin["last_access"] is not None
    assert first["role"] == "master"
    assert "01033334444" not in response.content.decode()
    paged = api.get(MEMBERS, {"page_size": 1}, **bearer_for(master.member)).json()
    assert paged["count"] == 3 and len(paged["results"]) == 1 and paged["next"]


@pytest.mark.parametrize(
    "path,method",
    [
        ("", "get"),
        ("", "post"),
        ("admin-1/", "delete"),
        ("admin-1/reset-password/", "post"),
        ("invitation-1/resend-invitation/", "post"),
        ("transfer-master/", "post"),
    ],
)
def test_general_admin_gets_404_on_the_whole_menu(api, general, path, method):
    response = getattr(api, method)(
        f"{MEMBERS}{path}", {}, format="json", **bearer_for(general.member)
    )
    assert response.status_code == 404


def test_anonymous_gets_401(api):
    assert api.get(MEMBERS).status_code == 401


def test_another_corporates_master_sees_only_its_own(api, master, general, other_master):
    rows = api.get(MEMBERS, **bearer_for(other_master.member)).json()["results"]
    assert [row["id"] for row in rows] == [f"admin-{other_master.pk}"]
    for response in (
        api.delete(f"{MEMBERS}admin-{general.pk}/", **bearer_for(other_master.member)),
        api.post(f"{MEMBERS}admin-{general.pk}/reset-password/", **bearer_for(other_master.member)),
    ):
        assert response.status_code == 404
    assert CorporateManager.objects.filter(pk=general.pk).exists()


def test_delete_general_admin_withdraws_the_account(
    api, master, general, login, django_capture_on_commit_callbacks
):
    response = api.delete(f"{MEMBERS}admin-{general.pk}/", **bearer_for(master.member))
    assert response.status_code == 204
    member = Member.objects.get(pk=general.member_id)
    assert member.status == "withdrawn" and member.name == "" and member.mobile == ""
    assert CorporateManager.objects.get(pk=general.pk).status == "deleted"  # listed as 삭제
    assert CorporateEvent.objects.filter(type="admin_deleted", actor=master.member).exists()
    refused = login_with_otp(api, django_capture_on_commit_callbacks, "general01", DEFAULT_PASSWORD)
    assert refused.status_code == 401
    assert error_codes(refused) == ["invalid_credentials"]


def test_master_and_self_cannot_be_deleted(api, master):
    response = api.delete(f"{MEMBERS}admin-{master.pk}/", **bearer_for(master.member))
    assert response.status_code == 409
    assert error_codes(response) == ["cannot_delete_master"]
    assert api.delete(f"{MEMBERS}admin-999999/", **bearer_for(master.member)).status_code == 404


def test_reset_general_admins_password(api, master, general, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            f"{MEMBERS}admin-{general.pk}/reset-password/", **bearer_for(master.member)
        )
    assert response.status_code == 202, response.json()
    sms = locmem.outbox[-1]
    assert sms.to == "01033334444" and "임시 비밀번호" in sms.body
    temporary = sms.body.split("임시 비밀번호: ")[1].split()[0]
    member = Member.objects.get(pk=general.member_id)
    assert member.password_change_required and member.temporary_password_expires_at
    assert AuditEvent.objects.filter(
        type="password_reset", member=member, actor=master.member
    ).exists()
    tokens = login_with_otp(api, django_capture_on_commit_callbacks, "general01", temporary)
    assert tokens.status_code == 200, tokens.json()
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {tokens.json()['access']}"}
    blocked = api.get(f"{MEMBERS}me/", **bearer)
    assert blocked.status_code == 403 and error_codes(blocked) == ["password_change_required"]
    changed = api.post(
        f"{SITE}members/me/password/",
        {
            "current_password": temporary,
            "new_password": NEW_PASSWORD,
            "new_password_confirm": NEW_PASSWORD,
        },
        format="json",
        **bearer,
    )
    assert changed.status_code in (200, 204), changed.json()
    # Not for the master itself.
    own = api.post(f"{MEMBERS}admin-{master.pk}/reset-password/", **bearer_for(master.member))
    assert own.status_code == 409 and error_codes(own) == ["password_reset_not_allowed"]


def transfer(api, manager, admin_id):
    return api.post(
        f"{MEMBERS}transfer-master/",
        {"admin_id": admin_id},
        format="json",
        **bearer_for(manager.member),
    )


def test_transfer_to_invalid_targets_is_refused(api, master, general, other_master):
    invitation = Invitation.objects.create(
        corporate=master.corporate,
        name="김정수",
        department="QC",
        position="부장",
        mobile="01099990000",
        token_hash="h" * 64,
        expires_at=timezone.now() + timezone.timedelta(hours=72),
    )
    suspended = manager_create(corporate=master.corporate, username="stopped01", status="suspended")
    for target in (
        "admin-999999",  # nobody
        f"invitation-{invitation.pk}",  # invited, not joined
        f"admin-{other_master.pk}",  # another corporate's admin
        f"admin-{suspended.pk}",  # not an active admin
        f"admin-{master.pk}",  # oneself
        "general01",
    ):
        response = transfer(api, master, target)
        assert response.status_code == 400, target
        assert error_codes(response) == ["transfer_target_invalid"]
    assert CorporateManager.objects.get(pk=master.pk).role == "master"


def test_transfer_to_general_admin(api, master, general, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = transfer(api, master, f"admin-{general.pk}")
    assert response.status_code == 200, response.json()
    assert response.json()["master"]["id"] == f"admin-{general.pk}"
    assert CorporateManager.objects.get(pk=general.pk).role == "master"
    assert CorporateManager.objects.get(pk=master.pk).role == "general"
    assert CorporateManager.objects.filter(corporate=master.corporate, role="master").count() == 1
    assert {sms.to for sms in locmem.outbox} == {"01011112222", "01033334444"}
    assert CorporateEvent.objects.filter(type="master_transferred").count() == 1
    assert api.get(MEMBERS, **bearer_for(general.member)).status_code == 200
    assert api.get(MEMBERS, **bearer_for(master.member)).status_code == 404
    again = transfer(api, master, f"admin-{general.pk}")
    assert again.status_code == 404  # no longer master: the menu is gone
