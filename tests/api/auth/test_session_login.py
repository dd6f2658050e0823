"""Session log-in (Django admin, browsable API) is for operators only (SPEC §8, §14).

Members log in through the API, where onnuri-biz requires the SMS code (SPEC §5): a session
from the browsable API's password-only form must not let a corporate manager skip that step.
"""

import pytest

from tests.factories.corporates import corporate_with_master
from tests.factories.members import DEFAULT_PASSWORD, MemberFactory

pytestmark = pytest.mark.django_db

LOGIN = "/api-auth/login/"


def session_login(client, username: str) -> bool:
    client.post(LOGIN, {"username": username, "password": DEFAULT_PASSWORD})
    return "_auth_user_id" in client.session


def test_a_corporate_manager_cannot_skip_the_sms_step_with_a_session(client):
    master = corporate_with_master(username="sessionmaster")
    assert not session_login(client, "onnuri-biz/sessionmaster")
    assert client.get("/api/v1/sites/onnuri-biz/corporates/mine/").status_code == 401
    assert master.member.username == "sessionmaster"


def test_a_member_gets_no_session(client, site_of):
    MemberFactory(site=site_of("yongin-library"), username="sessionmember")
    assert not session_login(client, "yongin-library/sessionmember")


def test_an_operator_still_signs_in(client, site_of):
    MemberFactory(site=site_of("onnuri-biz"), username="sessionstaff", is_staff=True, kind="staff")
    assert session_login(client, "onnuri-biz/sessionstaff")
    assert client.get("/api/v1/sites/onnuri-biz/corporates/").status_code == 200


def test_a_member_session_made_before_is_not_honoured(client, site_of):
    member = MemberFactory(site=site_of("yongin-library"), username="oldsession")
    client.force_login(member, backend="domain.members.backends.SiteMemberBackend")
    assert client.get("/api/v1/sites/yongin-library/members/me/").status_code == 401
