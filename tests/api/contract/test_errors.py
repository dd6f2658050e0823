"""The error contract (SPEC §11) and its languages (SPEC §10)."""

import pytest

from tests.conftest import error_codes

pytestmark = pytest.mark.django_db


def test_errors_are_korean_by_default_and_english_on_request(login):
    korean = login("yongin-library", "nobody", "Wrong!pass1")
    assert korean.status_code == 401
    body = korean.json()
    assert body["type"] == "client_error"
    assert body["errors"] == [
        {
            "code": "invalid_credentials",
            "detail": "아이디 또는 비밀번호가 일치하지 않습니다.",
            "attr": None,
        }
    ]
    english = login("yongin-library", "nobody", "Wrong!pass1", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["errors"][0]["detail"] == "The ID or password is incorrect."


def test_validation_errors_name_the_field(api):
    response = api.post("/api/v1/sites/yongin-library/auth/token/", {"username": ""})
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "validation_error"
    assert {(e["attr"], e["code"]) for e in body["errors"]} == {
        ("username", "blank"),
        ("password", "required"),
    }
    assert all(e["detail"] for e in body["errors"])
    english = api.post(
        "/api/v1/sites/yongin-library/auth/token/", {"username": ""}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "This field may not be blank." in [e["detail"] for e in english.json()["errors"]]
    korean_details = [e["detail"] for e in body["errors"]]
    assert "This field may not be blank." not in korean_details


def test_unauthenticated_is_a_coded_401(api):
    response = api.get("/api/v1/sites/yongin-library/members/me/")
    assert response.status_code == 401
    assert error_codes(response) == ["not_authenticated"]


def test_server_errors_do_not_leak_internals(api, monkeypatch):
    from api.sites import views

    def boom(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(views, "site_list", boom)
    response = api.get("/api/v1/sites/")
    assert response.status_code == 500
    assert "secret" not in response.content.decode()
    assert response.json()["type"] == "server_error"
