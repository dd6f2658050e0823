"""Secrets in request paths never reach the logs (SPEC §14, found by the
privacy sweep: a refused invitation acceptance logged its live link token).

Django logs the path of every 4xx and 5xx answer (`django.request`) and runserver every request
line (`django.server`). Path parameters that are secrets — an invitation link's `{token}`, a
gift's claim `{code}` — are written `[redacted]`; other paths stay as they are.
"""

import logging

import pytest

from tests.conftest import bearer_for
from tests.factories.corporates import corporate_with_master
from tests.privacy import every_logger_at_debug

pytestmark = pytest.mark.django_db

SITE = "/api/v1/sites/onnuri-biz/"
TOKEN = "ku1xNxkKkoNfadv1itJgSVkPX3nrirHu4AWiaCKSaAw"


def _logged(caplog) -> str:
    return "\n".join(f"{r.getMessage()} {r.__dict__!r}" for r in caplog.records)


def test_a_refused_link_is_logged_without_its_token(api, caplog):
    caplog.set_level(logging.INFO)
    assert api.get(f"{SITE}invitations/{TOKEN}/").status_code == 404
    assert api.post(f"{SITE}invitations/{TOKEN}/accept/", {}, format="json").status_code == 400
    records = [r for r in caplog.records if r.name == "django.request"]
    assert [r.getMessage() for r in records] == [
        "Not Found: /api/v1/sites/onnuri-biz/invitations/[redacted]/",
        "Bad Request: /api/v1/sites/onnuri-biz/invitations/[redacted]/accept/",
    ]
    assert TOKEN not in _logged(caplog)


def test_the_development_server_logs_request_lines_without_the_token(caplog):
    with every_logger_at_debug(caplog):  # django.server does not propagate to the root
        logging.getLogger("django.server").info(
            '"%s" %s %s', f"POST {SITE}invitations/{TOKEN}/accept/?x=1 HTTP/1.1", "400", "123"
        )
    assert caplog.records[-1].getMessage() == (
        f'"POST {SITE}invitations/[redacted]/accept/?x=1 HTTP/1.1" 400 123'
    )


def test_paths_without_a_secret_are_logged_as_they_are(api, caplog):
    caplog.set_level(logging.INFO)
    master = corporate_with_master(username="logmaster1")
    path = f"{SITE}purchases/{2_000_000_000}/"
    assert api.get(path, **bearer_for(master.member)).status_code == 404
    messages = [r.getMessage() for r in caplog.records if r.name == "django.request"]
    assert messages == [f"Not Found: {path}"]
