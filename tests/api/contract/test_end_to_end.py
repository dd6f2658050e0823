"""One whole member life per site and kind, over HTTP as a SPA drives it.

policy → documents → verification → availability → sign-up → login → profile → find ID →
reset → login with the temporary password → forced change → withdrawal.
"""

import re

import pytest
from django.core import mail

from domain.members.models import Member
from domain.messaging.backends import locmem
from tests.api.members.signup_flow import business_token, documents, sign_up_body
from tests.conftest import identity

pytestmark = pytest.mark.django_db
PASSWORD = "Sunny!Day42"
NEW_PASSWORD = "Brand#New2026"

CASES = {
    "incheon-individual": ("incheon-water", "individual", "mobile", identity()),
    "incheon-corporate": ("incheon-water", "corporate", "mobile", identity(name="김대표")),
    "animal-domestic": ("animal-protection", "individual", "ipin", identity()),
    "animal-foreigner": (
        "animal-protection",
        "foreigner",
        "mobile",
        identity(name="JOHN SMITH", nationality="foreign"),
    ),
    "library-general": ("yongin-library", "general", "card", identity()),
    "library-child": (
        "yongin-library",
        "child",
        "mobile",
        identity(name="김아이", birth_date="2016-03-01", phone="01077776666"),
    ),
}


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.mark.parametrize("case", CASES)
def test_member_life(api, verify, django_capture_on_commit_callbacks, case):
    site, kind, method, person = CASES[case]
    base = f"/api/v1/sites/{site}/"
    username = "lifecycle1"

    # 1. the policy the form is rendered from
    policy = api.get(base).json()["policy"]
    assert kind in [k["code"] for k in policy["member_kinds"]]
    allowed = {seq[-1] for seq in policy["verification"][kind]["sign_up"]}
    assert method in allowed

    # 2. the documents to agree to
    docs = documents(api, site, kind)
    assert any(d["required"] for d in docs)

    # 3. verification(s)
    extra = {}
    if kind == "child":
        guardian = identity(name="김부모", birth_date="1980-05-05", phone="01099998888")
        extra["guardian_verification_token"] = verify(site, "guardian", guardian)
        extra["guardian"] = {"name": "김부모", "phone": "010-9999-8888"}
    if kind == "corporate":
        extra["business_verification_token"] = business_token(api, site, "2208162517")
        extra["corporate"] = {
            "representative_company_name": "인천물산",
            "corporation_name": "인천물산 주식회사",
            "business_number": "220-81-62517",
            "applicant_name": "김대표",
            "applicant_birth_date": "1975-02-02",
        }
    token = verify(site, "sign_up", person, method=method)

    # 4. availability
    check = api.get(f"{base}members/username-availability/", {"username": username})
    assert check.json()["available"] is True

    # 5. sign-up
    body = sign_up_body(api, site, kind, token, username=username, password=PASSWORD, **extra)
    created = api.post(f"{base}members/", body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["name"] == person["name"]
    assert (
        api.get(f"{base}members/username-availability/", {"username": username}).json()["reason"]
        == "username_taken"
    )

    # 6. login and profile
    tokens = api.post(f"{base}auth/token/", {"username": username, "password": PASSWORD}).json()
    me = api.get(f"{base}members/me/", **bearer(tokens["access"]))
    assert me.status_code == 200 and me.json()["kind"] == kind
    patched = api.patch(
        f"{base}members/me/",
        {"email": "changed@example.com"},
        format="json",
        **bearer(tokens["access"]),
    )
    assert patched.status_code == 200, patched.json()
    assert patched.json()["email"] == "changed@example.com"

    # 7. find ID
    find_token = verify(site, "find_id", person, method="mobile")
    found = api.post(f"{base}members/find-id/", {"kind": kind, "verification_token": find_token})
    assert found.status_code == 200, found.json()
    assert found.json()["username"] == username

    # 8. reset password → temporary password by SMS
    locmem.outbox.clear()
    reset_token = verify(site, "reset_password", person, method="mobile")
    with django_capture_on_commit_callbacks(execute=True):
        reset = api.post(
            f"{base}members/reset-password/",
            {
                "username": username,
                "kind": kind,
                "channel": "sms",
                "verification_token": reset_token,
            },
            format="json",
        )
    assert reset.status_code == 202
    temporary = re.search(r": (\S+)", locmem.outbox[-1].body).group(1)

    # 9. login with the temporary password → forced change
    temp_login = api.post(f"{base}auth/token/", {"username": username, "password": temporary})
    assert temp_login.status_code == 200, temp_login.json()
    assert temp_login.json()["password_change_required"] is True
    headers = bearer(temp_login.json()["access"])
    blocked = api.get(f"{base}members/me/", **headers)
    assert blocked.status_code == 403
    assert blocked.json()["errors"][0]["code"] == "password_change_required"
    changed = api.post(
        f"{base}members/me/password/",
        {
            "current_password": temporary,
            "new_password": NEW_PASSWORD,
            "new_password_confirm": NEW_PASSWORD,
        },
        format="json",
        **headers,
    )
    assert changed.status_code == 204, changed.json()
    assert api.get(f"{base}members/me/", **headers).status_code == 200

    # 10. withdrawal
    gone = api.delete(f"{base}members/me/", {"password": NEW_PASSWORD}, format="json", **headers)
    assert gone.status_code == 204, gone.content
    member = Member.objects.get(site__slug=site, username=username)
    assert member.status == "withdrawn" and member.name == "" and member.mobile == ""
    refused = api.post(f"{base}auth/token/", {"username": username, "password": NEW_PASSWORD})
    assert refused.status_code == 401
    assert mail.outbox == [] or all(username not in m.body for m in mail.outbox)
