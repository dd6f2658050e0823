"""A lost database answers a coded 503 with Retry-After on every endpoint."""

from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection
from rest_framework.test import APIClient

from tests.conftest import bearer_for, error_codes

pytestmark = pytest.mark.django_db


@contextmanager
def database_lost(monkeypatch):
    """Every new cursor fails as if the server had gone away."""

    def refuse(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "ensure_connection", refuse)
        yield


@pytest.fixture
def client():
    # As a server does: an exception becomes the handler's answer, not a test failure.
    return APIClient(raise_request_exception=False)


def assert_database_unavailable(response):
    assert response.status_code == 503, response.content[:300]
    assert error_codes(response) == ["database_unavailable"]
    assert response.json()["type"] == "server_error"
    assert int(response["Retry-After"]) > 0


def test_anonymous_reads_and_writes(client, monkeypatch):
    with database_lost(monkeypatch):
        assert_database_unavailable(client.get("/api/v1/sites/"))
        assert_database_unavailable(client.get("/api/v1/sites/yongin-library/"))
        assert_database_unavailable(
            client.post(
                "/api/v1/sites/yongin-library/auth/token/",
                {"username": "someone", "password": "Sunny!Day42"},
                format="json",
            )
        )
        assert_database_unavailable(
            client.post(
                "/api/v1/sites/yongin-library/verifications/",
                {"purpose": "sign_up", "method": "mobile"},
                format="json",
            )
        )


def test_authenticated_reads_and_writes(client, member_factory, site_of, monkeypatch):
    member = member_factory(site=site_of("yongin-library"))
    headers = bearer_for(member)
    with database_lost(monkeypatch):
        assert_database_unavailable(
            client.get("/api/v1/sites/yongin-library/members/me/", **headers)
        )
        assert_database_unavailable(
            client.patch(
                "/api/v1/sites/yongin-library/members/me/",
                {"email": "new@example.com"},
                format="json",
                **headers,
            )
        )


def test_session_requests_and_views_outside_drf(client, member_factory, site_of, monkeypatch):
    staff = member_factory(site=site_of("yongin-library"), staff=True)
    client.force_login(staff)
    with database_lost(monkeypatch):
        # The session is loaded by the session middleware's lazy user, outside any DRF view.
        assert_database_unavailable(client.get("/api/v1/sites/yongin-library/members/me/"))
        assert_database_unavailable(client.get("/admin/login/"))
        assert_database_unavailable(client.get("/admin/"))


def test_health_still_answers_its_own_503(client, monkeypatch):
    with database_lost(monkeypatch):
        response = client.get("/api/v1/health/")
    assert response.status_code == 503
    assert response.json()["database"] is False


def test_other_errors_outside_drf_views_are_the_json_500_on_api_paths(client, monkeypatch):
    from api import middleware

    def boom(content_type):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(middleware, "body_limit", boom)  # fails in a middleware, not a view
    response = client.post("/api/v1/sites/", {"a": 1}, format="json")
    assert response.status_code == 500
    assert response.json()["type"] == "server_error"
    assert error_codes(response) == ["error"]
    assert "secret" not in response.content.decode()
    assert "Retry-After" not in response


def test_a_lost_database_is_logged_in_one_line_without_a_stack_trace(
    client, member_factory, site_of, monkeypatch, caplog
):
    """Outside DRF's handler (a middleware, the commit of an idempotent POST) Django logs the
    exception with its traceback: an outage would print one per request. One line instead,
    saying why (tests/faults/test_database_lost.py on a real server)."""
    staff = member_factory(site=site_of("yongin-library"), staff=True)
    client.force_login(staff)
    with database_lost(monkeypatch):
        assert_database_unavailable(client.get("/admin/"))  # not a DRF view
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.exc_info is None
    assert record.getMessage() == (
        "Service Unavailable: /admin/ (database unavailable: server closed the connection"
        " unexpectedly)"
    )
    assert "Traceback" not in caplog.text
