"""Every transition of a corporate review writes its event (STYLE: every lifecycle writes
events): the corporate's, its sign-up account's and its master's."""

import pytest

from domain.audit.models import AuditEvent
from domain.corporates.models import BankAccount, Corporate, CorporateEvent, CorporateManager
from tests.conftest import bearer_for

from . import ONNURI, URL, manager_identity, sign_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(member_factory, site_of):
    return member_factory(site=site_of(ONNURI), username="operator3x", staff=True)


@pytest.fixture
def pending(api, verify) -> Corporate:
    response = sign_up(api, verify(ONNURI, "sign_up", manager_identity()))
    assert response.status_code == 201, response.json()
    return Corporate.objects.get(pk=response.json()["id"])


def history(corporate: Corporate) -> list[tuple[str, dict]]:
    return [(e.type, e.parameters) for e in CorporateEvent.objects.filter(corporate=corporate)]


def test_approval_records_the_corporate_the_account_and_the_master(api, pending, staff):
    account = BankAccount.objects.get(corporate=pending)
    master = CorporateManager.objects.get(corporate=pending).member
    assert api.post(f"{URL}{pending.pk}/approve/", **bearer_for(staff)).status_code == 200
    assert history(pending)[1:] == [
        ("approved", {"bank_account": account.pk}),
        ("account_approved", {"account_id": account.pk, "retired_account_id": None}),
    ]
    activated = AuditEvent.objects.get(member=master, type=AuditEvent.Type.MEMBER_ACTIVATED)
    assert (activated.actor, activated.parameters) == (staff, {"reason": "corporate_approved"})


def test_rejection_records_the_corporate_the_account_and_the_master(api, pending, staff):
    account = BankAccount.objects.get(corporate=pending)
    master = CorporateManager.objects.get(corporate=pending).member
    response = api.post(
        f"{URL}{pending.pk}/reject/", {"reason": "서류 불일치"}, format="json", **bearer_for(staff)
    )
    assert response.status_code == 200
    assert history(pending)[1:] == [
        ("rejected", {"reason": "서류 불일치"}),
        ("account_rejected", {"account_id": account.pk}),
    ]
    assert BankAccount.objects.get(pk=account.pk).status == BankAccount.Status.DELETED
    rejected = AuditEvent.objects.get(member=master, type=AuditEvent.Type.MEMBER_REJECTED)
    assert rejected.parameters == {"reason": "corporate_rejected"}
