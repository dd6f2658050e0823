"""The bank-account admin: operators approve or reject account requests with the services of
the API (domain.corporates.accounts) and open bankbooks through the logged download (SPEC
§7.2, §8, §14; manual 004 §2.3: there was no bank-account admin)."""

import pytest
from django.contrib import admin

from domain.audit.models import AuditEvent
from domain.corporates.models import BankAccount, CorporateEvent
from domain.messaging.models import OutboxMessage
from tests.api.corporates import png_bytes, png_file
from tests.factories.corporates import corporate_with_master

from . import client_for, operator_of, shown_messages

pytestmark = pytest.mark.django_db

LIST = "/admin/corporates/bankaccount/"


@pytest.fixture
def master():
    return corporate_with_master(mobile="01055550001")


@pytest.fixture
def requested(master) -> BankAccount:
    from domain.corporates.accounts import bank_account_request

    return bank_account_request(
        manager=master,
        bank_code="004",
        account_number="123-456-789012",
        holder=master.corporate.name,
        bankbook=png_file(),
    )


@pytest.fixture
def operator():
    return operator_of("onnuri-biz")


def test_there_is_a_bank_account_admin():
    assert BankAccount in admin.site._registry


def test_the_operator_lists_accounts_with_masked_numbers(requested, operator):
    response = client_for(operator).get(LIST)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 2
    html = response.content.decode()
    assert "123456789012" not in html
    assert "123456******" in html or "1234567*****" in html


def test_the_approve_action_puts_it_in_use_and_retires_the_old_one(requested, operator):
    old = BankAccount.objects.get(corporate=requested.corporate, status="in_use")
    response = client_for(operator).post(
        LIST, {"action": "approve", "_selected_action": [requested.pk]}, follow=True
    )
    assert response.status_code == 200
    requested.refresh_from_db()
    old.refresh_from_db()
    assert (requested.status, old.status) == ("in_use", "deleted")
    assert requested.approved_by == operator
    assert CorporateEvent.objects.get(type="account_approved").actor == operator
    assert OutboxMessage.objects.get(purpose="account_approved").to == "01055550001"
    assert shown_messages(response)


def test_the_reject_button_needs_a_reason_and_texts_the_master(requested, operator):
    client = client_for(operator)
    url = f"{LIST}{requested.pk}/reject/"
    assert client.get(url).status_code == 200
    blank = client.post(url, {"reason": ""}, follow=True)
    assert [m.level_tag for m in blank.context["messages"]] == ["error"]
    requested.refresh_from_db()
    assert requested.status == "pending"

    done = client.post(url, {"reason": "예금주가 상호명과 다릅니다"})
    assert done.status_code == 302
    requested.refresh_from_db()
    assert requested.status == "deleted"
    event = CorporateEvent.objects.get(type="account_rejected")
    assert event.actor == operator
    assert event.parameters["reason"] == "예금주가 상호명과 다릅니다"
    sms = OutboxMessage.objects.get(purpose="account_rejected")
    assert sms.to == "01055550001"
    assert "예금주가 상호명과 다릅니다" in sms.body


def test_approving_an_account_in_use_is_an_admin_error(requested, operator):
    old = BankAccount.objects.get(corporate=requested.corporate, status="in_use")
    response = client_for(operator).post(f"{LIST}{old.pk}/approve/", follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    old.refresh_from_db()
    assert old.status == "in_use"
    assert not CorporateEvent.objects.filter(type="account_approved").exists()


def test_the_bankbook_opens_through_the_logged_download(requested, operator):
    page = client_for(operator).get(f"{LIST}{requested.pk}/change/")
    assert page.status_code == 200
    link = f"{LIST}{requested.pk}/bankbook/"
    assert f'href="{link}"' in page.content.decode()
    for url in (f"{LIST}{requested.pk}/approve/", f"{LIST}{requested.pk}/reject/"):
        assert f'href="{url}"' in page.content.decode()

    response = client_for(operator).get(link)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png_bytes()
    log = AuditEvent.objects.get(type=AuditEvent.Type.PERSONAL_DATA_VIEWED)
    assert log.actor == operator
    assert log.parameters["account_id"] == requested.pk


def test_another_sites_operator_cannot_touch_the_account(requested):
    other = client_for(operator_of("animal-protection"))
    for path in ("approve/", "reject/", "bankbook/", "change/"):
        assert other.get(f"{LIST}{requested.pk}/{path}").status_code in (403, 404)
    other.post(f"{LIST}{requested.pk}/approve/")
    requested.refresh_from_db()
    assert requested.status == "pending"
