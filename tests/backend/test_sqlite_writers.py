"""SQLite writers of one process take turns, first come first served.

`make load` with 20 clients on `make run`'s SQLite answered a login 503 `database_unavailable`
("database is locked"): SQLite's busy handler polls, every 100 ms once a wait is long, while
newer writers poll every few ms, so under a steady stream of short write transactions a writer
that has waited long loses every poll until its busy timeout runs out. The SQLite engine of the
database settings queues the threads of a process for the write lock instead.
"""

import threading

import pytest
from django.db import OperationalError, connections, transaction

from backend.settings.base import database_settings

ALIAS = "writers"
HAMMERS = 8
LATE_WRITERS = 12


@pytest.fixture
def file_database(tmp_path, django_db_blocker):
    """Make the `writers` alias a file database configured exactly as the settings configure
    one, with the given busy timeout (seconds); each thread gets its own connection."""

    def configure(timeout: float) -> None:
        database = database_settings("", tmp_path / "db.sqlite3")
        database["OPTIONS"]["timeout"] = timeout
        configured = connections.configure_settings({"default": database})["default"]
        connections.settings[ALIAS] = configured
        with connections[ALIAS].cursor() as cursor:
            cursor.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, who TEXT)")

    with django_db_blocker.unblock():
        yield configure
        connections[ALIAS].close()
        del connections[ALIAS]
        del connections.settings[ALIAS]


def insert(who: str) -> None:
    connections[ALIAS].cursor().execute("INSERT INTO t (who) VALUES (%s)", [who])


def insert_in_a_transaction() -> None:
    with transaction.atomic(using=ALIAS):
        insert("late")


def insert_in_autocommit() -> None:
    """A statement outside any transaction, as a plain `save()` runs."""
    insert("late")


def test_the_settings_give_every_sqlite_database_the_queueing_engine(tmp_path):
    database = database_settings("", tmp_path / "db.sqlite3")
    assert database["ENGINE"] == "backend.sqlite"
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    other = database_settings(f"sqlite:///{tmp_path}/other.sqlite3", tmp_path / "unused")
    assert other["ENGINE"] == "backend.sqlite"


@pytest.mark.parametrize("write", [insert_in_a_transaction, insert_in_autocommit])
def test_a_writer_that_waited_long_is_not_starved_by_a_stream_of_short_writes(file_database, write):
    file_database(timeout=2)
    stop = threading.Event()
    outcomes: list[str] = []

    def hammer() -> None:
        # One fresh write transaction after another, each holding the lock a moment.
        while not stop.is_set():
            with transaction.atomic(using=ALIAS):
                insert("hammer")
                stop.wait(0.02)
        connections[ALIAS].close()

    def late_writer() -> None:
        try:
            write()
            outcomes.append("written")
        except OperationalError as exc:
            outcomes.append(str(exc))
        finally:
            connections[ALIAS].close()

    hammers = [threading.Thread(target=hammer) for _ in range(HAMMERS)]
    for thread in hammers:
        thread.start()
    try:
        for _ in range(LATE_WRITERS):
            writer = threading.Thread(target=late_writer)
            writer.start()
            writer.join()
    finally:
        stop.set()
        for thread in hammers:
            thread.join()
    assert outcomes == ["written"] * LATE_WRITERS


def test_a_write_that_cannot_get_its_turn_in_time_is_refused_as_locked(file_database):
    file_database(timeout=0.3)
    inside, release = threading.Event(), threading.Event()
    outcomes: list[str] = []

    def holder() -> None:
        with transaction.atomic(using=ALIAS):
            insert("holder")
            inside.set()
            release.wait(5)
        connections[ALIAS].close()

    def waiter() -> None:
        try:
            insert_in_a_transaction()
            outcomes.append("written")
        except OperationalError as exc:
            outcomes.append(str(exc))
        connections[ALIAS].close()

    first = threading.Thread(target=holder)
    first.start()
    inside.wait(5)
    second = threading.Thread(target=waiter)
    second.start()
    second.join()
    release.set()
    first.join()
    assert outcomes == ["database is locked"]
    # The refused writer left the queue: the next one gets in at once.
    insert_in_a_transaction()
    with connections[ALIAS].cursor() as cursor:
        cursor.execute("SELECT who FROM t ORDER BY id")
        assert [row[0] for row in cursor.fetchall()] == ["holder", "late"]
