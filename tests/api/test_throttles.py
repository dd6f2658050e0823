"""Per-IP throttles of the verification start and find-ID endpoints (SPEC §14; issue 8)."""

import pytest

from tests.conftest import error_codes

pytestmark = pytest.mark.django_db

SITE = "/api/v1/sites/yongin-library/"


def test_verification_starts_are_throttled_per_ip(api):
    codes = [
        api.post(
            SITE + "verifications/", {"purpose": "sign_up", "method": "mobile"}, format="json"
        ).status_code
        for _ in range(21)
    ]
    assert codes == [201] * 20 + [429]
    other_ip = api.post(
        SITE + "verifications/",
        {"purpose": "sign_up", "method": "mobile"},
        format="json",
        REMOTE_ADDR="192.0.2.10",
    )
    assert other_ip.status_code == 201


def test_find_id_is_throttled_per_ip(api):
    body = {"kind": "general", "verification_token": "not-a-token"}
    responses = [api.post(SITE + "members/find-id/", body, format="json") for _ in range(21)]
    assert [r.status_code for r in responses] == [400] * 20 + [429]
    assert error_codes(responses[-1]) == ["throttled"]
    assert "Retry-After" in responses[-1].headers
