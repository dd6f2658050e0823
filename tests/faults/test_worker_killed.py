"""Workers killed while sending a dispatch (SPEC §7.4, §9).

Real django-q2 clusters (`manage.py qcluster`, tests/faults/settings.py) on the test run's
PostgreSQL database are killed with SIGKILL — every process of the cluster at once — and fresh
ones take over. The texts go through the `file` backend, which keeps what it took on disk (one
file per request id and number), so the texts of every process can be counted afterwards; the
console backend writes them to the cluster's output.

The task is queued as the create endpoint queues it (on commit). Afterwards this test stands in
for django-q2's scheduler, which looks at its schedules only every 30 s: it queues the periodic
job `dispatches-send-due` (workers.dispatches.send_due_dispatches) every second until the
dispatch is completed. The killed cluster's task also comes back from the broker (retry 10 s).
"""

import json
import re
import time
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from domain.dispatches.models import Dispatch, DispatchEvent, DispatchEventType, Recipient
from domain.dispatches.sending import SEND_TASK, claim_code_hash
from domain.purchases.models import Purchase
from tests.factories.corporates import corporate_with_master
from tests.factories.dispatches import dispatch_make, recipients_of
from tests.factories.purchases import approved_purchase

from .processes import Process, enqueue, qcluster, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

Status = Recipient.Status
PERIODIC_JOB = "workers.dispatches.send_due_dispatches"
CODE = re.compile(rf"{re.escape(settings.GIFT_URL_BASE.rstrip('/'))}/([a-z2-7]+)\s*$")


def dispatch_of(count: int) -> Dispatch:
    """An immediate dispatch of `count` recipients (10,000 won each), its total reserved."""
    master = corporate_with_master()
    purchase = approved_purchase(master, 10_000 * count + 1_000_000)
    return dispatch_make(manager=master, purchase=purchase, recipients=recipients_of(count))


def states(dispatch: Dispatch) -> Counter:
    return Counter(Recipient.objects.filter(dispatch=dispatch).values_list("status", flat=True))


def periodic_job_until_completed(dispatch: Dispatch, *, cluster: Process, seconds: float):
    """Queue the periodic job every second, as the scheduler would every minute, until the
    dispatch is completed."""
    deadline = time.monotonic() + seconds
    while Dispatch.objects.get(pk=dispatch.pk).status != Dispatch.Status.COMPLETED:
        assert cluster.alive(), cluster.output()[-3000:]
        assert time.monotonic() < deadline, (states(dispatch), cluster.output()[-3000:])
        enqueue(PERIODIC_JOB)
        time.sleep(1)


def file_texts(directory: Path) -> list[dict]:
    """What the file backend took: {to, body, …} per file."""
    return [json.loads(path.read_text(encoding="utf-8")) for path in directory.glob("*.json")]


def console_texts(*clusters: Process) -> list[dict]:
    """What the console backend printed in the clusters' output: {to, body} per message."""
    block = re.compile(
        r"^\[(?:SMS|LMS|MMS)\] from \S+ to (\d+) \(console-[0-9a-f]+\)\n(.*?)\n-{79}$",
        re.MULTILINE | re.DOTALL,
    )
    return [
        {"to": to, "body": body}
        for cluster in clusters
        for to, body in block.findall(cluster.output())
    ]


def assert_sent_once_and_books_add_up(dispatch: Dispatch, texts: list[dict]) -> Counter:
    """The database says every recipient was sent once, and spent once; each recipient's texts
    (one or more) all carry the one link that works for it. Returns the texts per number."""
    dispatch.refresh_from_db()
    assert dispatch.status == Dispatch.Status.COMPLETED
    recipients = {r.mobile: r for r in Recipient.objects.filter(dispatch=dispatch)}
    assert {r.status for r in recipients.values()} == {Status.SENT}

    ours = [text for text in texts if text["to"] in recipients]
    per_number = Counter(text["to"] for text in ours)
    assert set(per_number) == set(recipients)  # nobody left out
    for text in ours:
        (code,) = CODE.findall(text["body"])
        assert claim_code_hash(code) == recipients[text["to"]].claim_code_hash

    batches = DispatchEvent.objects.filter(dispatch=dispatch, type=DispatchEventType.BATCH_SENT)
    recorded = Counter(pk for event in batches for pk in event.parameters["recipients"])
    assert recorded == Counter({r.pk: 1 for r in recipients.values()})  # recorded once each
    assert sum(event.amount for event in batches) == dispatch.total

    purchase = Purchase.objects.get(pk=dispatch.purchase_id)
    spent = sum(r.amount for r in recipients.values())
    assert purchase.balance + purchase.reserved + spent == purchase.amount
    assert (purchase.reserved, purchase.balance) == (0, purchase.amount - dispatch.total)
    return per_number


def test_a_worker_killed_mid_dispatch_and_a_fresh_one_text_each_of_2000_recipients_once(
    tmp_path,
):
    dispatch = dispatch_of(2000)
    gateway = {"SMS_BACKEND": "file", "SMS_FILE_DIR": str(tmp_path / "gateway")}
    enqueue(SEND_TASK, dispatch.pk)  # as the create endpoint does

    with qcluster(tmp_path / "first.log", **gateway) as first:
        # Killed once 3 batches are recorded and a 4th is claimed, at the gateway (it may have
        # been recorded by the time the signal lands; the next test pins that window down).
        wait_for(
            lambda: (now := states(dispatch))[Status.SENT] >= 300 and now[Status.SENDING],
            seconds=30,
            what="3 batches sent and a 4th in flight",
            logs=[first],
        )
        first.kill()
    at_kill = states(dispatch)
    assert 300 <= at_kill[Status.SENT] < 2000, at_kill  # killed in the middle

    with qcluster(tmp_path / "second.log", **gateway) as second:
        periodic_job_until_completed(dispatch, cluster=second, seconds=40)

    texts = file_texts(tmp_path / "gateway")
    per_number = assert_sent_once_and_books_add_up(dispatch, texts)
    assert set(per_number.values()) == {1}  # exactly once: 2,000 files, one per number
    assert len(per_number) == 2000


@pytest.mark.parametrize(
    "backend, dead_batch_texted",
    [
        pytest.param("file", 1, id="file-exactly-once"),
        pytest.param("console", 2, id="console-at-least-once"),
    ],
)
def test_a_worker_killed_after_the_gateway_took_a_batch_before_recording_it(
    tmp_path, backend, dead_batch_texted
):
    """The worker dies between the gateway's answer and the recording of batch 2 of 3. A fresh
    cluster sends batch 3, and batch 2 again under its key once its lease has passed: the file
    backend (idempotent request id) does not deliver it twice, the console backend does (README
    "Sending and delivery guarantees"). The money moves once either way."""
    dispatch = dispatch_of(300)
    marker = tmp_path / "hung"
    directory = {"SMS_FILE_DIR": str(tmp_path / "gateway")}
    enqueue(SEND_TASK, dispatch.pk)

    with qcluster(
        tmp_path / "first.log",
        SMS_BACKEND=f"tests.faults.gateways.Hanging{backend.capitalize()}Backend",
        FAULTS_HANG_AFTER_BATCH="2",
        FAULTS_HUNG_MARKER=str(marker),
        **directory,
    ) as first:
        wait_for(marker.exists, seconds=30, what="the gateway to take batch 2", logs=[first])
        first.kill()
    dead_key = marker.read_text()
    assert dead_key.startswith(f"{dispatch.pk}-"), dead_key
    dead = set(
        Recipient.objects.filter(dispatch=dispatch, batch_key=dead_key).values_list(
            "mobile", flat=True
        )
    )
    assert len(dead) == 100
    assert states(dispatch) == {Status.SENT: 100, Status.SENDING: 100, Status.QUEUED: 100}
    purchase = Purchase.objects.get(pk=dispatch.purchase_id)
    assert purchase.reserved == dispatch.total - 100 * 10_000  # batch 2 not spent: not recorded

    with qcluster(tmp_path / "second.log", SMS_BACKEND=backend, **directory) as second:
        periodic_job_until_completed(dispatch, cluster=second, seconds=40)

    texts = file_texts(tmp_path / "gateway") if backend == "file" else console_texts(first, second)
    per_number = assert_sent_once_and_books_add_up(dispatch, texts)
    twice = {to for to, n in per_number.items() if n == 2}
    assert twice == (dead if dead_batch_texted == 2 else set())
    assert set(per_number.values()) == {1, dead_batch_texted}
    # Batch 2 went out again with the same links: a second text, never a second gift.
    assert DispatchEvent.objects.filter(
        dispatch=dispatch,
        type=DispatchEventType.BATCH_RETRIED,
        parameters__batch_key=dead_key,
        parameters__reason="lease_expired",
    ).exists()
