"""Helpers for the library upgrade tests: members of yongin-library joined over HTTP, and
their upgrade requests (SPEC §6, §12 sandbox values)."""

from tests.api.members.signup_flow import sign_up_body
from tests.conftest import identity

BASE = "/api/v1/sites/yongin-library/"
PARENT = identity(name="김부모", birth_date="1985-05-05", phone="01099998888")


def join(api, verify, person, username, kind="general", **extra):
    token = verify("yongin-library", "sign_up", person)
    body = sign_up_body(api, "yongin-library", kind, token, username=username, **extra)
    response = api.post(f"{BASE}members/", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def headers_for(api, username):
    tokens = api.post(f"{BASE}auth/token/", {"username": username, "password": "Sunny!Day42"})
    assert tokens.status_code == 200, tokens.json()
    return {"HTTP_AUTHORIZATION": f"Bearer {tokens.json()['access']}"}


def apply(api, headers, **body):
    return api.post(f"{BASE}library-upgrades/", body, format="json", **headers)


def full_member(api, headers, rrn, *, pin="1234", **extra):
    return apply(
        api,
        headers,
        type="full_member",
        consent=True,
        rrn_back=rrn,
        loan_pin=pin,
        loan_pin_confirm=pin,
        **extra,
    )


# PARENT's two children (name, birth date, mobile, ID), joined with the parent's verification.
CHILDREN = (
    ("김첫째", "2016-03-01", "01011110001", "firstkid"),
    ("김둘째", "2020-01-11", "01011110002", "secondkid"),
)


def children_join(api, verify) -> list[int]:
    return [
        join(
            api,
            verify,
            identity(name=name, birth_date=born, phone=phone),
            username,
            kind="child",
            guardian={"name": PARENT["name"], "phone": PARENT["phone"]},
            guardian_verification_token=verify("yongin-library", "guardian", PARENT),
        )
        for name, born, phone, username in CHILDREN
    ]


def children_convert(api, headers):
    """multi_child_children for both children."""
    children = [{"username": u, "name": n, "birth_date": b} for n, b, _, u in CHILDREN]
    return apply(api, headers, type="multi_child_children", children=children)
