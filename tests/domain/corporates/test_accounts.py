"""Bank account services (SPEC §7.2; manual 004 §2.3): the race between two approvals, and the
stored bankbook removed when the request is not saved."""

import threading

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from domain.common.errors import Conflict, NotFound
from domain.corporates import accounts
from domain.corporates.accounts import (
    bank_account_approve,
    bank_account_reject,
    bank_account_request,
)
from domain.corporates.models import BankAccount, Corporate, CorporateEvent
from tests.factories.corporates import corporate_with_master

from . import pending_create

Status = BankAccount.Status
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_approvals_leave_exactly_one_account_in_use(member_factory):
    master = corporate_with_master(username="master01")
    corporate = master.corporate
    site = corporate.site
    staff = member_factory(site=site, username="operator2x", staff=True)
    first = pending_create(corporate, "110123456789")
    second = pending_create(corporate, "3521132012345")
    original = BankAccount.objects.get(corporate=corporate, status=Status.IN_USE)

    # PostgreSQL: many threads at once, each approving one of the two requests. SQLite
    # serialises writers (and its shared in-memory test database locks tables), so there the
    # two approvals run one thread after the other.
    concurrent = connection.vendor == "postgresql"
    targets = [first.pk, second.pk] * (4 if concurrent else 1)
    barrier = threading.Barrier(len(targets) if concurrent else 1)
    results: list = []
    lock = threading.Lock()

    def approve(account_id: int) -> None:
        try:
            barrier.wait(timeout=30)
            bank_account_approve(site=site, staff=staff, account_id=account_id)
            outcome = "approved"
        except Conflict as error:
            outcome = error.code
        except Exception as error:  # recorded, so the assertion below shows it
            outcome = error
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=approve, args=(target,)) for target in targets]
    if concurrent:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    else:
        for thread in threads:
            thread.start()
            thread.join(timeout=60)

    assert not any(thread.is_alive() for thread in threads)
    # Each request is approved once; every other try finds it no longer pending.
    assert sorted(map(str, results)) == sorted(
        ["approved", "approved"] + ["invalid_transition"] * (len(targets) - 2)
    )
    in_use = BankAccount.objects.filter(corporate=corporate, status=Status.IN_USE)
    assert in_use.count() == 1
    assert in_use.get().pk in {first.pk, second.pk}
    assert set(
        BankAccount.objects.filter(corporate=corporate, status=Status.DELETED).values_list(
            "pk", flat=True
        )
    ) == {original.pk, first.pk, second.pk} - {in_use.get().pk}
    events = CorporateEvent.objects.filter(corporate=corporate, type="account_approved")
    assert events.count() == 2
    # The second approval retired the first approved one; the first retired the original.
    retired = sorted(event.parameters["retired_account_id"] for event in events)
    assert retired == sorted([original.pk, ({first.pk, second.pk} - {in_use.get().pk}).pop()])


@pytest.mark.django_db
def test_the_stored_bankbook_is_removed_when_the_request_is_not_saved(monkeypatch):
    master = corporate_with_master(username="master01")

    def fail(*args, **kwargs):
        raise RuntimeError("event table unavailable")

    monkeypatch.setattr(accounts, "bank_account_requested_event", fail)
    with pytest.raises(RuntimeError):
        bank_account_request(
            manager=master,
            bank_code="088",
            account_number="110 123 456789",
            holder=master.corporate.name,
            bankbook=SimpleUploadedFile("bankbook.pdf", PDF, content_type="application/pdf"),
        )
    assert not BankAccount.objects.filter(status=Status.PENDING).exists()
    folder = settings.PRIVATE_MEDIA_ROOT / "corporate-bankbooks"
    assert not folder.exists() or not any(folder.iterdir())


@pytest.mark.django_db
def test_reject_service_refusals_change_nothing(member_factory):
    """`bank_account_reject`: staff of the site only (404 otherwise), never while the corporate's
    own sign-up is under review (its request goes with that review)."""
    master = corporate_with_master(username="master01")
    corporate = master.corporate
    staff = member_factory(site=corporate.site, username="operator2x", staff=True)
    request = pending_create(corporate, "110123456789")
    with pytest.raises(NotFound):
        bank_account_reject(
            site=corporate.site, staff=master.member, account_id=request.pk, reason="x"
        )
    Corporate.objects.filter(pk=corporate.pk).update(status=Corporate.Status.PENDING_REVIEW)
    with pytest.raises(Conflict) as refused:
        bank_account_reject(site=corporate.site, staff=staff, account_id=request.pk, reason="x")
    assert refused.value.code == "corporate_not_approved"
    request.refresh_from_db()
    assert (request.status, request.reject_reason) == (Status.PENDING, "")
    assert not CorporateEvent.objects.filter(type="account_rejected").exists()
    Corporate.objects.filter(pk=corporate.pk).update(status=Corporate.Status.APPROVED)
    rejected = bank_account_reject(
        site=corporate.site, staff=staff, account_id=request.pk, reason="  사본 불명확  "
    )
    assert (rejected.status, rejected.reject_reason) == (Status.DELETED, "사본 불명확")
    assert rejected.deleted_at is not None
