"""The production processes of the `Procfile`, started as an operator would (docs "Deployment"):
each line run by a shell with the production settings and the environment given, the virtual
environment's `bin` first on PATH. Used by the static files' browser test and `make multihost`.

Each "host" gets a directory of its own: its `VAR_DIR` (SQLite file if any, static files, the
`file` SMS backend's texts, private files on disk) and its runtime directory (gunicorn's control
socket), so two hosts on one machine share no disk.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# A developer's or CI's own choices that must not reach the processes: they get theirs here.
DROPPED = (
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_SETTINGS_MODULE",
    "VAR_DIR",
    "PRIVATE_MEDIA_ROOT",
    "PRIVATE_STORAGE_BUCKET",
    "SMS_BACKEND",
    "SMS_FILE_DIR",
    "MAKEFLAGS",
    "MAKELEVEL",
    "PORT",
    "WEB_CONCURRENCY",
    "GUNICORN_CMD_ARGS",
)
GIFT_APP_SECRET = "multihost-gift-app-secret-" + "k3" * 16


def procfile() -> dict[str, str]:
    """process name → command."""
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip())


def production_env(host: Path, **variables: str) -> dict[str, str]:
    """A staging deployment's environment for the host whose directory is `host`: production
    settings, the sandbox providers allowed by the opt-in (SPEC §12), fresh keys."""
    env = {k: v for k, v in os.environ.items() if k not in DROPPED}
    runtime = host / "run"
    runtime.mkdir(parents=True, exist_ok=True, mode=0o700)
    env.update(
        DJANGO_SETTINGS_MODULE="backend.settings.production",
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        PYTHONUNBUFFERED="1",
        XDG_RUNTIME_DIR=str(runtime),
        VAR_DIR=str(host / "var"),
        SECRET_KEY=secrets.token_urlsafe(48),
        IDENTITY_HASH_KEY=secrets.token_urlsafe(48),
        GIFT_APP_SECRETS=f'{{"onnuri-biz": "{GIFT_APP_SECRET}"}}',
        UNSAFE_ALLOW_SANDBOX_PROVIDERS="yes-this-is-staging",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        LOG_LEVEL="WARNING",
    )
    env.update(variables)
    return env


def run(command: str, env: dict[str, str], *, log: Path, timeout: float = 300) -> None:
    """A one-off command (the `release` line, `collectstatic`) to its end; fails with its log."""
    with log.open("ab") as out:
        done = subprocess.run(  # noqa: S603
            ["bash", "-c", command],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=timeout,
        )
    assert done.returncode == 0, f"{command} failed:\n{log.read_text()[-4000:]}"


class Process:
    """A long-running Procfile line in a process group of its own, its output in `log`."""

    def __init__(self, name: str, env: dict[str, str], *, log: Path):
        self.name = name
        self.log = log
        with log.open("ab") as out:
            self.popen = subprocess.Popen(  # noqa: S603
                ["bash", "-c", f"exec {procfile()[name]}"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def alive(self) -> bool:
        return self.popen.poll() is None

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def stop(self) -> None:
        """One SIGTERM to the process (gunicorn's arbiter and django-q2's cluster stop their own
        children on it, as a Procfile runner's stop does), then SIGKILL to whatever of its
        group is left, after 20 s at most."""
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                self.popen.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout=20)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)


def wait_until_answering(
    origin: str, process: Process, path: str = "/api/v1/health/", seconds: float = 90
) -> None:
    """Until `GET <path>` answers 200 (by default the health check: the database and the broker
    answer); fails with the log if the process dies."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.alive(), f"{process.name} exited:\n{process.output()[-4000:]}"
        with (
            contextlib.suppress(OSError, urllib.error.URLError),
            urllib.request.urlopen(f"{origin}{path}", timeout=5) as answer,  # noqa: S310
        ):
            if answer.status == 200:
                return
        time.sleep(0.3)
    raise AssertionError(f"{process.name} did not answer:\n{process.output()[-4000:]}")
