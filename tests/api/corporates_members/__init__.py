"""Helpers for the onnuri-biz members menu, invitation and 내 정보 tests (SPEC §7.1)."""

import re

from domain.messaging.backends import locmem
from tests.api.signup_flow import agree_all
from tests.conftest import identity, sms_code_from_outbox

ONNURI = "onnuri-biz"
SITE = f"/api/v1/sites/{ONNURI}/"
MEMBERS = f"{SITE}corporate-members/"
INVITEE_MOBILE = "01055556666"
INVITEE = identity(name="김정호", birth_date="1988-03-04", phone=INVITEE_MOBILE)
NEW_PASSWORD = "Bright!Sky2024"


def token_from_sms(body: str | None = None) -> str:
    """The join-link token of the last SMS (or of `body`)."""
    text = body if body is not None else locmem.outbox[-1].body
    return re.search(r"/join/([A-Za-z0-9_-]+)", text).group(1)


def accept_body(api, corporate, verification_token: str, *, username="newadmin01", **extra):
    body = {
        "company_name": corporate.name,
        "business_number": f"{corporate.business_number[:3]}-{corporate.business_number[3:5]}-"
        f"{corporate.business_number[5:]}",
        "department": "재무팀",
        "position": "과장",
        "email": f"{username}@example.com",
        "username": username,
        "password": NEW_PASSWORD,
        "password_confirm": NEW_PASSWORD,
        "verification_token": verification_token,
        "consents": agree_all(api, ONNURI, "corporate_manager"),
    }
    body.update(extra)
    return body


def login_with_otp(api, capture, username: str, password: str):
    """Password step, then the SMS code step (SPEC §5); returns the last response."""
    with capture(execute=True):
        first = api.post(
            f"{SITE}auth/token/", {"username": username, "password": password}, format="json"
        )
    if first.status_code != 200:
        return first
    assert first.json()["otp_required"] is True
    return api.post(
        f"{SITE}auth/token/otp/",
        {"verification_id": first.json()["verification_id"], "code": sms_code_from_outbox()},
        format="json",
    )
