"""`make run` stops cleanly on SIGTERM: the real stack, in the background.

A throwaway VAR_DIR (SQLite, migrated first; the test run's own database and broker settings
are dropped) and a free port of 18300–18399. `make -o demo run` runs the recipe without its
demo-data prerequisite. SIGTERM goes to make's whole process group, as `timeout` and systemd
send it (make passes one more to its recipe): before the fix every process got it repeatedly and
django-q2 printed hundreds of RecursionError lines, then make reported a segmentation fault.
"""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.ports import free_port

pytestmark = pytest.mark.stack

ROOT = Path(__file__).resolve().parents[2]
PORTS = range(18300, 18400)
DROPPED = ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "MAKEFLAGS", "MAKELEVEL")


def stack_env(var_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in DROPPED}
    env["VAR_DIR"] = str(var_dir)
    return env


def stack_processes(var_dir: Path) -> list[int]:
    """Every live process started with this VAR_DIR (make, the launcher, the API, the worker
    and its processes), from /proc."""
    marker = f"VAR_DIR={var_dir}".encode()
    pids = []
    for entry in Path("/proc").iterdir():
        try:
            environ = (entry / "environ").read_bytes()
        except (OSError, ValueError):
            continue
        if marker in environ.split(b"\0"):
            pids.append(int(entry.name))
    return pids


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health/", timeout=2) as r:  # noqa: S310
            return r.status == 200
    except OSError:
        return False


def test_make_run_stops_cleanly_on_sigterm(tmp_path):
    var_dir = tmp_path / "var"
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env={**stack_env(var_dir), "DJANGO_SETTINGS_MODULE": "backend.settings.local"},
        check=True,
        capture_output=True,
        timeout=180,
    )
    port = free_port(PORTS)
    log_path = tmp_path / "run.log"
    with log_path.open("wb") as log:
        make = subprocess.Popen(
            ["make", "-o", "demo", "run", f"PORT={port}", f"BIN={Path(sys.executable).parent}"],
            cwd=ROOT,
            env=stack_env(var_dir),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, as in a terminal
        )
        try:
            for _ in range(300):
                output = log_path.read_text(errors="replace")
                if "running." in output and healthy(port):
                    break
                assert make.poll() is None, output
                time.sleep(0.2)
            else:
                raise AssertionError(f"the stack did not come up:\n{output}")
            os.killpg(make.pid, signal.SIGTERM)
            make.wait(timeout=20)  # bounds a hang; the graceful stop takes a few seconds
        finally:
            for pid in stack_processes(var_dir):
                os.kill(pid, signal.SIGKILL)
    output = log_path.read_text(errors="replace")
    for trouble in ("Traceback", "RecursionError", "Segmentation fault", "did not stop"):
        assert trouble not in output, output[-3000:]
    assert "has stopped." in output  # django-q2's own graceful stop
    assert stack_processes(var_dir) == []  # nothing outlives make
    assert not healthy(port)
