"""The contract SPA teams write against, as a new user found it (SPEC §11).

Each test drives the API as a client does: the password change body of SPEC §11, sign-up
opt-ins recorded as consents, the API root, `{id}` path parameters, every error field in the
schema, `+09:00` timestamps, and staff reading their own consents.
"""

import ast
import re
from pathlib import Path

import pytest
import yaml

from backend.settings.base import BASE_DIR
from domain.consents.models import ConsentRecord
from domain.members.models import Member
from domain.messaging.backends import locmem
from domain.sites.models import Site
from tests.api.corporates import SITE as ONNURI_SITE
from tests.api.corporates import login_with_otp
from tests.api.members.signup_flow import agree_all, documents, sign_up_body
from tests.conftest import bearer_for, error_codes, identity, sms_code_from_outbox
from tests.factories.corporates import corporate_with_master
from tests.factories.members import DEFAULT_PASSWORD, MemberFactory
from tests.timestamps import utc_timestamps

pytestmark = pytest.mark.django_db

YONGIN = "yongin-library"
INVITATION = {"name": "김초대", "department": "총무팀", "position": "대리", "mobile": "01055554444"}
SITE = f"/api/v1/sites/{YONGIN}/"


@pytest.fixture(autouse=True)
def _empty_outbox():
    locmem.outbox.clear()
    yield
    locmem.outbox.clear()


def schema() -> dict:
    return yaml.safe_load((BASE_DIR / "schema.yml").read_text())


# --- POST members/me/password/ is `{current_password, new_password}` ------------------------


def test_password_change_takes_the_body_of_spec_11(api, site_of):
    member = MemberFactory(site=site_of(YONGIN), username="changer01")
    response = api.post(
        f"{SITE}members/me/password/",
        {"current_password": DEFAULT_PASSWORD, "new_password": "Brand!New77"},
        format="json",
        **bearer_for(member),
    )
    assert response.status_code == 204, response.content
    member.refresh_from_db()
    assert member.check_password("Brand!New77")


def test_a_confirmation_given_must_match(api, site_of):
    member = MemberFactory(site=site_of(YONGIN), username="changer02")
    response = api.post(
        f"{SITE}members/me/password/",
        {
            "current_password": DEFAULT_PASSWORD,
            "new_password": "Brand!New77",
            "new_password_confirm": "Other!Pass99",
        },
        format="json",
        **bearer_for(member),
    )
    assert response.status_code == 400
    assert error_codes(response) == ["password_mismatch"]
    body = schema()["components"]["schemas"]["PasswordChangeRequest"]
    assert body["required"] == ["current_password", "new_password"]


# --- sign-up opt-ins are consents (SPEC §3: "SMS/email opt-ins are consents") --------------


def _required_only(api, site, kind):
    return [
        {"document": d["code"], "version": d["version"], "agreed": True}
        for d in documents(api, site, kind)
        if d["required"]
    ]


def test_sign_up_records_the_opt_ins_as_consents(api, verify):
    token = verify(YONGIN, "sign_up", identity())
    body = sign_up_body(api, YONGIN, "general", token, username="optin01")
    body.update(consents=_required_only(api, YONGIN, "general"), sms_opt_in=True)
    body["email_opt_in"] = False
    response = api.post(f"{SITE}members/", body, format="json")
    assert response.status_code == 201, response.json()
    member = Member.objects.get(username="optin01")
    consents = api.get(f"{SITE}members/me/consents/", **bearer_for(member)).json()
    agreed = {c["code"]: c["agreed"] for c in consents}
    assert agreed["sms_marketing"] is True
    assert agreed["email_marketing"] is False
    record = ConsentRecord.objects.get(member=member, code="sms_marketing")
    assert (record.agreed, record.source) == (True, "sign_up")
    assert ConsentRecord.objects.get(member=member, code="email_marketing").agreed is False


def test_an_opt_in_contradicting_the_consents_answer_is_refused(api, verify):
    token = verify(YONGIN, "sign_up", identity())
    body = sign_up_body(api, YONGIN, "general", token, username="optin02", sms_opt_in=True)
    body["consents"] = agree_all(api, YONGIN, "general", skip=("sms_marketing",))
    response = api.post(f"{SITE}members/", body, format="json")
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert (error["code"], error["attr"], error["document"]) == (
        "duplicate_consent_document",
        "sms_opt_in",
        "sms_marketing",
    )
    assert not Member.objects.filter(username="optin02").exists()


# --- GET /api/v1/ is the API root ------------------------------------------------------------


def test_the_api_root_lists_the_sites_and_the_docs(api):
    response = api.get("/api/v1/")
    assert response.status_code == 200
    root = response.json()
    assert [s["slug"] for s in root["sites"]] == [
        "incheon-water",
        "animal-protection",
        "yongin-library",
        "onnuri-biz",
    ]
    onnuri = root["sites"][3]
    assert onnuri["name"] == Site.objects.get(slug="onnuri-biz").name
    assert onnuri["url"] == "http://testserver/api/v1/sites/onnuri-biz/"
    assert root["schema"] == "http://testserver/api/v1/schema/"
    assert root["docs"] == "http://testserver/api/v1/docs/"
    assert root["redoc"] == "http://testserver/api/v1/redoc/"
    assert root["health"] == "http://testserver/api/v1/health/"
    assert "/api/v1/" in schema()["paths"]


# --- path parameters naming an object are `{id}` (SPEC §11) --------------------------------

# Parameters that do not name an object by its id: the site slug, the invitation link's token,
# an SNS provider, a corporate document's kind, a gift's claim code (the gift app's callbacks).
NOT_AN_ID = {"site", "token", "provider", "kind", "code"}


def test_every_object_path_parameter_is_called_id():
    paths = schema()["paths"]
    names = {name for path in paths for name in re.findall(r"{([^}]+)}", path)}
    assert names - NOT_AN_ID == {"id"}
    for path in (
        "/api/v1/sites/{site}/verifications/{id}/confirm/",
        "/api/v1/sites/{site}/members/{id}/",
        "/api/v1/sites/{site}/corporate-members/{id}/",
        "/api/v1/sites/{site}/corporate-members/{id}/resend-invitation/",
        "/api/v1/sites/{site}/name-change-requests/{id}/approve/",
        "/api/v1/sites/{site}/accounts/{id}/",
        "/api/v1/sites/{site}/corporates/{id}/documents/{kind}/",
    ):
        assert path in paths, path


def test_the_renamed_paths_answer_as_before(api):
    master = corporate_with_master(username="pathmaster")
    account = master.corporate.bank_accounts.get()
    auth = bearer_for(master.member)
    assert api.get(f"{ONNURI_SITE}accounts/{account.pk}/", **auth).status_code == 200
    assert api.get(f"{ONNURI_SITE}corporates/{master.corporate.pk}/", **auth).status_code == 200
    # The document links the corporate answer carries resolve to the renamed pattern.
    corporate = api.get(f"{ONNURI_SITE}corporates/mine/", **auth).json()
    assert corporate["documents"][0]["url"].startswith(
        f"{ONNURI_SITE}corporates/{master.corporate.pk}/documents/"
    )
    [entry] = api.get(f"{ONNURI_SITE}corporate-members/", **auth).json()["results"]
    deleted = api.delete(f"{ONNURI_SITE}corporate-members/{entry['id']}/", **auth)
    assert error_codes(deleted) == ["cannot_delete_master"]  # reached through `{id}`


# --- ErrorItem documents every field an error can carry ------------------------------------


def _extra_keys() -> set[str]:
    """Keys of every `extra=` dict (and `.extra = {...}`) written in domain/ and api/."""
    keys: set[str] = set()
    for root in ("domain", "api"):
        for path in Path(BASE_DIR / root).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                values = []
                if isinstance(node, ast.keyword) and node.arg == "extra":
                    values.append(node.value)
                if isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Attribute) and t.attr == "extra" for t in node.targets
                ):
                    values.append(node.value)
                for value in values:
                    if isinstance(value, ast.Dict):
                        keys |= {k.value for k in value.keys if isinstance(k, ast.Constant)}
    return keys


def test_error_item_documents_every_field_answers_carry():
    extra = _extra_keys()
    assert {"attempts_left", "hint", "guidance", "missing", "document"} <= extra
    item = schema()["components"]["schemas"]["ErrorItem"]
    assert set(item["required"]) == {"code", "detail", "attr"}
    assert extra <= set(item["properties"]) - set(item["required"])


def test_attempts_left_is_in_the_answer_and_the_schema(api, django_capture_on_commit_callbacks):
    corporate_with_master(username="codemaster", mobile="01011112222")
    with django_capture_on_commit_callbacks(execute=True):
        first = api.post(
            f"{ONNURI_SITE}auth/token/",
            {"username": "codemaster", "password": DEFAULT_PASSWORD},
            format="json",
        )
    wrong_code = "111111" if sms_code_from_outbox() != "111111" else "222222"
    wrong = api.post(
        f"{ONNURI_SITE}auth/token/otp/",
        {"verification_id": first.json()["verification_id"], "code": wrong_code},
        format="json",
    )
    assert wrong.status_code == 400
    assert wrong.json()["errors"][0]["attempts_left"] == 4
    assert schema()["components"]["schemas"]["ErrorItem"]["properties"]["attempts_left"]


# --- every timestamp is +09:00 (SPEC §10: Asia/Seoul) ---------------------------------------


def test_the_login_code_expiry_is_in_korean_time(api, django_capture_on_commit_callbacks):
    corporate_with_master(username="otpmaster", mobile="01011112222")
    with django_capture_on_commit_callbacks(execute=True):
        first = api.post(
            f"{ONNURI_SITE}auth/token/",
            {"username": "otpmaster", "password": DEFAULT_PASSWORD},
            format="json",
        )
    assert first.status_code == 200
    assert first.json()["expires_at"].endswith("+09:00")
    assert utc_timestamps(first.json()) == []


def test_answers_of_a_whole_flow_carry_no_utc_timestamp(api, django_capture_on_commit_callbacks):
    master = corporate_with_master(username="tzmaster", mobile="01011112222")
    answers = []
    started = api.post(
        f"{SITE}verifications/", {"purpose": "sign_up", "method": "mobile"}, format="json"
    )
    answers.append(started.json())
    answers.append(
        api.post(
            f"{SITE}verifications/{started.json()['id']}/confirm/",
            {"code": "000000", "identity": identity()},
            format="json",
        ).json()
    )
    tokens = login_with_otp(api, django_capture_on_commit_callbacks, "tzmaster", DEFAULT_PASSWORD)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {tokens.json()['access']}"}
    with django_capture_on_commit_callbacks(execute=True):
        answers.append(
            api.post(
                f"{ONNURI_SITE}corporate-members/",
                INVITATION,
                format="json",
                **auth,
            ).json()
        )
    for path in ("corporate-members/", "corporates/mine/", "accounts/", "members/me/consents/"):
        answers.append(api.get(f"{ONNURI_SITE}{path}", **auth).json())
    found = [stamp for answer in answers for stamp in utc_timestamps(answer)]
    assert found == []
    stamps = re.findall(r"\d{4}-\d\d-\d\dT[0-9:.]+\+09:00", str(answers))
    assert len(stamps) >= 4  # the flow really answered timestamps
    assert master.member.site.slug == "onnuri-biz"


def test_a_raw_utc_datetime_is_answered_in_korean_time():
    from datetime import UTC, datetime

    from api.renderers import JSONRenderer

    rendered = JSONRenderer().render({"at": datetime(2025, 1, 1, 0, 0, tzinfo=UTC)})
    assert rendered == b'{"at":"2025-01-01T09:00:00+09:00"}'


# --- staff reading members/me/consents/ ------------------------------------------------------


def test_staff_have_no_consents_to_answer(api, site_of):
    operator = MemberFactory(site=site_of(YONGIN), username="operator01", staff=True)
    response = api.get(f"{SITE}members/me/consents/", **bearer_for(operator))
    assert response.status_code == 200
    assert response.json() == []
    answered = api.post(
        f"{SITE}members/me/consents/",
        {"agreements": [{"document": "sms_marketing", "version": 1, "agreed": True}]},
        format="json",
        **bearer_for(operator),
    )
    assert answered.status_code == 400
    assert error_codes(answered) == ["unknown_consent_document"]


# --- a token sent to an operation open to anonymous callers is still checked ----------------


def test_an_open_operation_documents_the_401_of_a_token_it_refuses(api):
    """Public operations read a bearer token sent with them (a member may start a verification
    logged in): a token of another site is refused 401 `token_site_mismatch`, and the schema
    must say so (found by the permission sweep: `verifications/{id}/confirm/`)."""
    stranger = MemberFactory(site=Site.objects.get(slug="incheon-water"), username="stranger1")
    started = api.post(
        f"{SITE}verifications/",
        {"purpose": "sign_up", "method": "mobile"},
        format="json",
        **bearer_for(stranger),
    )
    assert started.status_code == 401
    assert error_codes(started) == ["token_site_mismatch"]
    paths = schema()["paths"]
    for path, method in (
        ("/api/v1/sites/{site}/verifications/", "post"),
        ("/api/v1/sites/{site}/verifications/{id}/confirm/", "post"),
        ("/api/v1/sites/{site}/members/", "post"),
        ("/api/v1/sites/{site}/library-branches/", "get"),
    ):
        description = paths[path][method]["responses"].get("401", {}).get("description", "")
        assert "`token_site_mismatch`" in description, (method, path)
    # An operation that reads no member's token never answers 401 for one (logins take
    # their credentials in the body; the invitation link is its own credential).
    responses = paths["/api/v1/sites/{site}/invitations/{token}/"]["get"]["responses"]
    assert "401" not in responses


# --- Retry-After: every answer that carries it documents it ----------------------------------


def test_every_answer_with_retry_after_documents_the_header():
    """429 (throttles), 503 (`database_unavailable`) and the 409 of an Idempotency-Key still in
    progress carry `Retry-After` (api/errors.py, api/throttles.py, api/idempotency.py): a typed
    client reads it from the schema like any other header. (The health check's own 503 body is
    for load balancers and carries none.)"""
    checked = 0
    for path, operations in schema()["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                error_body = "Error" in str(response.get("content", {}))
                carries = error_body and (
                    status in ("429", "503")
                    or (status == "409" and "`idempotency_in_progress`" in response["description"])
                )
                if carries:
                    checked += 1
                    header = response.get("headers", {}).get("Retry-After")
                    assert header, (method, path, status)
                    assert header["schema"] == {"type": "integer", "minimum": 1}
    assert checked > 100


def test_every_file_answer_documents_its_attachment_name():
    """Downloads and exports answer a file as an attachment (api/files.py): a SPA saves it under
    the name `Content-Disposition` gives, so the schema says so on every binary answer."""
    files = 0
    for path, operations in schema()["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                content = response.get("content", {})
                if any(value["schema"].get("format") == "binary" for value in content.values()):
                    files += 1
                    header = response.get("headers", {}).get("Content-Disposition")
                    assert header, (method, path, status)
                    assert header["schema"] == {"type": "string"}
    assert files >= 8
