"""No Argon2 inside a write transaction (SPEC §9).

With SQLite in IMMEDIATE mode a transaction takes the write lock at BEGIN, so a password hash
(~200 ms at production cost) inside one makes every other writer — 20 clients and the worker —
wait, then fail with "database is locked". Every flow that checks or sets a password is driven
here over HTTP, with the hasher recording whether a transaction was open.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from domain.members.models import Member
from domain.messaging.backends import locmem
from tests.api.corporates import INVITEE, accept_body, manager_identity, token_from_sms
from tests.api.corporates import sign_up as corporate_sign_up
from tests.api.members import person_member
from tests.api.members.signup_flow import sign_up_body
from tests.conftest import bearer_for, identity
from tests.factories.corporates import corporate_with_master, manager_create

pytestmark = pytest.mark.django_db

YONGIN = "/api/v1/sites/yongin-library/"
ONNURI = "/api/v1/sites/onnuri-biz/"
RIGHT = "Sunny!Day42"
WRONG = "Wrong!pass1"


def hashed_outside_transactions(calls: list[bool]) -> bool:
    return bool(calls) and not any(calls)


@pytest.mark.parametrize(
    "username,password,locked",
    [("hasher01", RIGHT, False), ("hasher01", WRONG, False), ("nobody", WRONG, False)]
    + [("hasher01", RIGHT, True)],
)
def test_login(login, member_factory, password_hashing, username, password, locked):
    until = timezone.now() + timedelta(minutes=30) if locked else None
    member_factory(username="hasher01", locked_until=until)
    password_hashing.clear()
    login("yongin-library", username, password)
    assert hashed_outside_transactions(password_hashing)


def test_admin_login(client, password_hashing):
    Member.objects.create_superuser("platform", RIGHT)
    password_hashing.clear()
    assert client.post("/admin/login/", {"username": "platform", "password": RIGHT}).status_code
    assert hashed_outside_transactions(password_hashing)


def test_sign_up(api, verify, password_hashing):
    token = verify("yongin-library", "sign_up", identity())
    body = sign_up_body(api, "yongin-library", "general", token, username="newmember1")
    password_hashing.clear()
    assert api.post(YONGIN + "members/", body, format="json").status_code == 201
    assert hashed_outside_transactions(password_hashing)


@pytest.mark.parametrize("current", [RIGHT, WRONG])
def test_password_change(api, member_factory, password_hashing, current):
    member = member_factory(username="hasher02")
    password_hashing.clear()
    body = {"current_password": current, "new_password": "Brand!New77"}
    body["new_password_confirm"] = body["new_password"]
    api.post(YONGIN + "members/me/password/", body, format="json", **bearer_for(member))
    assert hashed_outside_transactions(password_hashing)


@pytest.mark.parametrize("password", [RIGHT, WRONG])
def test_withdrawal(api, member_factory, password_hashing, password):
    member = member_factory(username="hasher03")
    password_hashing.clear()
    api.delete(YONGIN + "members/me/", {"password": password}, format="json", **bearer_for(member))
    assert hashed_outside_transactions(password_hashing)


def test_corporate_admin_withdrawal(api, password_hashing):
    master = corporate_with_master(username="master01", mobile="01011112222")
    general = manager_create(corporate=master.corporate, username="general01")
    password_hashing.clear()
    response = api.delete(
        ONNURI + "members/me/", {"password": RIGHT}, format="json", **bearer_for(general.member)
    )
    assert response.status_code == 204
    assert hashed_outside_transactions(password_hashing)


def test_reset_password(api, verify, member_factory, password_hashing):
    person_member(member_factory, username="hasher04")
    token = verify("yongin-library", "reset_password", identity())
    password_hashing.clear()
    body = {"username": "hasher04", "kind": "general", "channel": "sms"}
    response = api.post(
        YONGIN + "members/reset-password/", {**body, "verification_token": token}, format="json"
    )
    assert response.status_code == 202
    assert hashed_outside_transactions(password_hashing)


def test_master_resets_a_general_admins_password(api, password_hashing):
    master = corporate_with_master(username="master01", mobile="01011112222")
    general = manager_create(corporate=master.corporate, username="general01")
    password_hashing.clear()
    response = api.post(
        f"{ONNURI}corporate-members/admin-{general.pk}/reset-password/",
        **bearer_for(master.member),
    )
    assert response.status_code == 202
    assert hashed_outside_transactions(password_hashing)


def test_company_sign_up(api, verify, password_hashing):
    token = verify("onnuri-biz", "sign_up", manager_identity())
    password_hashing.clear()
    assert corporate_sign_up(api, token).status_code == 201
    assert hashed_outside_transactions(password_hashing)


def test_invitation_acceptance(api, verify, password_hashing, django_capture_on_commit_callbacks):
    master = corporate_with_master(username="master01", mobile="01011112222")
    locmem.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        api.post(
            ONNURI + "corporate-members/",
            {
                "name": "김정호",
                "department": "재무팀",
                "position": "과장",
                "mobile": INVITEE["phone"],
            },
            format="json",
            **bearer_for(master.member),
        )
    invitation = token_from_sms()
    body = accept_body(api, master.corporate, verify("onnuri-biz", "invitation", INVITEE))
    password_hashing.clear()
    response = api.post(f"{ONNURI}invitations/{invitation}/accept/", body, format="json")
    assert response.status_code == 201, response.json()
    assert hashed_outside_transactions(password_hashing)


def test_full_member_loan_pin(api, member_factory, password_hashing):
    member = member_factory(username="hasher05")
    password_hashing.clear()
    body = {
        "type": "full_member",
        "consent": True,
        "rrn_back": "1000001",
        "loan_pin": "1234",
        "loan_pin_confirm": "1234",
    }
    response = api.post(YONGIN + "library-upgrades/", body, format="json", **bearer_for(member))
    assert response.status_code == 200, response.json()
    assert hashed_outside_transactions(password_hashing)
