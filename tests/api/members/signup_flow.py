"""Building blocks for driving a sign-up over HTTP the way a SPA does (SPEC §11)."""

import hashlib
import hmac

from tests.conftest import identity

SITE = "/api/v1/sites/{}/"


def documents(api, site: str, kind: str) -> list[dict]:
    response = api.get(f"{SITE.format(site)}consent-documents/", {"kind": kind})
    assert response.status_code == 200, response.json()
    return response.json()


def agree_all(api, site: str, kind: str, *, skip: tuple[str, ...] = ()) -> list[dict]:
    return [
        {"document": d["code"], "version": d["version"], "agreed": d["code"] not in skip}
        for d in documents(api, site, kind)
    ]


def business_token(api, site: str, business_number: str) -> str:
    started = api.post(
        f"{SITE.format(site)}verifications/",
        {
            "purpose": "sign_up",
            "method": "business_certificate",
            "business_number": business_number,
        },
        format="json",
    )
    assert started.status_code == 201, started.json()
    challenge = started.json()["parameters"]["challenge"]
    digits = business_number.replace("-", "")
    signature = hmac.new(digits.encode(), challenge.encode(), hashlib.sha256).hexdigest()
    confirmed = api.post(
        f"{SITE.format(site)}verifications/{started.json()['id']}/confirm/",
        {"signature": signature},
        format="json",
    )
    assert confirmed.status_code == 200, confirmed.json()
    return confirmed.json()["verification_token"]


ADDRESS = {"postal_code": "21999", "road": "인천광역시 연수구 컨벤시아대로 1", "detail": "101호"}


def sign_up_body(
    api, site: str, kind: str, token: str, *, username: str, password: str = "Sunny!Day42", **extra
) -> dict:
    body = {
        "kind": kind,
        "username": username,
        "password": password,
        "password_confirm": password,
        "verification_token": token,
        "consents": agree_all(api, site, kind),
        "email": f"{username}@example.com",
        "address": ADDRESS,
    }
    if site == "yongin-library":
        branches = api.get(f"{SITE.format(site)}library-branches/").json()
        body["home_library"] = branches[0]["id"]
    body.update(extra)
    return body


__all__ = ["identity", "agree_all", "business_token", "sign_up_body", "documents"]
