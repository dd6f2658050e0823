"""Operators review corporate sign-ups in the admin: the list action and the object page's
buttons call the review services of the API (domain.corporates.review), with the same events,
SMS and errors; documents open through the permission-checked, access-logged download
(SPEC §7.1, §8, §14; manual 004 §1.1, Build 1)."""

import pytest

from domain.audit.models import AuditEvent
from domain.corporates.models import BankAccount, Corporate, CorporateEvent, CorporateManager
from domain.members.models import Member
from domain.messaging.models import OutboxMessage
from tests.api.corporates import ONNURI, PASSWORD, PDF, manager_identity, sign_up
from tests.conftest import error_codes

from . import client_for, operator_of, shown_messages

pytestmark = pytest.mark.django_db

LIST = "/admin/corporates/corporate/"
PAGE = "/admin/corporates/corporate/{pk}/change/"


@pytest.fixture
def pending(api, verify) -> Corporate:
    """A corporate signed up over HTTP with real files, waiting for review; its master pending."""
    response = sign_up(api, verify(ONNURI, "sign_up", manager_identity()))
    assert response.status_code == 201, response.json()
    return Corporate.objects.get(pk=response.json()["id"])


@pytest.fixture
def operator():
    return operator_of(ONNURI)


def master_of(corporate) -> Member:
    return CorporateManager.objects.get(corporate=corporate, role="master").member


def log_in(api, username):
    return api.post(
        f"/api/v1/sites/{ONNURI}/auth/token/",
        {"username": username, "password": PASSWORD},
        format="json",
    )


def test_the_approve_action_calls_the_review_service(api, pending, operator):
    master = master_of(pending)
    assert error_codes(log_in(api, master.username)) == ["account_pending_review"]

    response = client_for(operator).post(
        LIST, {"action": "approve", "_selected_action": [pending.pk]}, follow=True
    )

    assert response.status_code == 200
    pending.refresh_from_db()
    master.refresh_from_db()
    assert pending.status == Corporate.Status.APPROVED
    assert (pending.reviewed_by, master.status) == (operator, Member.Status.ACTIVE)
    event = CorporateEvent.objects.get(corporate=pending, type="approved")
    assert event.actor == operator
    assert BankAccount.objects.get(corporate=pending).status == BankAccount.Status.IN_USE
    sms = OutboxMessage.objects.get(purpose="corporate_approved")
    assert sms.to == master.mobile
    assert any(pending.name in message for message in shown_messages(response))
    answer = log_in(api, master.username)
    assert answer.status_code == 200, answer.json()
    assert answer.json()["otp_required"] is True


def test_the_object_page_has_review_buttons_and_document_links(pending, operator):
    page = client_for(operator).get(PAGE.format(pk=pending.pk))
    assert page.status_code == 200
    html = page.content.decode()
    base = f"/admin/corporates/corporate/{pending.pk}/"
    for url in (
        f"{base}approve/",
        f"{base}reject/",
        f"{base}documents/registration_certificate/",
        f"{base}documents/headcount_document/",
        f"{base}documents/bankbook/",
    ):
        assert f'href="{url}"' in html, url


def test_the_approve_button_asks_then_approves(pending, operator):
    client = client_for(operator)
    url = f"/admin/corporates/corporate/{pending.pk}/approve/"
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert Corporate.objects.get(pk=pending.pk).status == Corporate.Status.PENDING_REVIEW

    done = client.post(url)
    assert done.status_code == 302
    assert done.headers["Location"] == PAGE.format(pk=pending.pk)
    pending.refresh_from_db()
    assert pending.status == Corporate.Status.APPROVED
    assert OutboxMessage.objects.filter(purpose="corporate_approved").count() == 1


def test_the_reject_button_needs_a_reason_then_tells_it(api, pending, operator):
    client = client_for(operator)
    url = f"/admin/corporates/corporate/{pending.pk}/reject/"
    assert client.get(url).status_code == 200

    blank = client.post(url, {"reason": "   "}, follow=True)
    assert shown_messages(blank) == [f"{pending.name}: 반려 사유를 입력해 주세요."]  # the service's
    pending.refresh_from_db()
    assert pending.status == Corporate.Status.PENDING_REVIEW
    assert not OutboxMessage.objects.filter(purpose="corporate_rejected").exists()

    client.post(url, {"reason": "통장사본의 예금주가 다릅니다"})
    pending.refresh_from_db()
    assert (pending.status, pending.reject_reason) == ("rejected", "통장사본의 예금주가 다릅니다")
    assert CorporateEvent.objects.get(corporate=pending, type="rejected").actor == operator
    sms = OutboxMessage.objects.get(purpose="corporate_rejected")
    assert "통장사본의 예금주가 다릅니다" in sms.body
    assert error_codes(log_in(api, master_of(pending).username)) == ["account_rejected"]


def test_the_reject_action_asks_for_the_reason(pending, operator):
    client = client_for(operator)
    ask = client.post(LIST, {"action": "reject", "_selected_action": [pending.pk]})
    assert ask.status_code == 200  # the reason form, nothing changed yet
    assert 'name="reason"' in ask.content.decode()
    pending.refresh_from_db()
    assert pending.status == Corporate.Status.PENDING_REVIEW

    client.post(
        LIST,
        {
            "action": "reject",
            "_selected_action": [pending.pk],
            "reason": "서류가 흐립니다",
            "apply": "1",
        },
    )
    pending.refresh_from_db()
    assert (pending.status, pending.reject_reason) == ("rejected", "서류가 흐립니다")


def test_a_refusal_is_an_admin_error_and_changes_nothing(pending, operator):
    client = client_for(operator)
    client.post(LIST, {"action": "approve", "_selected_action": [pending.pk]}, follow=True)
    events = CorporateEvent.objects.count()
    sms = OutboxMessage.objects.count()

    again = client.post(LIST, {"action": "approve", "_selected_action": [pending.pk]}, follow=True)

    messages = [m for m in again.context["messages"]]
    assert [m.level_tag for m in messages] == ["error"]
    assert pending.name in str(messages[0])
    assert (CorporateEvent.objects.count(), OutboxMessage.objects.count()) == (events, sms)


def test_an_operator_of_another_site_reviews_nothing(pending):
    other = client_for(operator_of("yongin-library"))
    base = f"/admin/corporates/corporate/{pending.pk}/"
    for url in (f"{base}approve/", f"{base}documents/registration_certificate/"):
        assert other.post(url).status_code in (403, 404)
        assert other.get(url).status_code in (403, 404)
    pending.refresh_from_db()
    assert pending.status == Corporate.Status.PENDING_REVIEW
    assert not AuditEvent.objects.filter(type=AuditEvent.Type.PERSONAL_DATA_VIEWED).exists()


def test_a_document_opens_through_the_logged_download(pending, operator):
    response = client_for(operator).get(
        f"/admin/corporates/corporate/{pending.pk}/documents/registration_certificate/"
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response.headers["Content-Type"] == "application/pdf"
    assert {"private", "no-store"} <= set(response.headers["Cache-Control"].split(", "))
    log = AuditEvent.objects.get(type=AuditEvent.Type.PERSONAL_DATA_VIEWED)
    assert (log.actor, log.member) == (operator, master_of(pending))
    assert log.parameters["item"] == "corporate_registration_certificate"


def test_an_unknown_document_is_an_admin_error(pending, operator):
    response = client_for(operator).get(
        f"/admin/corporates/corporate/{pending.pk}/documents/passport/", follow=True
    )
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
