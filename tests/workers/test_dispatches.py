"""Dispatch sending jobs (workers/dispatches.py): thin entry points over the domain."""

import pytest
from django.utils.module_loading import import_string

from domain.dispatches.models import Dispatch
from domain.dispatches.sending import SEND_TASK
from domain.messaging.backends import locmem
from tests.factories.corporates import corporate_with_master
from tests.factories.dispatches import dispatch_make, recipients_of
from tests.factories.purchases import approved_purchase
from workers.dispatches import dispatch_send, send_due_dispatches
from workers.schedules import PERIODIC


@pytest.fixture(autouse=True)
def _empty_gateway():
    locmem.reset()
    yield
    locmem.reset()


def test_the_jobs_are_declared_and_resolve():
    assert import_string(SEND_TASK) is dispatch_send
    (job,) = [job for job in PERIODIC if job.func == "workers.dispatches.send_due_dispatches"]
    assert (job.name, job.minutes) == ("dispatches-send-due", 1)
    assert import_string(job.func) is send_due_dispatches


@pytest.mark.django_db
def test_the_task_sends_a_dispatch_and_is_safe_to_run_twice():
    master = corporate_with_master()
    dispatch = dispatch_make(
        manager=master, purchase=approved_purchase(master, 100_000), recipients=recipients_of(3)
    )
    assert dispatch_send(dispatch.pk) == Dispatch.Status.COMPLETED
    assert dispatch_send(dispatch.pk) == Dispatch.Status.COMPLETED
    assert dispatch_send(987654) == ""
    assert len(locmem.outbox) == 3
    assert send_due_dispatches() == 0
