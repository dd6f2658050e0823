"""Sign-up for every member kind, and each bad input's coded refusal (SPEC §5)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from domain.common.errors import ValidationFailed
from domain.consents.models import ConsentRecord
from domain.members.models import Guardianship, Member
from domain.members.passwords import password_check
from domain.sites.models import Site
from domain.verifications.models import Verification
from tests.api.members.signup_flow import agree_all, business_token, sign_up_body
from tests.conftest import error_codes, identity

pytestmark = pytest.mark.django_db
URL = "/api/v1/sites/{}/members/"


def post(api, site, body):
    return api.post(URL.format(site), body, format="json")


def unchanged(before_members: int, token_count: int = 0):
    assert Member.objects.count() == before_members
    assert Verification.objects.filter(status="consumed").count() == token_count


@pytest.mark.parametrize(
    "site,kind,person",
    [
        ("incheon-water", "individual", identity()),
        ("animal-protection", "individual", identity()),
        ("animal-protection", "foreigner", identity(name="JOHN SMITH", nationality="foreign")),
        ("yongin-library", "general", identity()),
    ],
)
def test_sign_up_takes_identity_from_the_verification(api, verify, site, kind, person):
    token = verify(site, "sign_up", person)
    response = post(api, site, sign_up_body(api, site, kind, token, username="newmember1"))
    assert response.status_code == 201, response.json()
    member = Member.objects.get(username="newmember1", site__slug=site)
    assert (member.name, member.mobile, member.kind) == (person["name"], "01012345678", kind)
    assert member.nationality == person["nationality"]
    assert len(member.ci_hash) == 64
    assert ConsentRecord.objects.filter(member=member, agreed=True).count() >= 2
    record = ConsentRecord.objects.filter(member=member).first()
    assert record.ip_address == "127.0.0.1"


def test_incheon_corporate_needs_the_business_certificate(api, verify):
    token = verify("incheon-water", "sign_up")
    certificate = business_token(api, "incheon-water", "124-81-00998")
    corporate = {
        "representative_company_name": "인천상사",
        "corporation_name": "(주)인천상사",
        "business_number": "124-81-00998",
        "corporation_registration_number": "110111-0085450",
        "applicant_name": "홍길동",
        "applicant_birth_date": "1990-01-01",
    }
    body = sign_up_body(
        api,
        "incheon-water",
        "corporate",
        token,
        username="corp1234",
        corporate=corporate,
        business_verification_token=certificate,
    )
    response = post(api, "incheon-water", body)
    assert response.status_code == 201, response.json()
    member = Member.objects.get(username="corp1234")
    assert member.corporate.business_number == "1248100998"


def test_child_sign_up_needs_the_guardian_first(api, verify):
    guardian = identity(name="김부모", birth_date="1980-05-05", phone="01099998888")
    child = identity(name="김아이", birth_date="2016-03-01", phone="01077776666")
    guardian_token = verify("yongin-library", "guardian", guardian)
    child_token = verify("yongin-library", "sign_up", child, method="card")
    body = sign_up_body(
        api,
        "yongin-library",
        "child",
        child_token,
        username="kimchild",
        guardian_verification_token=guardian_token,
        guardian={"name": "김부모", "phone": "010-9999-8888"},
    )
    response = post(api, "yongin-library", body)
    assert response.status_code == 201, response.json()
    link = Guardianship.objects.get(child__username="kimchild")
    assert link.guardian_name == "김부모" and link.verification_method == "mobile"
    assert ConsentRecord.objects.filter(
        member__username="kimchild", code="legal_representative", agreed=True
    ).exists()


def test_child_without_guardian_verification_is_refused(api, verify):
    child_token = verify("yongin-library", "sign_up", identity(birth_date="2016-03-01"))
    body = sign_up_body(
        api,
        "yongin-library",
        "child",
        child_token,
        username="nokid",
        guardian={"name": "김부모", "phone": "01099998888"},
    )
    response = post(api, "yongin-library", body)
    assert response.status_code == 400
    assert "guardian_verification_required" in error_codes(response)
    unchanged(0)


def test_under_14_on_incheon_water_is_refused(api, verify):
    token = verify("incheon-water", "sign_up", identity(birth_date="2015-01-01"))
    response = post(
        api,
        "incheon-water",
        sign_up_body(api, "incheon-water", "individual", token, username="young1"),
    )
    assert error_codes(response) == ["under_minimum_age"]
    unchanged(0)
    # the token was not consumed: the same person can still use it (e.g. as another kind)
    assert Verification.objects.get().status == "verified"


@pytest.mark.parametrize(
    "site,password,code",
    [
        ("incheon-water", "abcdefghij", "password_classes"),
        ("incheon-water", "Abcdefghi1$", "password_character"),
        ("animal-protection", "abcdefghij", "password_classes"),
        ("yongin-library", "abcdefgh1", "password_classes"),
        ("onnuri-biz", "abcdefgh1!", "password_classes"),
    ],
)
def test_weak_password_for_each_site_rule(api, verify, site, password, code):
    kind = {
        "incheon-water": "individual",
        "animal-protection": "individual",
        "yongin-library": "general",
        "onnuri-biz": "corporate_manager",
    }[site]
    if site == "onnuri-biz":  # managers join through corporates/; the rule is the site's own
        with pytest.raises(ValidationFailed) as raised:
            password_check(site=Site.objects.get(slug=site), password=password)
        assert code in [e.code for e in raised.value.errors]
        return
    token = verify(site, "sign_up")
    body = sign_up_body(api, site, kind, token, username="weakpass1", password=password)
    response = post(api, site, body)
    assert response.status_code == 400
    assert code in error_codes(response)
    unchanged(0)


@pytest.mark.parametrize(
    "site,username,code",
    [
        ("incheon-water", "1hong", "username_pattern"),
        ("animal-protection", "ab", "username_length"),
        ("yongin-library", "1234", "username_pattern"),
        ("yongin-library", "Hong12", "username_pattern"),
    ],
)
def test_id_against_each_site_rule(api, verify, site, username, code):
    kind = {
        "incheon-water": "individual",
        "animal-protection": "individual",
        "yongin-library": "general",
    }[site]
    token = verify(site, "sign_up")
    response = post(api, site, sign_up_body(api, site, kind, token, username=username))
    assert code in error_codes(response)
    unchanged(0)


def test_hong1_vs_existing_hong1_on_incheon_water(api, verify, member_factory, site_of):
    member_factory(site=site_of("incheon-water"), username="hong1", kind="individual")
    availability = api.get(
        URL.format("incheon-water") + "username-availability/", {"username": "Hong1"}
    )
    assert availability.json() == {
        "available": False,
        "reason": "username_taken",
        "detail": availability.json()["detail"],
    }
    token = verify("incheon-water", "sign_up", identity(name="다른사람", phone="01022223333"))
    response = post(
        api,
        "incheon-water",
        sign_up_body(api, "incheon-water", "individual", token, username="Hong1"),
    )
    assert error_codes(response) == ["username_taken"]
    unchanged(1)


def test_missing_required_consent_lists_the_codes(api, verify):
    token = verify("incheon-water", "sign_up")
    body = sign_up_body(api, "incheon-water", "individual", token, username="noconsent")
    body["consents"] = agree_all(
        api, "incheon-water", "individual", skip=("privacy_items", "privacy_retention")
    )
    response = post(api, "incheon-water", body)
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["code"] == "consent_required"
    assert sorted(error["missing"]) == ["privacy_items", "privacy_retention"]
    unchanged(0)
    assert ConsentRecord.objects.count() == 0


def test_verification_token_reuse_expiry_site_and_purpose(api, verify):
    token = verify("yongin-library", "sign_up")
    assert (
        post(
            api,
            "yongin-library",
            sign_up_body(api, "yongin-library", "general", token, username="first1"),
        ).status_code
        == 201
    )
    reused = post(
        api,
        "yongin-library",
        sign_up_body(api, "yongin-library", "general", token, username="second2"),
    )
    assert error_codes(reused) == ["verification_token_used"]

    other_site = verify("animal-protection", "sign_up", identity(phone="01033332222"))
    response = post(
        api,
        "yongin-library",
        sign_up_body(api, "yongin-library", "general", other_site, username="third3"),
    )
    assert error_codes(response) == ["verification_token_wrong_site"]

    other_purpose = verify("yongin-library", "find_id", identity(phone="01033332222"))
    response = post(
        api,
        "yongin-library",
        sign_up_body(api, "yongin-library", "general", other_purpose, username="fourth4"),
    )
    assert error_codes(response) == ["verification_token_wrong_purpose"]

    late = verify("yongin-library", "sign_up", identity(phone="01044443333"))
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        response = post(
            api,
            "yongin-library",
            sign_up_body(api, "yongin-library", "general", late, username="fifth5"),
        )
    assert error_codes(response) == ["verification_token_expired"]
    assert Member.objects.count() == 1


def test_mismatched_password_confirmation(api, verify):
    token = verify("yongin-library", "sign_up")
    body = sign_up_body(api, "yongin-library", "general", token, username="mismatch1")
    body["password_confirm"] = "Other!Pass99"
    response = post(api, "yongin-library", body)
    assert error_codes(response) == ["password_mismatch"]
    unchanged(0)


def test_second_account_for_the_same_person(api, verify):
    first = verify("yongin-library", "sign_up")
    assert (
        post(
            api,
            "yongin-library",
            sign_up_body(api, "yongin-library", "general", first, username="person1"),
        ).status_code
        == 201
    )
    second = verify("yongin-library", "sign_up")
    response = post(
        api,
        "yongin-library",
        sign_up_body(api, "yongin-library", "general", second, username="person2"),
    )
    assert response.status_code == 400
    assert error_codes(response) == ["already_registered"]
    assert response.json()["errors"][0]["hint"] == "find_id"
    unchanged(1, token_count=1)


def test_business_number_failing_its_check_digit(api, verify):
    token = verify("incheon-water", "sign_up")
    corporate = {
        "representative_company_name": "인천상사",
        "corporation_name": "(주)인천상사",
        "business_number": "1248100999",
        "applicant_name": "홍길동",
        "applicant_birth_date": "1990-01-01",
    }
    body = sign_up_body(
        api,
        "incheon-water",
        "corporate",
        token,
        username="corp9999",
        corporate=corporate,
        business_verification_token="x",
    )
    response = post(api, "incheon-water", body)
    assert "invalid_business_number" in error_codes(response)
    unchanged(0)
