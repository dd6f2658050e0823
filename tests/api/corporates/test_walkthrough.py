"""The whole onnuri-biz story over HTTP (manual 004 §1, §4).

Company sign-up with files → the manager is refused while pending → staff approve → the master
logs in with the SMS second step → invites a colleague → the colleague joins from the SMS link →
master transfer → the new master sees the members list, the old one gets 404.
"""

import pytest

from domain.corporates.models import CorporateManager
from tests.api.corporates import (
    INVITEE,
    INVITEE_MOBILE,
    MEMBERS,
    NEW_PASSWORD,
    SITE,
    accept_body,
    login_with_otp,
    manager_identity,
    sign_up,
    token_from_sms,
)
from tests.api.corporates import PASSWORD as MASTER_PASSWORD
from tests.conftest import bearer_for, error_codes

pytestmark = pytest.mark.django_db


def bearer(response) -> dict:
    assert response.status_code == 200, response.json()
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['access']}"}


def test_company_life(api, verify, member_factory, site_of, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    # 1. company sign-up with its papers
    token = verify("onnuri-biz", "sign_up", manager_identity())
    with capture(execute=True):
        created = sign_up(api, token)
    assert created.status_code == 201, created.json()
    corporate_id = created.json()["id"]

    # 2. the manager cannot log in while the company waits for review
    pending = api.post(
        f"{SITE}auth/token/", {"username": "bizmaster1", "password": MASTER_PASSWORD}
    )
    assert pending.status_code == 401
    assert error_codes(pending) == ["account_pending_review"]

    # 3. staff approve
    staff = member_factory(site=site_of("onnuri-biz"), username="operator77", staff=True)
    with capture(execute=True):
        approved = api.post(f"{SITE}corporates/{corporate_id}/approve/", **bearer_for(staff))
    assert approved.status_code == 200, approved.json()

    # 4. the master logs in with the SMS code
    master = bearer(login_with_otp(api, capture, "bizmaster1", MASTER_PASSWORD))
    mine = api.get(f"{SITE}corporates/mine/", **master)
    assert mine.status_code == 200 and mine.json()["name"] == "(주)온누리테스트"

    # 5. the master invites a colleague; the SMS carries the join link
    with capture(execute=True):
        invited = api.post(
            MEMBERS,
            {
                "name": "김정호",
                "department": "재무팀",
                "position": "과장",
                "mobile": INVITEE_MOBILE,
            },
            format="json",
            **master,
        )
    assert invited.status_code == 201, invited.json()
    link_token = token_from_sms()

    # 6. the colleague joins from the link
    assert api.get(f"{SITE}invitations/{link_token}/").status_code == 200
    invitee_token = verify("onnuri-biz", "invitation", INVITEE)
    corporate = CorporateManager.objects.get(member__username="bizmaster1").corporate
    joined = api.post(
        f"{SITE}invitations/{link_token}/accept/",
        accept_body(api, corporate, invitee_token, username="colleague1"),
        format="json",
    )
    assert joined.status_code == 201, joined.json()
    colleague = bearer(login_with_otp(api, capture, "colleague1", NEW_PASSWORD))
    assert api.get(MEMBERS, **colleague).status_code == 404  # general admin: no members menu

    # 7. master transfer
    entries = api.get(MEMBERS, **master).json()["results"]
    target = next(e for e in entries if e["kind"] == "admin" and e["role"] == "general")
    with capture(execute=True):
        moved = api.post(
            f"{MEMBERS}transfer-master/", {"admin_id": target["id"]}, format="json", **master
        )
    assert moved.status_code == 200, moved.json()

    # 8. the new master sees the members list; the old one gets 404
    assert api.get(MEMBERS, **colleague).status_code == 200
    assert api.get(MEMBERS, **master).status_code == 404
    roles = dict(
        CorporateManager.objects.filter(corporate=corporate).values_list("member__username", "role")
    )
    assert roles == {"bizmaster1": "general", "colleague1": "master"}
