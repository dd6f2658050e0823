"""A mobile change with the sandbox identity provider (SPEC §5 내 정보 "mobile change (with
verification)", §12 as clarified: the sandbox CI comes from name, birth date and gender — not the
phone, which a person can change)."""

import pytest

from domain.members.models import Member
from tests.api.members.signup_flow import sign_up_body
from tests.conftest import error_codes, identity

from . import SITE, bearer

pytestmark = pytest.mark.django_db

ANIMAL = "animal-protection"
ME = SITE.format(ANIMAL) + "members/me/"
PASSWORD = "Sunny!Day42"


@pytest.fixture
def signed_up(api, verify, login):
    """A member who signed up over HTTP with the sandbox person `identity()`; its auth header."""
    token = verify(ANIMAL, "sign_up", identity())
    body = sign_up_body(api, ANIMAL, "individual", token, username="mover01", password=PASSWORD)
    created = api.post(SITE.format(ANIMAL) + "members/", body, format="json")
    assert created.status_code == 201, created.json()
    tokens = login(ANIMAL, "mover01", PASSWORD)
    assert tokens.status_code == 200, tokens.json()
    return Member.objects.get(site__slug=ANIMAL, username="mover01"), bearer(
        tokens.json()["access"]
    )


def test_member_changes_mobile_with_a_fresh_sandbox_verification(api, verify, signed_up):
    member, auth = signed_up
    assert len(member.ci_hash) == 64
    fresh = verify(ANIMAL, "profile_update", identity(phone="010-9876-5432"), headers=auth)
    response = api.patch(
        ME, {"mobile": "010-9876-5432", "verification_token": fresh}, format="json", **auth
    )
    assert response.status_code == 200, response.json()
    assert response.json()["mobile"] == "01098765432"
    changed = Member.objects.get(pk=member.pk)
    assert changed.mobile == "01098765432" and changed.ci_hash == member.ci_hash


@pytest.mark.parametrize(
    "other",
    [
        identity(name="김철수", phone="01098765432"),  # another name
        identity(birth_date="1991-01-01", phone="01098765432"),  # another birth date
        identity(gender="female", phone="01098765432"),  # another gender
    ],
)
def test_another_person_on_the_new_number_is_refused(api, verify, signed_up, other):
    member, auth = signed_up
    fresh = verify(ANIMAL, "profile_update", other, headers=auth)
    response = api.patch(ME, {"verification_token": fresh}, format="json", **auth)
    assert response.status_code == 400
    assert error_codes(response) == ["identity_mismatch"]
    assert Member.objects.get(pk=member.pk).mobile == "01012345678"


def test_an_explicit_ci_makes_a_namesake_someone_else(api, verify, signed_up):
    """Two people with the same name, birth date and gender: the sandbox identity's `ci`."""
    member, auth = signed_up
    namesake = {**identity(phone="01098765432"), "ci": "namesake-" + "x" * 40}
    fresh = verify(ANIMAL, "profile_update", namesake, headers=auth)
    response = api.patch(ME, {"verification_token": fresh}, format="json", **auth)
    assert response.status_code == 400
    assert error_codes(response) == ["identity_mismatch"]
