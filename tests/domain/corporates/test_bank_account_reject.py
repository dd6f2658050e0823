"""Staff refuse a bank account request with a reason (SPEC §7.2, §8): the
service the admin (and the API) call."""

import pytest

from domain.common.errors import Conflict, DomainError, NotFound
from domain.corporates.accounts import bank_account_reject
from domain.corporates.models import BankAccount, CorporateEvent
from domain.messaging.models import OutboxMessage
from tests.factories.corporates import corporate_with_master

from . import pending_create

pytestmark = pytest.mark.django_db

Status = BankAccount.Status


@pytest.fixture
def master():
    return corporate_with_master(username="master01", mobile="01055550002")


@pytest.fixture
def staff(member_factory, master):
    return member_factory(site=master.corporate.site, username="operator3x", staff=True)


@pytest.fixture
def requested(master):
    return pending_create(master.corporate, "110123456789")


def test_a_rejection_deletes_the_request_writes_the_event_and_texts_the_master(
    master, staff, requested
):
    account = bank_account_reject(
        site=staff.site, staff=staff, account_id=requested.pk, reason=" 통장 사본이 흐립니다 "
    )
    assert account.status == Status.DELETED
    assert account.deleted_at is not None
    event = CorporateEvent.objects.get(type="account_rejected")
    assert (event.actor, event.parameters) == (
        staff,
        {"account_id": requested.pk, "reason": "통장 사본이 흐립니다"},
    )
    sms = OutboxMessage.objects.get(purpose="account_rejected")
    assert sms.to == "01055550002"
    assert "사유: 통장 사본이 흐립니다" in sms.body
    assert "110123456789" not in sms.body  # masked
    in_use = BankAccount.objects.get(corporate=master.corporate, status=Status.IN_USE)
    assert in_use.pk != requested.pk


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_reason_is_required(staff, requested, reason):
    with pytest.raises(DomainError) as raised:
        bank_account_reject(site=staff.site, staff=staff, account_id=requested.pk, reason=reason)
    assert (raised.value.code, raised.value.attr) == ("reason_required", "reason")
    requested.refresh_from_db()
    assert requested.status == Status.PENDING
    assert not OutboxMessage.objects.exists()


def test_only_a_pending_request_can_be_rejected(master, staff):
    in_use = BankAccount.objects.get(corporate=master.corporate, status=Status.IN_USE)
    with pytest.raises(Conflict) as raised:
        bank_account_reject(site=staff.site, staff=staff, account_id=in_use.pk, reason="x")
    assert raised.value.code == "invalid_transition"
    in_use.refresh_from_db()
    assert in_use.status == Status.IN_USE
    assert not CorporateEvent.objects.filter(type="account_rejected").exists()


def test_a_master_or_another_sites_operator_gets_a_404(master, requested, member_factory, site_of):
    other = member_factory(site=site_of("yongin-library"), username="operator4x", staff=True)
    for who, site in ((master.member, master.corporate.site), (other, other.site)):
        with pytest.raises(NotFound) as raised:
            bank_account_reject(site=site, staff=who, account_id=requested.pk, reason="x")
        assert raised.value.code == "bank_account_not_found"
    requested.refresh_from_db()
    assert requested.status == Status.PENDING
