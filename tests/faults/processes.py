"""Real processes on the test run's own PostgreSQL database, for tests/faults: django-q2 clusters
(`manage.py qcluster`) and gunicorn, with tests/faults/settings.py. Each one gets its own process
group, so SIGKILL takes all of it at once (django-q2's sentinel, pusher, monitor and workers;
gunicorn's arbiter and workers), as when a machine or a container dies.

The test database is pytest-django's (`test_<name>`); tests that start these processes use
`django_db(transaction=True)`, so what they write is committed and the processes see it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.db import connection

from bench.served import gunicorn_command

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = "tests.faults.settings"
PORTS = range(18900, 18950)  # tests/ports.py
# The test run's own choices; the processes get theirs from SETTINGS and from the caller.
DROPPED = (
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_SETTINGS_MODULE",
    "SMS_BACKEND",
    "SMS_FILE_DIR",
    "MAKEFLAGS",
    "MAKELEVEL",
)


def database_url() -> str:
    """The URL of the database this test runs on (pytest-django's test database)."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        user += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "localhost"
    return f"postgres://{user}@{host}:{db['PORT'] or 5432}/{quote(db['NAME'], safe='')}"


class Process:
    """A command in its own process group, its output appended to `log`."""

    def __init__(self, args: list[str], *, log: Path, env: dict[str, str]):
        self.log = log
        environment = {k: v for k, v in os.environ.items() if k not in DROPPED}
        environment.update(
            DJANGO_SETTINGS_MODULE=SETTINGS,
            DATABASE_URL=database_url(),
            PYTHONUNBUFFERED="1",
            **env,
        )
        with log.open("ab") as out:
            self.popen = subprocess.Popen(
                args,
                cwd=ROOT,
                env=environment,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def children(self) -> set[int]:
        """The pids of its direct children (gunicorn's workers), from /proc."""
        path = Path(f"/proc/{self.pid}/task/{self.pid}/children")
        return {int(pid) for pid in path.read_text().split()} if path.exists() else set()

    def kill(self) -> None:
        """SIGKILL to every process of the group: nothing gets to clean up."""
        with contextlib.suppress(ProcessLookupError):  # the group is gone already
            os.killpg(self.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def __enter__(self) -> Process:
        return self

    def __exit__(self, *exc_info) -> None:
        self.kill()


def qcluster(log: Path, **env: str) -> Process:
    """A django-q2 cluster (one worker, the ORM broker on the test database)."""
    return Process([sys.executable, "manage.py", "qcluster"], log=log, env=env)


def gunicorn(port: int, log: Path, **env: str) -> Process:
    """The API under gunicorn: 2 workers of 4 threads each."""
    return Process(gunicorn_command(port, workers=2, threads=4, keep_alive=5), log=log, env=env)


def enqueue(func: str, *args: Any) -> str:
    """Put a task on the ORM broker for the clusters, as the create endpoint (on commit) and
    django-q2's scheduler do. The test settings run tasks synchronously: not this one."""
    from django_q.tasks import async_task

    return async_task(func, *args, sync=False)


def wait_for(
    condition: Callable[[], Any], *, seconds: float, what: str, every: float = 0.02, logs=()
) -> Any:
    """Poll `condition` until it is true (returned); fail after `seconds`, or as soon as one of
    the processes `logs` has died, showing their output."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and all(process.alive() for process in logs):
        if value := condition():
            return value
        time.sleep(every)
    tails = "\n".join(f"--- {p.log.name}\n{p.output()[-3000:]}" for p in logs)
    raise AssertionError(f"gave up waiting for {what} (or a process died)\n{tails}")
