"""Django's SQLite backend, with the writers of one process taking turns (SPEC §9).

The API (threads of one process) and the worker share one SQLite file (WAL, a busy timeout,
IMMEDIATE transactions: backend.settings.base). SQLite lets one writer in at a time; the others
wait in its busy handler, which polls — every 100 ms once a wait has gone on, every few ms while
it is young. Under a steady stream of short write transactions a writer that has waited long
loses nearly every poll to newer ones until its busy timeout runs out: "database is locked",
a 503 (`make load`, 20 clients, measured it). Here the threads of a process queue for the write
lock first come first served; only the head of the queue meets SQLite's busy handler, against
the other processes (the worker's). A write transaction (BEGIN IMMEDIATE, up to its commit or
rollback) and a write statement outside a transaction queue alike. A turn is waited for at most
`OPTIONS["timeout"]`, SQLite's busy timeout, after which the answer is SQLite's own: "database
is locked".
An in-memory database (tests) has one connection and does not queue.
"""

from __future__ import annotations

import re
import threading
from collections import deque

from django.db.backends.sqlite3 import base

WRITE_STATEMENT = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
DEFAULT_TIMEOUT = 5.0  # seconds: the sqlite3 module's own default


class WriterQueue:
    """A lock handed out in arrival order, with a timeout (`threading.Lock` promises no order)."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._waiting: deque[object] = deque()
        self._held = False

    def acquire(self, timeout: float) -> bool:
        ticket = object()
        with self._changed:
            self._waiting.append(ticket)
            turn = self._changed.wait_for(
                lambda: not self._held and self._waiting[0] is ticket, timeout
            )
            self._waiting.remove(ticket)
            if turn:
                self._held = True
            else:
                self._changed.notify_all()  # a new head of the queue, perhaps
            return turn

    def release(self) -> None:
        with self._changed:
            self._held = False
            self._changed.notify_all()


_queues: dict[str, WriterQueue] = {}
_queues_lock = threading.Lock()


def writer_queue(name: str) -> WriterQueue:
    """The one queue of this process for the database file `name`."""
    with _queues_lock:
        return _queues.setdefault(name, WriterQueue())


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._writer_turn = False

    def _writers(self) -> WriterQueue | None:
        if self.is_in_memory_db():
            return None
        return writer_queue(str(self.settings_dict["NAME"]))

    def writer_enter(self) -> bool:
        """Wait for this connection's turn to write; False if it already has it or there is no
        queue. Raises "database is locked" when the timeout runs out first."""
        queue = self._writers()
        if queue is None or self._writer_turn:
            return False
        timeout = float(self.settings_dict["OPTIONS"].get("timeout", DEFAULT_TIMEOUT))
        if not queue.acquire(timeout):
            raise self.Database.OperationalError("database is locked")
        self._writer_turn = True
        return True

    def writer_leave(self) -> None:
        if self._writer_turn:
            self._writer_turn = False
            self._writers().release()

    def _start_transaction_under_autocommit(self):
        if self.transaction_mode not in {"IMMEDIATE", "EXCLUSIVE"}:
            return super()._start_transaction_under_autocommit()  # readers do not queue
        with self.wrap_database_errors:
            self.writer_enter()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self.writer_leave()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self.writer_leave()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self.writer_leave()

    def _close(self):
        try:
            return super()._close()
        finally:
            self.writer_leave()

    def create_cursor(self, name=None):
        cursor = self.connection.cursor(factory=QueuedCursor)
        cursor.database = self
        return cursor


class QueuedCursor(base.SQLiteCursorWrapper):
    """A write statement outside a transaction takes its turn like a transaction does."""

    database: DatabaseWrapper

    def execute(self, query, params=None):
        with self._turn(query):
            return super().execute(query, params)

    def executemany(self, query, param_list):
        with self._turn(query):
            return super().executemany(query, param_list)

    def _turn(self, query: str):
        database = self.database
        if database.connection.in_transaction or not WRITE_STATEMENT.match(query):
            return _NO_TURN
        return _Turn(database)


class _Turn:
    def __init__(self, database: DatabaseWrapper):
        self.database = database
        self.entered = False

    def __enter__(self):
        self.entered = self.database.writer_enter()

    def __exit__(self, *exc_info):
        if self.entered:
            self.database.writer_leave()


class _NoTurn:
    def __enter__(self):
        return None

    def __exit__(self, *exc_info):
        return None


_NO_TURN = _NoTurn()
