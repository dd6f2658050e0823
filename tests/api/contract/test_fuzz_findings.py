"""What `make fuzz` found (README "Fuzzing"), each replayed through APIClient.

Every answer is JSON with a status the schema documents for its operation (SPEC §11); these are
the requests schemathesis sent that broke the rule, shrunk to what matters.
"""

from functools import cache

import pytest
import yaml
from django.conf import settings

from tests.conftest import bearer_for, error_codes
from tests.factories.corporates import corporate_with_master

pytestmark = pytest.mark.django_db


@cache
def schema() -> dict:
    return yaml.safe_load((settings.BASE_DIR / "schema.yml").read_text())


def documented(method: str, path: str, status: int) -> bool:
    """Whether schema.yml documents `status` for the operation (`path` as templated there)."""
    return str(status) in schema()["paths"][path][method]["responses"]


@pytest.mark.parametrize(
    "method,path,template",
    [
        ("post", "invitations/accept/", "/api/v1/sites/{site}/invitations/accept/"),
        ("post", "invitations/abc/accept/", "/api/v1/sites/{site}/invitations/{token}/accept/"),
        ("get", "invitations/abc/", "/api/v1/sites/{site}/invitations/{token}/"),
    ],
)
def test_invitations_on_a_site_without_companies_are_a_coded_404(api, method, path, template):
    """Finding 1: a 500 (the site has no manager kind to check the form against)."""
    body = {
        "company_name": "0",
        "business_number": "0",
        "email": "0@0.com",
        "username": "0",
        "password": "0",
        "password_confirm": "0",
        "verification_token": "0",
        "consents": [],
    }
    response = getattr(api, method)(f"/api/v1/sites/yongin-library/{path}", body, format="json")
    assert response.status_code == 404
    assert error_codes(response) == ["feature_not_available"]
    assert documented(method, template, 404)


@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])
def test_a_path_with_a_line_break_is_the_json_404(api, settings, debug):
    """Finding 2: Django's HTML 404 page (the catch-all pattern's `.` stops at a newline)."""
    settings.DEBUG = debug
    response = api.get("/api/v1/sites/a%0Ab/consent-documents/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert error_codes(response) == ["not_found"]


def test_a_refused_token_on_a_public_endpoint_is_a_documented_401(api, member_factory, site_of):
    """Finding 3: public views that authenticate answer 401 to a token they refuse (another
    site's, expired, malformed), which their operations did not document."""
    member = member_factory(site=site_of("onnuri-biz"), username="elsewhere1")
    response = api.post("/api/v1/sites/yongin-library/members/", {}, **bearer_for(member))
    assert response.status_code == 401
    assert error_codes(response) == ["token_site_mismatch"]
    assert documented("post", "/api/v1/sites/{site}/members/", 401)


def test_an_unsupported_media_type_is_a_documented_415(api):
    """Finding 4: a body in a media type no parser reads is a 415 nobody documented."""
    response = api.generic(
        "POST",
        "/api/v1/sites/yongin-library/verifications/",
        "purpose=sign_up",
        content_type="text/plain",
    )
    assert response.status_code == 415
    assert error_codes(response) == ["unsupported_media_type"]
    assert documented("post", "/api/v1/sites/{site}/verifications/", 415)


@pytest.mark.parametrize(
    "path,query,attr",
    [
        ("purchases/", "ordering=AAA", "ordering"),
        ("dispatches/", "status=null", "status"),
        ("dispatches/export/", "date_from=0", "date_from"),
        ("accounts/", "corporate=0.5", "corporate"),
    ],
)
def test_a_bad_query_filter_is_a_documented_400(api, path, query, attr):
    """Finding 5: the lists that validate their filters (a query serializer) answered 400
    without documenting it."""
    master = corporate_with_master(username="fuzzmaster1")
    response = api.get(f"/api/v1/sites/onnuri-biz/{path}?{query}", **bearer_for(master.member))
    assert response.status_code == 400
    assert [error["attr"] for error in response.json()["errors"]] == [attr]
    assert documented("get", f"/api/v1/sites/{{site}}/{path}", 400)


def test_a_bad_filterset_value_is_a_documented_400(api, member_factory, site_of):
    """Finding 8: the same for a list filtered by django-filter (`filterset_fields`)."""
    staff = member_factory(site=site_of("onnuri-biz"), username="fuzzstaff3", staff=True)
    response = api.get("/api/v1/sites/onnuri-biz/corporates/?status=AAA", **bearer_for(staff))
    assert response.status_code == 400
    assert error_codes(response) == ["invalid_choice"]
    assert documented("get", "/api/v1/sites/{site}/corporates/", 400)


def test_staff_read_of_a_company_matches_exactly_one_documented_shape(api, member_factory):
    """Finding 6: the staff answer of `corporates/{id}/` is valid under both shapes of the
    `oneOf` (the manager's shape is a subset of the staff one), so it matches the schema not
    at all."""
    master = corporate_with_master(username="fuzzmaster2")
    staff = member_factory(site=master.corporate.site, username="fuzzstaff1", staff=True)
    url = f"/api/v1/sites/onnuri-biz/corporates/{master.corporate_id}/"
    response = api.get(url, **bearer_for(staff))
    assert response.status_code == 200
    assert violations("get", "/api/v1/sites/{site}/corporates/{id}/", response) == []


def test_a_profile_without_email_matches_its_schema(api, member_factory, site_of):
    """Finding 9: a member may clear their email (the model allows it blank), and the profile
    then answered `""` where the schema said an email address."""
    member = member_factory(site=site_of("yongin-library"), username="noemail1")
    url = "/api/v1/sites/yongin-library/members/me/"
    cleared = api.patch(url, {"email": ""}, format="json", **bearer_for(member))
    assert cleared.status_code == 200
    assert cleared.json()["email"] == ""
    assert violations("patch", "/api/v1/sites/{site}/members/me/", cleared) == []
    assert (
        violations(
            "get", url.replace("yongin-library", "{site}"), api.get(url, **bearer_for(member))
        )
        == []
    )


def violations(method: str, path: str, response) -> list:
    """What in the answer's body the schema's answer for its status does not allow (formats
    checked, as schemathesis does)."""
    from jsonschema import Draft4Validator

    answer = schema()["paths"][path][method]["responses"][str(response.status_code)]
    document = json_schema({**schema(), **answer["content"]["application/json"]["schema"]})
    validator = Draft4Validator(document, format_checker=Draft4Validator.FORMAT_CHECKER)
    return list(validator.iter_errors(response.json()))


def json_schema(node):
    """OpenAPI 3.0's `nullable` as JSON Schema says it (what schemathesis validates with)."""
    if isinstance(node, list):
        return [json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: json_schema(value) for key, value in node.items() if key != "nullable"}
    return {"anyOf": [converted, {"type": "null"}]} if node.get("nullable") else converted


HUGE = 2**64  # past every database's integer column (SQLite: OverflowError)


@pytest.mark.parametrize(
    "method,path,body",
    [
        ("get", f"accounts/?corporate={HUGE}", None),
        ("get", f"purchases/?corporate={HUGE}", None),
        ("get", f"dispatches/?corporate={HUGE}", None),
        ("get", f"dispatches/summary/?corporate={HUGE}", None),
        ("post", "purchases/deposits/confirm/", {"matches": [{"row": HUGE, "purchase": 1}]}),
    ],
)
def test_an_id_past_the_database_range_is_a_400(api, member_factory, site_of, method, path, body):
    """Finding 7: an id filter or body id above 2⁶³−1 reached a foreign-key lookup, which
    SQLite cannot bind (OverflowError, a 500); ids are bounded where they are read."""
    staff = member_factory(site=site_of("onnuri-biz"), username="fuzzstaff2", staff=True)
    url = f"/api/v1/sites/onnuri-biz/{path}"
    response = getattr(api, method)(url, body, format="json", **bearer_for(staff))
    assert response.status_code == 400
    assert error_codes(response) == ["max_value"]
