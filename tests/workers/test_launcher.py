"""`make run`'s launcher hands each child one stop signal, once.

The children here are small Python programs that write down every signal they receive; the
launcher runs in a session of its own, as make does in a terminal, and gets the signals a
terminal (Ctrl-C: the whole group), `timeout`/systemd (the whole group) and make (SIGTERM passed
on to its recipe) send. A wait with a timeout only bounds a hang; nothing is timed.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from workers.launcher import commands_parse

ROOT = Path(__file__).resolve().parents[2]
CHILD = """
import os, signal, sys, time
log, mode = sys.argv[1], sys.argv[2]
stopping = []

def got(signum, frame):
    with open(log, "a") as f:
        f.write(signal.Signals(signum).name + "\\n")
    stopping.append(signum)

for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(s, got)
with open(log, "a") as f:
    f.write(f"ready {os.getpid()}\\n")
if mode.startswith("exit-after:"):  # exits 3 once the other child is ready
    while not os.path.exists(mode.split(":", 1)[1]):
        time.sleep(0.05)
    sys.exit(3)
while mode == "ignore" or not stopping:
    time.sleep(0.05)
time.sleep(0.5)  # a second signal would arrive meanwhile
sys.exit(0)
"""
RUN_WITH_GRACE = (
    "import sys; from workers.launcher import Launcher, commands_parse; "
    "sys.exit(Launcher(commands_parse(sys.argv[1:]), grace_seconds=1).run())"
)


def child(log: Path, mode: str = "obey") -> list[str]:
    return ["--", sys.executable, "-c", CHILD, str(log), mode]


def launch(*commands: list[str], entry: tuple[str, ...] = ("-m", "workers.launcher")):
    argv = [sys.executable, *entry, *(arg for command in commands for arg in command)]
    return subprocess.Popen(argv, cwd=ROOT, start_new_session=True)


def lines(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


def wait_ready(*logs: Path) -> None:
    for _ in range(400):
        if all(lines(log) and lines(log)[0].startswith("ready") for log in logs):
            return
        time.sleep(0.05)
    raise AssertionError("the children did not start")


def received(log: Path) -> list[str]:
    return [line for line in lines(log) if not line.startswith("ready")]


@pytest.mark.parametrize(
    "sent,expected",
    [
        # timeout/systemd: the whole group, and make passes SIGTERM on to its recipe as well
        (["group:SIGTERM", "launcher:SIGTERM"], "SIGTERM"),
        # Ctrl-C in a terminal: the foreground group
        (["group:SIGINT"], "SIGINT"),
        # `kill <make's pid>`: make alone, which passes it on
        (["launcher:SIGTERM"], "SIGTERM"),
        # the terminal closes
        (["group:SIGHUP"], "SIGTERM"),
    ],
)
def test_each_child_gets_one_signal_and_the_launcher_waits(tmp_path, sent, expected):
    api, worker = tmp_path / "api.log", tmp_path / "worker.log"
    launcher = launch(child(worker), child(api))
    try:
        wait_ready(api, worker)
        for target_signal in sent:
            target, name = target_signal.split(":")
            signum = getattr(signal, name)
            if target == "group":
                os.killpg(launcher.pid, signum)
            else:
                launcher.send_signal(signum)
        assert launcher.wait(timeout=20) == 0
    finally:
        if launcher.poll() is None:
            os.killpg(launcher.pid, signal.SIGKILL)
    assert received(worker) == [expected]
    assert received(api) == [expected]


def test_a_child_that_exits_stops_the_other_and_gives_its_status(tmp_path):
    api, worker = tmp_path / "api.log", tmp_path / "worker.log"
    launcher = launch(child(worker), child(api, f"exit-after:{worker}"))
    try:
        assert launcher.wait(timeout=20) == 3
    finally:
        if launcher.poll() is None:
            os.killpg(launcher.pid, signal.SIGKILL)
    assert received(worker) == ["SIGTERM"]


def test_a_child_that_ignores_the_signal_is_killed_after_the_grace_period(tmp_path):
    stubborn = tmp_path / "stubborn.log"
    launcher = launch(child(stubborn, "ignore"), entry=("-c", RUN_WITH_GRACE))
    try:
        wait_ready(stubborn)
        os.killpg(launcher.pid, signal.SIGTERM)
        assert launcher.wait(timeout=20) == 0
    finally:
        if launcher.poll() is None:
            os.killpg(launcher.pid, signal.SIGKILL)
    assert received(stubborn) == ["SIGTERM"]
    pid = int(lines(stubborn)[0].split()[1])
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


@pytest.mark.parametrize("argv", [[], ["qcluster"], ["--"], ["--", "a", "--"]])
def test_the_command_line_needs_commands(argv):
    with pytest.raises(SystemExit):
        commands_parse(argv)


def test_the_command_line_splits_on_double_dashes():
    assert commands_parse(["--", "a", "--noreload", "--", "b"]) == [["a", "--noreload"], ["b"]]
