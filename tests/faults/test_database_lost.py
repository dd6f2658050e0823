"""The database connection lost during requests (SPEC §11).

The API served by gunicorn (2 workers of 4 threads, tests/faults/settings.py) on the test run's
PostgreSQL database, while a separate admin connection kills the server's database backends with
`pg_terminate_backend`: at random during a run of requests, then deterministically in the middle
of requests held on a table lock. Every answer is either the normal one or a coded 503
`database_unavailable` JSON with Retry-After — never a 500, never HTML, never a stack trace —
and afterwards the same worker processes answer normally again, without a restart. With one
connection per request (the default) and with persistent connections (DB_CONN_MAX_AGE, health
checks on). tests/api/contract/test_database_unavailable.py is the in-process version.
"""

import http.client
import json
import threading
import time
import uuid
from dataclasses import dataclass, field

import psycopg
import pytest
from django.db import connection

from domain.members.models import Member
from domain.purchases.models import Purchase
from tests.conftest import bearer_for
from tests.factories.corporates import corporate_with_master
from tests.factories.members import MemberFactory
from tests.ports import free_port

from .processes import PORTS, database_url, gunicorn, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

STORM_SECONDS = 3
CLIENTS = 6


@dataclass(frozen=True)
class Call:
    """One request and the status it answers when the database is there."""

    name: str
    method: str
    path: str
    normal: int
    headers: dict = field(default_factory=dict)
    body: dict | None = None
    fresh_key: bool = False  # a new Idempotency-Key each time


@dataclass(frozen=True)
class Answer:
    call: Call
    status: int
    headers: dict
    body: bytes
    key: str = ""  # its Idempotency-Key, if any

    @property
    def unavailable(self) -> bool:
        return self.status == 503


def send(port: int, call: Call, key: str = "") -> Answer:
    headers = {"Accept-Language": "en", **call.headers}
    body = None
    if call.body is not None:
        body = json.dumps(call.body).encode()
        headers["Content-Type"] = "application/json"
    if call.fresh_key:
        key = headers["Idempotency-Key"] = key or str(uuid.uuid4())
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(call.method, call.path, body=body, headers=headers)
        response = conn.getresponse()
        return Answer(call, response.status, dict(response.getheaders()), response.read(), key)
    except (OSError, http.client.HTTPException) as error:  # no answer at all: status 0
        return Answer(call, 0, {}, repr(error).encode(), key)
    finally:
        conn.close()


def check(answer: Answer) -> str:
    """'normal' or 'unavailable'; anything else fails the test with the answer."""
    shown = f"{answer.call.name}: {answer.status} {answer.body[:500]!r}"
    assert answer.headers.get("Content-Type", "").startswith("application/json"), shown
    for trace in (b"Traceback", b'File "', b"psycopg", b"OperationalError"):
        assert trace not in answer.body, shown
    if answer.status == answer.call.normal:
        return "normal"
    assert answer.status == 503, shown
    body = json.loads(answer.body)
    assert body["type"] == "server_error", shown
    assert [error["code"] for error in body["errors"]] == ["database_unavailable"], shown
    assert int(answer.headers["Retry-After"]) > 0, shown
    return "unavailable"


def calls() -> tuple[list[Call], int]:
    """Reads and writes, anonymous and signed in, on two sites (data made here, committed);
    and the company the purchases are for."""
    member = MemberFactory()
    master = corporate_with_master()
    corporate = master.corporate
    corporate.monthly_purchase_limit = 10**12  # room for every purchase of the run
    corporate.save()
    me = "/api/v1/sites/yongin-library/members/me/"
    purchases = "/api/v1/sites/onnuri-biz/purchases/"
    as_member = {"Authorization": bearer_for(member)["HTTP_AUTHORIZATION"]}
    as_master = {"Authorization": bearer_for(master.member)["HTTP_AUTHORIZATION"]}
    run = [
        Call("sites", "GET", "/api/v1/sites/", 200),
        Call("me", "GET", me, 200, as_member),
        Call("me-edit", "PATCH", me, 200, as_member, {"email": "edited@example.com"}),
        Call("purchases", "GET", purchases, 200, as_master),
        Call("purchase", "POST", purchases, 201, as_master, {"amount": 1_000_000}, True),
    ]
    return run, corporate.pk


class Admin:
    """A connection of its own to the test database: kills the server's backends."""

    def __init__(self, spared: int):
        self.conn = psycopg.connect(database_url(), autocommit=True)
        self.spared = spared  # the test's own Django connection (its teardown needs it)

    def backends(self, where: str = "true") -> list[int]:
        rows = self.conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND backend_type = 'client backend' AND pid <> pg_backend_pid() AND pid <> %s"
            f" AND {where}",
            [self.spared],
        ).fetchall()
        return [pid for (pid,) in rows]

    def terminate(self, pids: list[int]) -> int:
        for pid in pids:
            self.conn.execute("SELECT pg_terminate_backend(%s)", [pid])
        return len(pids)

    def close(self) -> None:
        self.conn.close()


@pytest.fixture(params=["0", "60"], ids=["connection-per-request", "persistent-connections"])
def server(request, tmp_path):
    port = free_port(PORTS)
    with gunicorn(port, tmp_path / "gunicorn.log", DB_CONN_MAX_AGE=request.param) as process:
        wait_for(
            lambda: process.children() and _answers(port),
            seconds=30,
            what="gunicorn to answer",
            every=0.2,
            logs=[process],
        )
        yield port, process


def _answers(port: int) -> bool:
    return send(port, Call("sites", "GET", "/api/v1/sites/", 200)).status == 200


def test_killed_database_connections_answer_coded_503s_and_the_server_recovers(server):
    port, process = server
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (own_pid,) = cursor.fetchone()
    run, corporate_id = calls()
    answers: list[Answer] = []  # every answer of the test

    def call(call: Call, key: str = "") -> Answer:
        answers.append(answer := send(port, call, key))
        return answer

    def started(calls: list[Call]) -> tuple[list[threading.Thread], list[Answer]]:
        """The calls sent at once, each from a thread; their answers as they come."""
        got: list[Answer] = []
        threads = [threading.Thread(target=lambda c=c: got.append(call(c))) for c in calls]
        for thread in threads:
            thread.start()
        return threads, got

    def joined(threads: list[threading.Thread]) -> None:
        for thread in threads:
            thread.join(timeout=60)

    admin = Admin(spared=own_pid)
    try:
        # 1. Normal answers; the worker processes serving them.
        assert {check(call(c)) for c in run} == {"normal"}
        workers = process.children()
        assert len(workers) == 2

        # 2. A run of requests from 6 clients while every server backend is killed, 10 times a
        # second, for 3 s: wherever a request is (authentication, a query, a commit).
        stop = threading.Event()

        def client(index: int) -> None:
            while not stop.is_set():
                call(run[index % len(run)])
                index += 1

        clients = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
        for thread in clients:
            thread.start()
        killed = 0
        deadline = time.monotonic() + STORM_SECONDS
        while time.monotonic() < deadline:
            killed += admin.terminate(admin.backends())
            time.sleep(0.1)
        stop.set()
        for thread in clients:
            thread.join(timeout=60)
        outcomes = [check(answer) for answer in answers]
        assert killed and "normal" in outcomes

        # 3. Requests held in the middle (their query waits on a table lock the admin holds),
        # then their backends killed: each of them answers the coded 503.
        held = [c for c in run if c.name != "sites"]  # all of them read the members table

        def all_held() -> list[int]:
            found = admin.backends("wait_event_type = 'Lock'")
            return found if len(found) == len(held) else []

        with psycopg.connect(database_url()) as lock:  # released on leaving, whatever happens
            lock.execute(f'LOCK TABLE "{Member._meta.db_table}" IN ACCESS EXCLUSIVE MODE')
            threads, stuck = started(held)
            waiting = wait_for(
                all_held, seconds=30, what="every request to wait on the lock", logs=[process]
            )
            admin.terminate(waiting)
        joined(threads)
        assert [check(answer) for answer in stuck] == ["unavailable"] * len(held)

        # 4. Recovery: the same processes answer every call normally, one after another and
        # all at once.
        for _ in range(3):
            assert {check(call(c)) for c in run} == {"normal"}
        threads, together = started(run * 2)
        joined(threads)
        assert [check(answer) for answer in together] == ["normal"] * len(run) * 2
        assert process.alive() and process.children() == workers  # no restart

        # 5. Each purchase that answered 503, sent again with its Idempotency-Key, is made
        # once: now if its transaction was lost, or replayed if it had committed after all.
        posted = [a for a in answers if a.call.name == "purchase"]
        again = [call(a.call, a.key) for a in posted if a.unavailable]
        assert again and {check(answer) for answer in again} == {"normal"}
        made = {a.key for a in answers if a.call.name == "purchase" and a.status == 201}
        assert Purchase.objects.filter(corporate_id=corporate_id).count() == len(made)
    finally:
        admin.close()
    log = process.output()
    assert "Traceback" not in log, log[-5000:]
