"""Wrong current passwords count toward the lockout like wrong logins (SPEC §5,
§14): password change, withdrawal and the login share one failure counter."""

import pytest

from domain.audit.models import AuditEvent
from domain.members.models import Member
from tests.conftest import bearer_for, error_codes
from tests.factories.corporates import corporate_with_master, manager_create

from . import SITE, person_member

pytestmark = pytest.mark.django_db

YONGIN = "yongin-library"
ME = SITE.format(YONGIN) + "members/me/"
RIGHT = "Sunny!Day42"
WRONG = "Wrong!pass1"


def change(api, auth, current):
    body = {"current_password": current, "new_password": "Brand!New77"}
    body["new_password_confirm"] = body["new_password"]
    return api.post(ME + "password/", body, format="json", **auth)


def withdraw(api, auth, password, url=ME):
    return api.delete(url, {"password": password}, format="json", **auth)


@pytest.fixture
def member(member_factory):
    return person_member(member_factory, username="stepup01")


def test_five_wrong_current_passwords_lock_the_account(api, login, member):
    auth = bearer_for(member)
    for _ in range(5):
        response = change(api, auth, WRONG)
        assert response.status_code == 400
        assert error_codes(response) == ["invalid_password"]
    member.refresh_from_db()
    assert member.is_locked()
    # Locked: the right current password gets the same answer, and so does the login.
    locked = change(api, auth, RIGHT)
    assert locked.status_code == 400 and error_codes(locked) == ["invalid_password"]
    assert error_codes(login(YONGIN, "stepup01", RIGHT)) == ["invalid_credentials"]
    member.refresh_from_db()
    assert member.check_password(RIGHT)
    events = AuditEvent.objects.filter(member=member)
    assert events.filter(type="password_check_failed").count() == 6
    assert events.filter(type="account_locked").count() == 1
    assert events.filter(type="password_check_failed", parameters__action="password_change")


def test_five_wrong_withdrawal_passwords_lock_the_account(api, login, member):
    auth = bearer_for(member)
    for _ in range(5):
        assert error_codes(withdraw(api, auth, WRONG)) == ["invalid_password"]
    assert error_codes(withdraw(api, auth, RIGHT)) == ["invalid_password"]
    member.refresh_from_db()
    assert member.is_locked() and member.status == Member.Status.ACTIVE
    assert error_codes(login(YONGIN, "stepup01", RIGHT)) == ["invalid_credentials"]


def test_logins_and_current_passwords_share_one_failure_counter(api, login, member):
    for _ in range(3):
        login(YONGIN, "stepup01", WRONG)
    auth = bearer_for(member)
    change(api, auth, WRONG)
    withdraw(api, auth, WRONG)
    member.refresh_from_db()
    assert member.is_locked()
    assert AuditEvent.objects.filter(member=member, type="account_locked").count() == 1


def test_a_right_current_password_clears_the_failures(api, member):
    auth = bearer_for(member)
    for _ in range(4):
        change(api, auth, WRONG)
    assert change(api, auth, RIGHT).status_code == 204
    member.refresh_from_db()
    assert member.failed_login_count == 0 and not member.is_locked()


def test_corporate_admin_withdrawal_counts_too(api):
    master = corporate_with_master(username="master01", mobile="01011112222")
    general = manager_create(corporate=master.corporate, username="general01")
    auth = bearer_for(general.member)
    url = "/api/v1/sites/onnuri-biz/members/me/"
    for _ in range(5):
        assert error_codes(withdraw(api, auth, WRONG, url)) == ["invalid_password"]
    general.member.refresh_from_db()
    assert general.member.is_locked()
