"""The members list's entries (manual 004 §4.1): admins who left stay listed with their state
(탈퇴 / 삭제), and every entry keeps one id from invitation to departure (SPEC §7.1)."""

import pytest

from domain.corporates.models import CorporateManager, Invitation
from domain.members.models import Member
from domain.messaging.backends import locmem
from tests.conftest import bearer_for, error_codes
from tests.factories.corporates import corporate_with_master, manager_create
from tests.factories.members import DEFAULT_PASSWORD

from . import INVITEE, MEMBERS, ONNURI, SITE, accept_body, token_from_sms

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


def rows(api, manager, **headers) -> list[dict]:
    response = api.get(MEMBERS, **bearer_for(manager.member), **headers)
    assert response.status_code == 200, response.json()
    return response.json()["results"]


def row(api, manager, entry_id: str, **headers) -> dict:
    return next(r for r in rows(api, manager, **headers) if r["id"] == entry_id)


def withdraw(api, manager):
    response = api.delete(
        f"{MEMBERS}me/", {"password": DEFAULT_PASSWORD}, format="json", **bearer_for(manager.member)
    )
    assert response.status_code == 204, response.json()


def transfer(api, manager, entry_id):
    return api.post(
        f"{MEMBERS}transfer-master/",
        {"admin_id": entry_id},
        format="json",
        **bearer_for(manager.member),
    )


def test_a_withdrawn_admin_is_listed_as_탈퇴(api, master, general):
    entry_id = f"admin-{general.pk}"
    withdraw(api, general)
    left = row(api, master, entry_id)
    assert (left["kind"], left["role"], left["status"], left["status_label"]) == (
        "admin",
        "general",
        "withdrawn",
        "탈퇴",
    )
    assert (left["name"], left["mobile"], left["last_access"]) == ("나희*", "", None)
    assert (left["department"], left["position"]) == ("총무팀", "대리")
    assert row(api, master, entry_id, HTTP_ACCEPT_LANGUAGE="en")["status_label"] == "Withdrawn"
    assert Member.objects.get(pk=general.member_id).name == ""  # the account's data is erased
    # No actions on a departed admin (manual 004 §4.1: the 탈퇴 row has none).
    deleted = api.delete(f"{MEMBERS}{entry_id}/", **bearer_for(master.member))
    assert deleted.status_code == 409 and error_codes(deleted) == ["invalid_transition"]
    reset = api.post(f"{MEMBERS}{entry_id}/reset-password/", **bearer_for(master.member))
    assert reset.status_code == 409 and error_codes(reset) == ["password_reset_not_allowed"]
    refused = transfer(api, master, entry_id)
    assert refused.status_code == 400 and error_codes(refused) == ["transfer_target_invalid"]


def test_a_deleted_admin_is_listed_as_삭제(api, master, general):
    entry_id = f"admin-{general.pk}"
    response = api.delete(f"{MEMBERS}{entry_id}/", **bearer_for(master.member))
    assert response.status_code == 204
    left = row(api, master, entry_id)
    assert (left["status"], left["status_label"], left["name"], left["mobile"]) == (
        "deleted",
        "삭제",
        "나희*",
        "",
    )
    assert row(api, master, entry_id, HTTP_ACCEPT_LANGUAGE="en")["status_label"] == "Deleted"
    assert [r["status"] for r in rows(api, master)] == ["deleted", "active"]


def test_the_founding_master_who_left_after_a_transfer_stays_listed(api, master, general):
    assert transfer(api, master, f"admin-{general.pk}").status_code == 200
    withdraw(api, master)
    new_master = CorporateManager.objects.get(pk=general.pk)
    listed = {r["id"]: (r["role"], r["status"], r["name"]) for r in rows(api, new_master)}
    assert listed == {
        f"admin-{general.pk}": ("master", "active", "나희*"),
        f"admin-{master.pk}": ("general", "withdrawn", "홍길*"),
    }


def test_every_state_has_a_translated_label(api, master, general):
    Invitation.objects.create(
        corporate=master.corporate,
        name="김정수",
        department="QC",
        position="부장",
        mobile="01099990000",
        token_hash="h" * 64,
        expires_at=master.created_at.replace(year=master.created_at.year + 1),
    )
    Member.objects.filter(pk=general.member_id).update(status=Member.Status.SUSPENDED)
    labels = {r["status"]: r["status_label"] for r in rows(api, master)}
    assert labels == {"invited": "미가입", "suspended": "정지", "active": "사용중"}
    english = {r["status"]: r["status_label"] for r in rows(api, master, HTTP_ACCEPT_LANGUAGE="en")}
    assert english == {"invited": "Not joined", "suspended": "Suspended", "active": "Active"}


@pytest.fixture
def joined(api, master, verify, django_capture_on_commit_callbacks):
    """Invite and accept over HTTP; returns (the entry id shown when invited, the manager)."""
    with django_capture_on_commit_callbacks(execute=True):
        invited = api.post(
            MEMBERS,
            {
                "name": "김정호",
                "department": "재무팀",
                "position": "과장",
                "mobile": INVITEE["phone"],
            },
            format="json",
            **bearer_for(master.member),
        )
    assert invited.status_code == 201, invited.json()
    token = token_from_sms()
    entry_id = invited.json()["id"]
    assert rows(api, master)[0]["id"] == entry_id
    body = accept_body(api, master.corporate, verify(ONNURI, "invitation", INVITEE))
    accepted = api.post(f"{SITE}invitations/{token}/accept/", body, format="json")
    assert accepted.status_code == 201, accepted.json()
    return entry_id, CorporateManager.objects.get(member__username="newadmin01")


def test_an_invitation_keeps_its_id_when_accepted(api, master, joined):
    entry_id, manager = joined
    listed = rows(api, master)
    assert [r["id"] for r in listed] == [entry_id, f"admin-{master.pk}"]
    assert (listed[0]["kind"], listed[0]["status"], listed[0]["name"]) == (
        "admin",
        "active",
        "김정*",
    )
    assert listed[0]["expires_at"] is None
    # The same id addresses the admin it became.
    reset = api.post(f"{MEMBERS}{entry_id}/reset-password/", **bearer_for(master.member))
    assert reset.status_code == 202, reset.json()
    moved = transfer(api, master, entry_id)
    assert moved.status_code == 200, moved.json()
    assert moved.json()["master"]["id"] == entry_id
    assert CorporateManager.objects.get(pk=manager.pk).role == "master"


def test_an_accepted_invitation_is_deleted_and_listed_by_the_same_id(api, master, joined):
    entry_id, manager = joined
    # The admin's own row id is not a second address for the entry.
    other = api.delete(f"{MEMBERS}admin-{manager.pk}/", **bearer_for(master.member))
    assert other.status_code == 404
    response = api.delete(f"{MEMBERS}{entry_id}/", **bearer_for(master.member))
    assert response.status_code == 204
    assert [(r["id"], r["status"]) for r in rows(api, master)] == [
        (entry_id, "deleted"),
        (f"admin-{master.pk}", "active"),
    ]
    again = api.delete(f"{MEMBERS}{entry_id}/", **bearer_for(master.member))
    assert again.status_code == 409 and error_codes(again) == ["invalid_transition"]
    resend = api.post(f"{MEMBERS}{entry_id}/resend-invitation/", **bearer_for(master.member))
    assert resend.status_code == 409 and error_codes(resend) == ["invalid_transition"]


def test_the_same_number_can_be_invited_again_after_the_admin_left(
    api, master, joined, django_capture_on_commit_callbacks
):
    entry_id, _ = joined
    assert api.delete(f"{MEMBERS}{entry_id}/", **bearer_for(master.member)).status_code == 204
    with django_capture_on_commit_callbacks(execute=True):
        again = api.post(
            MEMBERS,
            {
                "name": "김정호",
                "department": "재무팀",
                "position": "과장",
                "mobile": INVITEE["phone"],
            },
            format="json",
            **bearer_for(master.member),
        )
    assert again.status_code == 201, again.json()
    assert again.json()["id"] != entry_id
    assert [r["status"] for r in rows(api, master)] == ["invited", "deleted", "active"]


def test_the_invitation_page_shows_only_what_the_invitee_may_know(
    api, master, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        api.post(
            MEMBERS,
            {
                "name": "김정호",
                "department": "재무팀",
                "position": "과장",
                "mobile": INVITEE["phone"],
            },
            format="json",
            **bearer_for(master.member),
        )
    page = api.get(f"{SITE}invitations/{token_from_sms()}/")
    assert page.status_code == 200, page.json()
    body = page.json()
    assert set(body) == {"inviter_name", "department", "position", "expires_at"}
    assert body["inviter_name"] == "홍길*"  # the master, masked
    assert body["expires_at"].endswith("+09:00")
    text = page.content.decode()
    for secret in (master.corporate.name, master.corporate.business_number, "김정호"):
        assert secret not in text
