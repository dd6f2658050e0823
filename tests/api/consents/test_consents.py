"""GET consent-documents, GET/POST members/me/consents (SPEC §3, §11)."""

import pytest
from django.utils import timezone

from domain.consents.models import ConsentDocument, ConsentRecord
from tests.conftest import error_codes

pytestmark = pytest.mark.django_db

USER_AGENT = "ConsentTest/1.0"


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def member_auth(member_factory, login):
    """A member of yongin-library (required consents agreed) and its bearer header."""
    member = member_factory(username="consenter")
    response = login("yongin-library", "consenter")
    assert response.status_code == 200, response.json()
    return member, bearer(response.json()["access"])


def documents_url(site="yongin-library"):
    return f"/api/v1/sites/{site}/consent-documents/"


ME_URL = "/api/v1/sites/yongin-library/members/me/consents/"


def test_documents_for_a_kind(api):
    response = api.get(documents_url("incheon-water"), {"kind": "corporate"})
    assert response.status_code == 200
    body = response.json()
    assert [d["code"] for d in body] == [
        "terms",
        "privacy_items",
        "privacy_purpose",
        "privacy_retention",
        "sms_marketing",
        "email_marketing",
    ]
    first = body[0]
    assert set(first) == {
        "code",
        "version",
        "title",
        "body",
        "required",
        "is_marketing",
        "kinds",
        "scope",
        "effective_at",
    }
    assert first["version"] == 1 and first["required"] is True and first["scope"] == "sign_up"
    assert first["kinds"] == ["individual", "corporate"]


def test_child_documents_and_upgrade_scope(api):
    child = api.get(documents_url(), {"kind": "child"}).json()
    assert "legal_representative" in [d["code"] for d in child]
    assert "mois_eligibility" not in [d["code"] for d in child]
    upgrade = api.get(documents_url(), {"kind": "general", "scope": "library_upgrade"}).json()
    assert [d["code"] for d in upgrade] == ["mois_eligibility"]


@pytest.mark.parametrize(
    "params,code,attr",
    [
        ({"kind": "corporate"}, "unknown_member_kind", "kind"),
        ({}, "required", "kind"),
        ({"kind": "general", "scope": "everything"}, "invalid_choice", "scope"),
    ],
)
def test_bad_kind_or_scope_is_a_coded_400(api, params, code, attr):
    response = api.get(documents_url(), params)
    assert response.status_code == 400
    assert error_codes(response) == [code]
    assert response.json()["errors"][0]["attr"] == attr


def test_unknown_site_is_404(api):
    assert api.get(documents_url("nowhere"), {"kind": "general"}).status_code == 404


def test_my_consents_needs_login(api):
    assert api.get(ME_URL).status_code == 401
    response = api.post(ME_URL, {"agreements": []}, format="json")
    assert response.status_code == 401


def test_my_consents_on_another_site_is_refused(api, member_auth):
    _, auth = member_auth
    response = api.get("/api/v1/sites/incheon-water/members/me/consents/", **auth)
    assert response.status_code == 401
    assert error_codes(response) == ["token_site_mismatch"]


def test_my_consent_state(api, member_auth):
    _, auth = member_auth
    response = api.get(ME_URL, **auth)
    assert response.status_code == 200
    state = {row["code"]: row for row in response.json()}
    assert list(state) == ["terms", "privacy", "sms_marketing", "email_marketing"]
    assert state["terms"]["agreed"] is True and state["terms"]["agreed_at"]
    assert state["sms_marketing"] == {
        "code": "sms_marketing",
        "version": 1,
        "title": "SMS 수신 동의",
        "required": False,
        "is_marketing": True,
        "agreed": False,
        "agreed_version": None,
        "agreed_at": None,
    }


def test_opt_in_then_withdraw(api, member_auth):
    member, auth = member_auth
    agree = {"agreements": [{"document": "sms_marketing", "version": 1, "agreed": True}]}
    response = api.post(ME_URL, agree, format="json", HTTP_USER_AGENT=USER_AGENT, **auth)
    assert response.status_code == 200, response.json()
    assert next(r for r in response.json() if r["code"] == "sms_marketing")["agreed"] is True
    record = ConsentRecord.objects.get(member=member, code="sms_marketing")
    assert (record.user_agent, record.ip_address, record.source) == (
        USER_AGENT,
        "127.0.0.1",
        "member",
    )

    agree["agreements"][0]["agreed"] = False
    response = api.post(ME_URL, agree, format="json", **auth)
    assert response.status_code == 200
    assert next(r for r in response.json() if r["code"] == "sms_marketing")["agreed"] is False
    record.refresh_from_db()
    assert record.withdrawn_at is not None


@pytest.mark.parametrize(
    "agreement,code",
    [
        ({"document": "privacy", "version": 1, "agreed": False}, "consent_not_withdrawable"),
        (
            {"document": "legal_representative", "version": 1, "agreed": True},
            "unknown_consent_document",
        ),
        ({"document": "terms", "version": 7, "agreed": True}, "consent_version_outdated"),
    ],
)
def test_refused_answers(api, member_auth, agreement, code):
    _, auth = member_auth
    response = api.post(ME_URL, {"agreements": [agreement]}, format="json", **auth)
    assert response.status_code == 400
    assert error_codes(response) == [code]
    assert response.json()["errors"][0]["document"] == agreement["document"]


def test_empty_or_malformed_body_is_400(api, member_auth):
    _, auth = member_auth
    assert api.post(ME_URL, {"agreements": []}, format="json", **auth).status_code == 400
    response = api.post(ME_URL, {"agreements": [{"document": "terms"}]}, format="json", **auth)
    assert response.status_code == 400
    assert error_codes(response) == ["required", "required"]
    assert {e["attr"].rsplit(".", 1)[-1] for e in response.json()["errors"]} == {
        "version",
        "agreed",
    }


def test_new_terms_version_blocks_other_endpoints_until_agreed(api, member_auth, site_of):
    member, auth = member_auth
    v1 = ConsentDocument.objects.get(site=site_of("yongin-library"), code="terms", version=1)
    ConsentDocument.objects.create(
        site=v1.site,
        code="terms",
        version=2,
        title=v1.title,
        body=v1.body + "\n제4조 신설",
        required=True,
        kinds=v1.kinds,
        position=v1.position,
        effective_at=timezone.now(),
    )
    blocked = api.get("/api/v1/sites/yongin-library/members/me/", **auth)
    assert blocked.status_code == 403
    assert error_codes(blocked) == ["consent_required"]

    state = {r["code"]: r for r in api.get(ME_URL, **auth).json()}
    assert (state["terms"]["version"], state["terms"]["agreed"]) == (2, False)
    assert state["terms"]["agreed_version"] == 1
    response = api.post(
        ME_URL,
        {"agreements": [{"document": "terms", "version": 2, "agreed": True}]},
        format="json",
        **auth,
    )
    assert response.status_code == 200
    assert api.get("/api/v1/sites/yongin-library/members/me/", **auth).status_code == 200
    assert ConsentRecord.objects.get(member=member, code="terms", version=2).source == "re_consent"
