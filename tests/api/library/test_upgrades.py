"""Library upgrades over HTTP with the sandbox values of SPEC §12."""

from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from domain.library.models import LibraryEvent, LoanLimitGrant
from domain.library.upgrades import grants_expire
from tests.conftest import error_codes

from . import (
    BASE,
    PARENT,
    apply,
    children_convert,
    children_join,
    full_member,
    headers_for,
    join,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def parent(api, verify):
    join(api, verify, PARENT, "parent1")
    return headers_for(api, "parent1")


def test_1000001_becomes_full_then_converts_self_and_both_children(api, verify, parent):
    child_ids = children_join(api, verify)
    # the guardian upgrades each child to full (a child's own check: Yongin, no children)
    for child_id in child_ids:
        response = full_member(api, parent, "1000005", member_id=child_id)
        assert response.status_code == 200, response.json()
        assert response.json()["level"] == "full"

    response = full_member(api, parent, "1000001")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["level"] == "full" and body["loan_limit"] == 7
    assert len(body["card_number"]) == 10 and body["card_number"].isdigit()
    assert body["mobile_card"]["card_number"] == body["card_number"]
    assert body["mobile_card"]["name"] == "김부모"
    assert "loan_pin" not in body and "rrn_back" not in body

    converted = apply(api, parent, type="multi_child_self", consent=True, rrn_back="1000001")
    assert converted.status_code == 200, converted.json()
    assert converted.json()["loan_limit"] == 10
    assert converted.json()["loan_limit_valid_until"] == "2038-12-31"

    children = api.get(f"{BASE}library-upgrades/children/", **parent)
    assert [c["birth_date"] for c in children.json()] == ["2016-03-01", "2020-01-11"]

    response = children_convert(api, parent)
    assert response.status_code == 200, response.json()
    assert [(c["loan_limit"], c["valid_until"]) for c in response.json()["converted_children"]] == [
        (10, "2038-12-31"),
        (10, "2038-12-31"),
    ]
    kid = api.get(f"{BASE}members/{child_ids[1]}/", **parent).json()
    assert kid["library"]["loan_limit"] == 10
    assert kid["library"]["loan_limit_valid_until"] == "2038-12-31"
    me = api.get(f"{BASE}members/me/", **parent).json()
    assert me["library"]["loan_limit"] == 10 and me["library"]["level"] == "full"
    assert LibraryEvent.objects.filter(type="loan_limit_granted").count() == 3


def test_children_step_refuses_each_bad_child(api, verify, parent, member_factory, site_of):
    assert full_member(api, parent, "1000001").status_code == 200
    assert (
        apply(api, parent, type="multi_child_self", consent=True, rrn_back="1000001").status_code
        == 200
    )
    member_factory(
        site=site_of("yongin-library"),
        username="notfull1",
        name="김첫째",
        birth_date=date(2016, 3, 1),
    )
    response = apply(
        api,
        parent,
        type="multi_child_children",
        children=[
            {"username": "notfull1", "name": "김첫째", "birth_date": "2016-03-01"},
            {"username": "nobody99", "name": "김둘째", "birth_date": "2020-01-11"},
        ],
    )
    assert response.status_code == 400
    assert [(e["code"], e["attr"]) for e in response.json()["errors"]] == [
        ("child_not_full_member", "children.0"),
        ("child_mismatch", "children.1"),
    ]
    assert LoanLimitGrant.objects.filter(reason="multi_child_child").count() == 0


def test_1000002_is_refused_too_few_children(api, parent):
    assert full_member(api, parent, "1000002").status_code == 200
    response = apply(api, parent, type="multi_child_self", consent=True, rrn_back="1000002")
    assert response.status_code == 400
    assert error_codes(response) == ["too_few_children"]
    assert response.json()["errors"][0]["guidance"]


def test_1000003_becomes_full_but_is_refused_youngest_over_18(api, parent):
    response = full_member(api, parent, "1000003")
    assert response.status_code == 200 and response.json()["level"] == "full"
    refused = apply(api, parent, type="multi_child_self", consent=True, rrn_back="1000003")
    assert error_codes(refused) == ["youngest_over_18"]


def test_multi_child_outside_yongin_is_refused(api, parent, monkeypatch):
    from domain.library.eligibility.base import EligibilityResult
    from domain.library.eligibility.sandbox import SandboxEligibilityProvider

    assert full_member(api, parent, "1000002").status_code == 200
    suwon = EligibilityResult("경기도", "수원시", (date(2015, 1, 1), date(2018, 1, 1)), "R-1")
    monkeypatch.setattr(SandboxEligibilityProvider, "check", lambda self, **kw: suwon)
    response = apply(api, parent, type="multi_child_self", consent=True, rrn_back="1000002")
    assert error_codes(response) == ["not_yongin_resident"]


def test_1000004_is_refused_not_gyeonggi_resident(api, parent):
    response = full_member(api, parent, "1000004")
    assert response.status_code == 400
    assert error_codes(response) == ["not_gyeonggi_resident"]
    assert api.get(f"{BASE}library-upgrades/", **parent).json()["level"] == "associate"


def test_foreign_registration_is_refused(api, parent):
    response = full_member(api, parent, "5123456")
    assert error_codes(response) == ["foreign_registration_unsupported"]


def test_unknown_number_is_unavailable(api, parent):
    response = full_member(api, parent, "9999999")
    assert response.status_code == 503
    assert error_codes(response) == ["eligibility_unavailable"]


def test_bad_inputs(api, parent):
    response = apply(
        api,
        parent,
        type="full_member",
        consent=False,
        rrn_back="12ab",
        loan_pin="1234",
        loan_pin_confirm="4321",
    )
    assert response.status_code == 400
    assert sorted(error_codes(response)) == ["consent_required", "invalid_rrn_back", "pin_mismatch"]
    assert "12ab" not in response.content.decode()


def test_already_full_member(api, parent):
    assert full_member(api, parent, "1000001").status_code == 200
    assert error_codes(full_member(api, parent, "1000001")) == ["already_full_member"]


def test_multi_child_needs_full_membership(api, parent):
    response = apply(api, parent, type="multi_child_self", consent=True, rrn_back="1000001")
    assert error_codes(response) == ["full_member_required"]


def test_three_checks_a_day(api, parent):
    for _ in range(3):
        assert full_member(api, parent, "1000004").status_code == 400
    limited = full_member(api, parent, "1000001")
    assert limited.status_code == 429
    assert error_codes(limited) == ["eligibility_check_limit"]
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        assert full_member(api, headers_for(api, "parent1"), "1000001").status_code == 200


def test_another_members_child_is_not_found(api, verify, parent, member_factory, site_of):
    other = member_factory(site=site_of("yongin-library"), username="otherkid1")
    assert full_member(api, parent, "1000005", member_id=other.pk).status_code == 404


def test_the_expiry_job_reverts_the_loan_limit(api, parent):
    assert full_member(api, parent, "1000001").status_code == 200
    assert (
        apply(api, parent, type="multi_child_self", consent=True, rrn_back="1000001").status_code
        == 200
    )
    assert api.get(f"{BASE}members/me/", **parent).json()["library"]["loan_limit"] == 10
    assert grants_expire(today=date(2038, 12, 31)) == 0
    assert grants_expire(today=date(2039, 1, 1)) == 1
    library = api.get(f"{BASE}members/me/", **parent).json()["library"]
    assert (library["loan_limit"], library["loan_limit_source"]) == (7, "default")
    assert LibraryEvent.objects.filter(type="loan_limit_expired").count() == 1


def test_not_offered_on_other_sites(api, member_factory, site_of):
    from tests.conftest import bearer_for

    member = member_factory(site=site_of("animal-protection"), username="animal01")
    response = api.get("/api/v1/sites/animal-protection/library-upgrades/", **bearer_for(member))
    assert response.status_code == 404


@pytest.mark.parametrize("member_id", ["99999999999999999999", "²", "-1", "abc"])
def test_a_child_id_that_is_no_id_is_a_400(api, parent, member_id):
    """`member_id` is read like every id of a request (api.serializers.IdField): past the
    database's range or not a number, a 400 (a Unicode digit was a 500; a huge id could not
    be bound by SQLite)."""
    response = api.get(f"{BASE}library-upgrades/", {"member_id": member_id}, **parent)
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["attr"] == "member_id"
    assert error_codes(response)[0] in ("max_value", "min_value", "invalid")
