"""Where a secret could end up, read as text, and the search for it (SPEC §14).

- `database_text()`: every row of every table of the database, by raw SQL over the tables the
  database itself lists (not only Django's models: django-q2's task, queue and schedule tables,
  the outbox and the token blacklist included), plus the decoded payloads of django-q2's
  pickled and signed columns, which raw SQL shows only as base64.
- `log_text(records)`: captured log records, whole (message, arguments, extras, traceback).
- `Secret` and `leaks()`: a value and its usual transformations (digits without dashes, with
  dashes, unkeyed hashes, base64, URL quoting), searched in each place.

`database_snapshot()` (the rows of every table) is also what the permission sweep compares
before and after each refused call.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import urllib.parse
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection


def _tables() -> list[str]:
    with connection.cursor() as cursor:
        return sorted(connection.introspection.table_names(cursor))


def _value(value):
    if isinstance(value, memoryview):
        value = bytes(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "backslashreplace")
    return value


def database_rows() -> dict[str, list[tuple]]:
    """Every row of every table in the database, by raw SQL."""
    quote = connection.ops.quote_name
    found = {}
    with connection.cursor() as cursor:
        for table in _tables():
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 (names from the catalogue)
            found[table] = [tuple(_value(v) for v in row) for row in cursor.fetchall()]
    return found


def database_snapshot() -> dict[str, list[str]]:
    """The rows of every table, comparable across calls (order-independent)."""
    return {table: sorted(map(repr, rows)) for table, rows in database_rows().items()}


def snapshot_changes(before: dict[str, list[str]], after: dict[str, list[str]]) -> list[str]:
    """Tables whose rows differ, with the rows that appeared or disappeared."""
    changes = []
    for table in sorted(set(before) | set(after)):
        old, new = set(before.get(table, [])), set(after.get(table, []))
        if old != new:
            changes.append(f"{table}: -{sorted(old - new)} +{sorted(new - old)}")
    return changes


def task_payloads() -> list[str]:
    """django-q2's task arguments, results and queued packages, decoded."""
    from django_q.models import OrmQ, Schedule, Task

    found = []
    for task in Task.objects.all():
        found.append(repr((task.func, task.args, task.kwargs, task.result)))
    for queued in OrmQ.objects.all():
        found.append(repr(queued.task()))
    for schedule in Schedule.objects.all():
        found.append(repr((schedule.func, schedule.args, schedule.kwargs)))
    return found


def database_text() -> str:
    rows = database_rows()
    lines = [f"{table} {row!r}" for table, table_rows in rows.items() for row in table_rows]
    return "\n".join(lines + task_payloads())


def log_text(records: list[logging.LogRecord]) -> str:
    """Each record whole: the formatted message, its arguments and extras, any traceback."""
    formatter = logging.Formatter()
    lines = []
    for record in records:
        lines.append(record.getMessage())
        lines.append(repr(record.__dict__))
        if record.exc_info:
            lines.append(formatter.formatException(record.exc_info))
        if record.stack_info:
            lines.append(record.stack_info)
    return "\n".join(lines)


@contextmanager
def every_logger_at_debug(caplog):
    """caplog receives DEBUG records from every logger, those configured higher (django_q at
    WARNING) and those that do not propagate included, until the block ends."""
    caplog.set_level(logging.DEBUG)
    attached = []
    for name in list(logging.root.manager.loggerDict):
        logger = logging.getLogger(name)
        caplog.set_level(logging.DEBUG, logger=name)
        if not logger.propagate and caplog.handler not in logger.handlers:
            logger.addHandler(caplog.handler)
            attached.append(logger)
    try:
        yield
    finally:
        for logger in attached:
            logger.removeHandler(caplog.handler)


# --- secrets and their forms --------------------------------------------------------------


@dataclass(frozen=True)
class Secret:
    """A recognisable value seeded through a flow; `forms` are other spellings of the same
    secret known to the flow (a full RRN beside its back digits)."""

    kind: str  # "rrn", "verification code", "temporary password", …
    value: str
    forms: tuple[str, ...] = ()
    # Where the secret may legitimately appear: a verification token is handed to its client.
    allowed_in: frozenset[str] = field(default_factory=frozenset)

    def variants(self) -> set[str]:
        found = set()
        for value in (self.value, *self.forms):
            found |= _spellings(value)
        return found


def _spellings(value: str) -> set[str]:
    spellings = {value, urllib.parse.quote(value, safe="")}
    digits = re.sub(r"\D", "", value)
    if len(digits) >= 6 and digits != value:
        spellings.add(digits)  # without dashes or spaces
    if len(digits) == 13:  # an RRN: 6-7 with a dash
        spellings.add(f"{digits[:6]}-{digits[6:]}")
    for algorithm in ("md5", "sha1", "sha256"):  # an unkeyed hash is the value for short codes
        spellings.add(hashlib.new(algorithm, value.encode()).hexdigest())
    spellings.add(base64.b64encode(value.encode()).decode().rstrip("="))
    spellings.add(base64.urlsafe_b64encode(value.encode()).decode().rstrip("="))
    return spellings


def _pattern(spelling: str) -> re.Pattern:
    # Not inside a longer run of letters and digits: a 6-digit code is not "found" in a hex
    # digest or in a timestamp's microseconds that happen to contain it.
    return re.compile(r"(?<![0-9A-Za-z.])" + re.escape(spelling) + r"(?![0-9A-Za-z])")


def leaks(secrets: list[Secret], places: dict[str, str]) -> list[str]:
    """`"<kind> <value> in <place> as <spelling>"` for every secret found in a place."""
    found = []
    for secret in secrets:
        patterns = {spelling: _pattern(spelling) for spelling in secret.variants()}
        for place, text in places.items():
            if place in secret.allowed_in:
                continue
            for spelling, pattern in patterns.items():
                if pattern.search(text):
                    found.append(f"{secret.kind} {secret.value!r} in {place} as {spelling!r}")
    return found
