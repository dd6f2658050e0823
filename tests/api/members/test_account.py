"""A member's own account: password change, profile edit, withdrawal (SPEC §5, §14)."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from domain.audit.models import AuditEvent
from domain.consents.models import ConsentRecord
from domain.members.models import Member, SocialAccount
from domain.messaging.backends import locmem
from domain.sites.models import LibraryBranch
from tests.conftest import error_codes, identity
from workers.members import release_withdrawn_usernames

from . import SITE, bearer, person_member

pytestmark = pytest.mark.django_db

YONGIN = "yongin-library"
ME = SITE.format(YONGIN) + "members/me/"
PASSWORD_URL = ME + "password/"
NEW_PASSWORD = "Brand!New77"


@pytest.fixture(autouse=True)
def _empty_outboxes():
    locmem.outbox.clear()
    mail.outbox.clear()
    yield
    locmem.outbox.clear()


@pytest.fixture
def logged_in(login, member_factory):
    """A consenting member who is the sandbox person `identity()`, and its login answer."""

    def do(username="member01", **fields):
        member = person_member(member_factory, username=username, **fields)
        tokens = login(YONGIN, username).json()
        return member, tokens, bearer(tokens["access"])

    return do


def change(api, auth, current="Sunny!Day42", new=NEW_PASSWORD, confirm=None):
    body = {
        "current_password": current,
        "new_password": new,
        "new_password_confirm": new if confirm is None else confirm,
    }
    return api.post(PASSWORD_URL, body, format="json", **auth)


# --- password change ----------------------------------------------------------------------


def test_password_change_revokes_refresh_tokens_and_sends_a_notice(
    api, login, logged_in, django_capture_on_commit_callbacks
):
    member, tokens, auth = logged_in()
    with django_capture_on_commit_callbacks(execute=True):
        response = change(api, auth)
    assert response.status_code == 204, response.content
    refreshed = api.post(
        SITE.format(YONGIN) + "auth/token/refresh/", {"refresh": tokens["refresh"]}
    )
    assert refreshed.status_code == 401
    assert [m.to for m in locmem.outbox] == [member.mobile]
    assert "비밀번호가 변경되었습니다" in locmem.outbox[0].body
    assert login(YONGIN, "member01").status_code == 401
    assert login(YONGIN, "member01", NEW_PASSWORD).status_code == 200
    event = AuditEvent.objects.get(type="password_changed", member=member)
    assert NEW_PASSWORD not in str(event.parameters)


def test_password_change_notice_goes_by_email_without_a_mobile(
    api, logged_in, django_capture_on_commit_callbacks
):
    member, _, auth = logged_in()
    Member.objects.filter(pk=member.pk).update(mobile="")
    with django_capture_on_commit_callbacks(execute=True):
        assert change(api, auth).status_code == 204
    assert locmem.outbox == []
    assert [m.to for m in mail.outbox] == [[member.email]]


@pytest.mark.parametrize(
    "current,new,confirm,code,attr",
    [
        ("Wrong!pass1", NEW_PASSWORD, None, "invalid_password", "current_password"),
        ("Sunny!Day42", NEW_PASSWORD, "Other!Pass99", "password_mismatch", "new_password_confirm"),
        ("Sunny!Day42", "Sunny!Day42", None, "password_unchanged", "new_password"),
        ("Sunny!Day42", "short1!", None, "password_length", "new_password"),
    ],
)
def test_password_change_refusals(api, logged_in, current, new, confirm, code, attr):
    member, _, auth = logged_in()
    response = change(api, auth, current, new, confirm)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert (errors[0]["code"], errors[0]["attr"]) == (code, attr)
    member.refresh_from_db()
    assert member.check_password("Sunny!Day42")


def test_password_change_needs_login(api):
    response = api.post(PASSWORD_URL, {}, format="json")
    assert response.status_code == 401


# --- profile ------------------------------------------------------------------------------


def test_profile_edit_of_contact_fields(api, logged_in):
    member, _, auth = logged_in()
    branch = LibraryBranch.objects.filter(site=member.site, is_active=True).last()
    body = {
        "email": "new@example.com",
        "landline": "031-324-4000",
        "home_library": branch.id,
        "address": {"postal_code": "16900", "road": "용인시 기흥구 1", "detail": "2층"},
    }
    response = api.patch(ME, body, format="json", **auth)
    assert response.status_code == 200, response.json()
    profile = response.json()
    assert profile["email"] == "new@example.com"
    assert profile["landline"] == "0313244000"
    assert profile["home_library"] == branch.id
    assert profile["address"] == body["address"]
    event = AuditEvent.objects.get(type="member_updated", member=member)
    assert event.parameters == {
        "fields": [
            "address_detail",
            "address_road",
            "email",
            "home_library",
            "landline",
            "postal_code",
        ]
    }
    assert "new@example.com" not in str(event.parameters)


def test_profile_edit_refuses_identity_fields(api, logged_in):
    _, _, auth = logged_in()
    response = api.patch(
        ME, {"name": "김철수", "birth_date": "2000-01-01", "email": "a@b.kr"}, format="json", **auth
    )
    assert response.status_code == 400
    assert [(e["code"], e["attr"]) for e in response.json()["errors"]] == [
        ("field_not_editable", "name"),
        ("field_not_editable", "birth_date"),
    ]


def test_profile_edit_refuses_a_mobile_without_verification(api, logged_in):
    _, _, auth = logged_in()
    response = api.patch(ME, {"mobile": "01055556666"}, format="json", **auth)
    assert response.status_code == 400
    assert error_codes(response) == ["verification_required"]


def test_profile_edit_of_the_mobile_with_a_verification(api, verify, logged_in, member_factory):
    member, _, auth = logged_in()  # the sandbox person, with its CI (SPEC §12: not the phone)
    token = verify(YONGIN, "profile_update", identity(phone="01055556666"), headers=auth)
    response = api.patch(ME, {"verification_token": token}, format="json", **auth)
    assert response.status_code == 200, response.json()
    assert response.json()["mobile"] == "01055556666"
    event = AuditEvent.objects.get(type="member_updated", member=member)
    assert event.parameters == {"fields": ["mobile"]}
    again = api.patch(ME, {"verification_token": token}, format="json", **auth)
    assert error_codes(again) == ["verification_token_used"]


def test_profile_edit_with_the_members_own_verification(api, verify, logged_in):
    member, _, auth = logged_in()
    token = verify(YONGIN, "profile_update", identity(), headers=auth)
    response = api.patch(
        ME,
        {"verification_token": token, "mobile": "010-1234-5678", "email": "own@example.com"},
        format="json",
        **auth,
    )
    assert response.status_code == 200, response.json()
    assert response.json()["mobile"] == member.mobile


def test_profile_edit_refuses_another_persons_verification(api, verify, logged_in):
    member, _, auth = logged_in()
    token = verify(
        YONGIN, "profile_update", identity(name="김철수", phone="01055556666"), headers=auth
    )
    response = api.patch(ME, {"verification_token": token}, format="json", **auth)
    assert response.status_code == 400
    assert error_codes(response) == ["identity_mismatch"]
    member.refresh_from_db()
    assert member.mobile == "01012345678"


@pytest.mark.parametrize("branch", ["missing", "inactive", None])
def test_profile_edit_refuses_an_invalid_home_library(api, logged_in, branch):
    member, _, auth = logged_in()
    if branch == "missing":
        value = 999_999
    elif branch == "inactive":
        closed = LibraryBranch.objects.filter(site=member.site).first()
        LibraryBranch.objects.filter(pk=closed.pk).update(is_active=False)
        value = closed.pk
    else:
        value = None  # the yongin kinds require a home library
    response = api.patch(ME, {"home_library": value}, format="json", **auth)
    assert response.status_code == 400
    assert error_codes(response) == ["invalid_home_library"]


# --- withdrawal ---------------------------------------------------------------------------


def test_withdrawal_needs_the_password(api, logged_in):
    member, _, auth = logged_in()
    response = api.delete(ME, {"password": "Wrong!pass1"}, format="json", **auth)
    assert response.status_code == 400
    assert error_codes(response) == ["invalid_password"]
    member.refresh_from_db()
    assert member.status == Member.Status.ACTIVE


def test_withdrawal_anonymises_and_keeps_evidence_then_releases_the_id(api, login, logged_in):
    member, tokens, auth = logged_in(
        username="leaving1", landline="0313244000", postal_code="16900", address_road="용인시 1"
    )
    SocialAccount.objects.create(member=member, site=member.site, provider="kakao", uid="42")
    consents = ConsentRecord.objects.filter(member=member).count()
    assert consents > 0
    response = api.delete(ME, {"password": "Sunny!Day42"}, format="json", **auth)
    assert response.status_code == 204, response.content

    member.refresh_from_db()
    assert member.username == "leaving1"  # still taken
    assert member.status == Member.Status.WITHDRAWN and member.is_active is False
    for field in (
        "name",
        "gender",
        "mobile",
        "email",
        "landline",
        "postal_code",
        "address_road",
        "address_detail",
        "ci_hash",
        "di_hash",
    ):
        assert getattr(member, field) == "", field
    assert member.birth_date is None and member.home_library is None
    assert member.withdrawn_at is not None
    assert member.username_released_at == member.withdrawn_at + timedelta(days=365)
    assert not SocialAccount.objects.filter(member=member).exists()
    assert ConsentRecord.objects.filter(member=member).count() == consents
    assert AuditEvent.objects.filter(member=member, type="login_succeeded").exists()
    assert AuditEvent.objects.filter(member=member, type="member_withdrawn").exists()

    assert login(YONGIN, "leaving1").status_code == 401
    refreshed = api.post(
        SITE.format(YONGIN) + "auth/token/refresh/", {"refresh": tokens["refresh"]}
    )
    assert refreshed.status_code == 401
    assert api.get(ME, **auth).status_code == 401  # the access token no longer authenticates

    assert release_withdrawn_usernames() == 0
    with time_machine.travel(timezone.now() + timedelta(days=366)):
        assert release_withdrawn_usernames() == 1
        assert release_withdrawn_usernames() == 0
    member.refresh_from_db()
    assert member.username == f"~withdrawn-{member.pk}"
    assert not Member.objects.filter(site=member.site, username="leaving1").exists()
