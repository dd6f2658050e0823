"""Existing-member re-verification (manual 002 §II 기존회원 본인확인; SPEC §5)."""

from datetime import date

import pytest

from domain.audit.models import AuditEvent
from tests.conftest import error_codes, identity

from . import ANIMAL, SITE, YONGIN, ci_hash_of, headers_for

pytestmark = pytest.mark.django_db

URL = SITE.format(ANIMAL) + "members/me/re-verification/"


@pytest.fixture
def old_member(member_factory, site_of):
    """A member from before verification was required: right name, no CI, old mobile."""
    return member_factory(
        site=site_of(ANIMAL),
        name="홍길동",
        birth_date=date(1990, 1, 1),
        mobile="01011112222",
        gender="",
        ci_hash="",
    )


def re_verify(api, verify, member, person):
    headers = headers_for(api, member)
    token = verify(ANIMAL, "profile_update", person, headers=headers)
    return api.post(URL, {"verification_token": token}, format="json", **headers)


def test_same_name_updates_the_identity_fields(api, verify, old_member):
    person = identity(name="홍길동", birth_date="1990-01-01", phone="01012345678", gender="female")
    response = re_verify(api, verify, old_member, person)
    assert response.status_code == 200, response.json()
    assert response.json()["mobile"] == "01012345678"
    assert response.json()["gender"] == "female"
    old_member.refresh_from_db()
    assert old_member.mobile == "01012345678"
    assert old_member.ci_hash == ci_hash_of("홍길동", "1990-01-01", "female")
    assert old_member.di_hash
    event = AuditEvent.objects.get(member=old_member, type=AuditEvent.Type.RE_VERIFIED)
    assert set(event.parameters["fields"]) == {"mobile", "gender", "ci_hash", "di_hash"}


def test_a_different_name_is_refused_with_the_guidance_and_nothing_changes(api, verify, old_member):
    response = re_verify(api, verify, old_member, identity(name="홍길순"))
    assert response.status_code == 400
    assert error_codes(response) == ["name_mismatch"]
    detail = response.json()["errors"][0]["detail"]
    assert "1577-0954" in detail
    old_member.refresh_from_db()
    assert (old_member.name, old_member.mobile, old_member.ci_hash) == ("홍길동", "01011112222", "")
    assert not AuditEvent.objects.filter(type=AuditEvent.Type.RE_VERIFIED).exists()


def test_another_person_with_the_same_name_is_identity_mismatch(
    api, verify, member_factory, site_of
):
    member = member_factory(
        site=site_of(ANIMAL),
        name="홍길동",
        ci_hash=ci_hash_of("홍길동", "1990-01-01"),
    )
    response = re_verify(
        api, verify, member, identity(name="홍길동", birth_date="1970-07-07", phone="01077778888")
    )
    assert response.status_code == 400
    assert error_codes(response) == ["identity_mismatch"]


def test_a_token_for_another_purpose_is_refused(api, verify, old_member):
    headers = headers_for(api, old_member)
    token = verify(ANIMAL, "find_id", identity())
    response = api.post(URL, {"verification_token": token}, format="json", **headers)
    assert response.status_code == 400
    assert error_codes(response) == ["verification_token_wrong_purpose"]


def test_sites_without_re_verification_answer_404(api, member_factory, site_of):
    member = member_factory(site=site_of(YONGIN))
    response = api.post(
        SITE.format(YONGIN) + "members/me/re-verification/",
        {"verification_token": "x"},
        format="json",
        **headers_for(api, member),
    )
    assert response.status_code == 404
    assert error_codes(response) == ["feature_not_available"]


def test_needs_a_login(api):
    assert api.post(URL, {"verification_token": "x"}, format="json").status_code == 401
