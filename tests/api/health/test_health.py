import pytest

pytestmark = pytest.mark.django_db


def test_health_reports_database_and_broker(api):
    response = api.get("/api/v1/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True, "broker": True}


def test_health_is_503_when_the_broker_is_down(api, monkeypatch):
    from django_q.brokers.orm import ORM

    def down(self):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(ORM, "queue_size", down)
    response = api.get("/api/v1/health/")
    assert response.status_code == 503
    assert response.json()["broker"] is False


def test_docs_and_schema_are_served_without_a_cdn(api):
    docs = api.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()
    assert api.get("/api/v1/schema/").status_code == 200
