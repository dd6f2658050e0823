"""Concurrent full-member applications get distinct card numbers (SPEC §6).

On PostgreSQL the applications really run at once in 20 threads (the counter row lock is what
keeps the numbers apart). SQLite serialises writers and its shared in-memory test database
refuses concurrent writers, so there the same threads run one after another.
"""

import threading

import pytest
from django.db import connection

from domain.audit.services import RequestContext
from domain.library.models import LibraryProfile
from domain.library.upgrades import full_member_apply
from domain.sites.models import Site
from tests.factories.members import MemberFactory

APPLICANTS = 20


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_concurrent_applications_get_twenty_distinct_card_numbers():
    site = Site.objects.get(slug="yongin-library")
    members = [MemberFactory(site=site, username=f"applicant{i:02d}") for i in range(APPLICANTS)]
    concurrent = connection.vendor == "postgresql"
    barrier = threading.Barrier(APPLICANTS if concurrent else 1)
    errors: list[BaseException] = []

    def apply(member):
        try:
            barrier.wait(timeout=30)
            full_member_apply(
                member=member,
                actor=member,
                consent=True,
                rrn_back="1000001",
                loan_pin="1234",
                loan_pin_confirm="1234",
                context=RequestContext(),
            )
        except BaseException as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=apply, args=(member,)) for member in members]
    for thread in threads:
        thread.start()
        if not concurrent:
            thread.join()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = list(
        LibraryProfile.objects.filter(level="full").values_list("card_number", flat=True)
    )
    assert len(numbers) == APPLICANTS
    assert len(set(numbers)) == APPLICANTS
    assert all(len(n) == 10 and n.isdigit() for n in numbers)
