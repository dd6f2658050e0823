"""The guardian role (SPEC §5 child sign-up, §8): a verified guardian acts for the child."""

import pytest

from domain.audit.models import AuditEvent
from tests.api.members.signup_flow import sign_up_body
from tests.conftest import error_codes, identity

pytestmark = pytest.mark.django_db
BASE = "/api/v1/sites/yongin-library/"
PARENT = identity(name="김부모", birth_date="1980-05-05", phone="01099998888")
CHILD = identity(name="김아이", birth_date="2016-03-01", phone="01077776666")


def bearer(api, username, password="Sunny!Day42"):
    tokens = api.post(f"{BASE}auth/token/", {"username": username, "password": password})
    assert tokens.status_code == 200, tokens.json()
    return {"HTTP_AUTHORIZATION": f"Bearer {tokens.json()['access']}"}


def join(api, verify, person, username, kind="general", **extra):
    token = verify("yongin-library", "sign_up", person)
    body = sign_up_body(api, "yongin-library", kind, token, username=username, **extra)
    response = api.post(f"{BASE}members/", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["id"]


@pytest.fixture
def family(api, verify):
    join(api, verify, PARENT, "parent1")
    child_id = join(
        api,
        verify,
        CHILD,
        "child1",
        kind="child",
        guardian_verification_token=verify("yongin-library", "guardian", PARENT),
        guardian={"name": "김부모", "phone": "01099998888"},
    )
    join(api, verify, identity(name="남남", phone="01011112222"), "stranger1")
    return child_id


def test_guardian_reads_and_edits_the_childs_profile(api, family):
    headers = bearer(api, "parent1")
    profile = api.get(f"{BASE}members/{family}/", **headers)
    assert profile.status_code == 200
    assert profile.json()["username"] == "child1"
    edited = api.patch(
        f"{BASE}members/{family}/", {"email": "kid@example.com"}, format="json", **headers
    )
    assert edited.status_code == 200
    assert edited.json()["email"] == "kid@example.com"
    event = AuditEvent.objects.filter(type="member_updated", member_id=family).get()
    assert event.actor.username == "parent1"


def test_another_member_gets_404(api, family):
    headers = bearer(api, "stranger1")
    response = api.get(f"{BASE}members/{family}/", **headers)
    assert response.status_code == 404
    assert error_codes(response) == ["member_not_found"]
    assert (
        api.patch(
            f"{BASE}members/{family}/", {"email": "x@example.com"}, format="json", **headers
        ).status_code
        == 404
    )


def test_the_child_cannot_read_the_guardian(api, family):
    parent_id = api.get(f"{BASE}members/me/", **bearer(api, "parent1")).json()["id"]
    response = api.get(f"{BASE}members/{parent_id}/", **bearer(api, "child1"))
    assert response.status_code == 404


def test_staff_read_is_written_to_the_access_log(api, family, member_factory, site_of):
    member_factory(site=site_of("yongin-library"), username="operator9", staff=True)
    response = api.get(f"{BASE}members/{family}/", **bearer(api, "operator9"))
    assert response.status_code == 200
    assert (
        AuditEvent.objects.filter(
            type="personal_data_viewed", member_id=family, actor__username="operator9"
        ).count()
        == 1
    )


def test_anonymous_gets_401(api, family):
    assert api.get(f"{BASE}members/{family}/").status_code == 401
