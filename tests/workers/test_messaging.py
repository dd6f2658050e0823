import pytest
from django.db import transaction
from django.utils.module_loading import import_string

from domain.messaging.backends import locmem
from domain.messaging.models import OutboxMessage
from domain.messaging.services import outbox_sms
from workers.messaging import deliver_due_messages, deliver_message


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    locmem.outbox.clear()
    yield
    locmem.outbox.clear()


@pytest.mark.django_db
def test_deliver_message_sends_once():
    message = outbox_sms(to="01012345678", body="안내")
    assert deliver_message(message.pk) == "sent"
    assert deliver_message(message.pk) == "sent"
    assert len(locmem.outbox) == 1


@pytest.mark.django_db
def test_deliver_due_messages_returns_the_number_sent():
    outbox_sms(to="01012345678", body="하나")
    outbox_sms(to="01012345679", body="둘")
    assert deliver_due_messages() == 2
    assert deliver_due_messages() == 0


@pytest.mark.django_db
def test_commit_queues_the_job_through_django_q(django_capture_on_commit_callbacks):
    # Q_CLUSTER sync=True in tests: async_task runs workers.messaging.deliver_message at once.
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        message = outbox_sms(to="01012345678", body="안내")
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert [m.to for m in locmem.outbox] == ["01012345678"]


def test_job_paths_resolve():
    from domain.messaging.services import DELIVER_TASK
    from workers.schedules import PERIODIC

    assert import_string(DELIVER_TASK) is deliver_message
    funcs = {job.func for job in PERIODIC}
    assert "workers.messaging.deliver_due_messages" in funcs
    assert import_string("workers.messaging.deliver_due_messages") is deliver_due_messages
