"""Two masters' tabs transfer the role at once: one wins, there is never a second master
(SPEC §7.1 "Exactly one master per corporate"; constraint `corporate_single_master`)."""

import threading

import pytest
from django.db import connection

from domain.common.errors import DomainError
from domain.corporates.corporate_admins import corporate_master_transfer
from domain.corporates.models import CorporateManager
from tests.factories.corporates import corporate_with_master, manager_create


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_transfers_leave_exactly_one_master():
    master = corporate_with_master(username="master01", mobile="01011112222")
    corporate = master.corporate
    targets = [
        manager_create(corporate=corporate, username="generala1", mobile="01033334444"),
        manager_create(corporate=corporate, username="generalb1", mobile="01055556666"),
    ]
    # SQLite serialises writers and its shared in-memory test database does not wait for
    # locks the way a file does: there the two calls run in threads one after the other.
    sequential = connection.vendor == "sqlite"
    barrier = threading.Barrier(1 if sequential else 2)
    outcomes: dict[int, str] = {}

    def transfer(target: CorporateManager) -> None:
        try:
            barrier.wait(timeout=10)
            corporate_master_transfer(manager=master, target_id=f"admin-{target.pk}")
            outcomes[target.pk] = "ok"
        except DomainError as exc:
            outcomes[target.pk] = exc.code
        finally:
            connection.close()

    threads = [threading.Thread(target=transfer, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
        if sequential:
            thread.join()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["ok", "transfer_conflict"]
    assert CorporateManager.objects.filter(corporate=corporate, role="master").count() == 1
    winner = next(pk for pk, outcome in outcomes.items() if outcome == "ok")
    assert CorporateManager.objects.get(corporate=corporate, role="master").pk == winner
    assert CorporateManager.objects.get(pk=master.pk).role == "general"
