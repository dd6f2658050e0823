"""Per-IP throttles and audit rows see the same client address (SPEC §14).

With no proxy configured (`NUM_PROXIES` 0, the default) the address is the socket's
`REMOTE_ADDR`: a client cannot pick its own throttle bucket with `X-Forwarded-For`.
"""

import pytest
from django.core.cache import cache

from domain.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_rotating_forwarded_for_does_not_escape_the_login_throttle(login):
    codes = [
        login(
            "yongin-library", "nobody", "Wrong!pass1", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}"
        ).status_code
        for i in range(40)
    ]
    assert codes == [401] * 30 + [429] * 10


def test_without_a_proxy_the_audit_address_is_the_socket_one(login):
    login("yongin-library", "nobody", "Wrong!pass1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert AuditEvent.objects.get(type="login_failed").ip_address == "127.0.0.1"
    assert len(cache.get("throttle_login_127.0.0.1")) == 1


def test_behind_one_proxy_audit_and_throttle_take_the_last_forwarded_hop(login, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    login(
        "yongin-library",
        "nobody",
        "Wrong!pass1",
        HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.9",
        REMOTE_ADDR="10.0.0.2",
    )
    assert AuditEvent.objects.get(type="login_failed").ip_address == "203.0.113.9"
    assert len(cache.get("throttle_login_203.0.113.9")) == 1
