"""Operators review name change requests in the admin with the API's services (manual 002 §II
1-2; SPEC §5, §8, §14)."""

import pytest

from domain.audit.models import AuditEvent
from domain.members.models import NameChangeRequest
from domain.messaging.models import OutboxMessage
from tests.api.members import ANIMAL, NEW_NAME, file_request, pdf_bytes

from . import client_for, operator_of

pytestmark = pytest.mark.django_db

LIST = "/admin/members/namechangerequest/"


@pytest.fixture
def member(member_factory, site_of):
    return member_factory(site=site_of(ANIMAL), name="홍길동", mobile="01012345678")


@pytest.fixture
def requested(api, verify, member) -> NameChangeRequest:
    response = file_request(api, verify, member)
    assert response.status_code == 201, response.json()
    return NameChangeRequest.objects.get(pk=response.json()["id"])


@pytest.fixture
def operator():
    return operator_of(ANIMAL)


def test_the_approve_action_changes_the_name_and_texts_the_member(requested, member, operator):
    response = client_for(operator).post(
        LIST, {"action": "approve", "_selected_action": [requested.pk]}, follow=True
    )
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.name == NEW_NAME
    event = AuditEvent.objects.get(type=AuditEvent.Type.NAME_CHANGE_APPROVED)
    assert (event.member, event.actor) == (member, operator)
    assert OutboxMessage.objects.get(purpose="name_change_approved").to == "01012345678"


def test_the_reject_button_keeps_the_name_and_tells_the_reason(requested, member, operator):
    client = client_for(operator)
    page = client.get(f"{LIST}{requested.pk}/change/").content.decode()
    for path in ("approve/", "reject/", "evidence/"):
        assert f'href="{LIST}{requested.pk}/{path}"' in page

    client.post(f"{LIST}{requested.pk}/reject/", {"reason": "증명서가 흐립니다"})
    requested.refresh_from_db()
    member.refresh_from_db()
    assert (requested.status, member.name) == ("rejected", "홍길동")
    assert "증명서가 흐립니다" in OutboxMessage.objects.get(purpose="name_change_rejected").body


def test_the_evidence_opens_through_the_logged_download(requested, member, operator):
    response = client_for(operator).get(f"{LIST}{requested.pk}/evidence/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    log = AuditEvent.objects.get(type=AuditEvent.Type.PERSONAL_DATA_VIEWED)
    assert (log.actor, log.member) == (operator, member)


def test_an_operator_cannot_review_their_own_request(api, verify, operator):
    operator.name = "홍길동"
    operator.save()
    requested = file_request(api, verify, operator)
    assert requested.status_code == 201, requested.json()
    pk = requested.json()["id"]
    response = client_for(operator).post(f"{LIST}{pk}/approve/", follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert NameChangeRequest.objects.get(pk=pk).status == "pending"
