"""`make run`: the API and a django-q2 worker side by side, stopped together (README quick start).

    python -m workers.launcher -- <command> [args] -- <command> [args] ...

Ctrl-C sends SIGINT to the terminal's whole foreground process group; `kill` may reach make
alone (which passes SIGTERM on to its recipe, this process) or the whole group (`timeout`,
systemd). The children therefore run in process groups of their own, and this launcher hands
each child the first SIGINT, SIGTERM or SIGHUP it receives, once: django-q2's qcluster stops
gracefully on one signal, but repeated ones re-entered its handler (hundreds of RecursionError
lines, then a segfault). Further signals are ignored while the children stop; one still running
after `GRACE_SECONDS` is killed with its process group. When a child exits on its own, the others
are stopped the same way. Exit status: 0 after a requested stop, else the first child's.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
GRACE_SECONDS = 30
POLL_SECONDS = 0.2
USAGE = "usage: python -m workers.launcher -- <command> [args] [-- <command> [args] ...]"


def commands_parse(argv: list[str]) -> list[list[str]]:
    """`-- a b -- c d` → [["a", "b"], ["c", "d"]]."""
    if not argv or argv[0] != "--":
        raise SystemExit(USAGE)
    commands: list[list[str]] = []
    for arg in argv:
        if arg == "--":
            commands.append([])
        else:
            commands[-1].append(arg)
    if not all(commands):
        raise SystemExit(USAGE)
    return commands


class Launcher:
    def __init__(self, commands: list[list[str]], *, grace_seconds: float = GRACE_SECONDS) -> None:
        self.commands = commands
        self.grace_seconds = grace_seconds
        self.children: list[subprocess.Popen] = []
        self.stop_requested = False  # by a signal, rather than a child exiting
        self.stopping_since: float | None = None
        self.killed: set[int] = set()

    def stop(self, signum: int | None = None, frame=None) -> None:
        """Signal every running child, once (SIGINT stays SIGINT, anything else is SIGTERM)."""
        if signum is not None:
            self.stop_requested = True
        if self.stopping_since is not None:
            return
        self.stopping_since = time.monotonic()
        forward = signal.SIGINT if signum == signal.SIGINT else signal.SIGTERM
        for child in self.children:
            if child.poll() is None:
                child.send_signal(forward)

    def run(self) -> int:
        for signum in STOP_SIGNALS:
            signal.signal(signum, self.stop)
        for command in self.commands:
            # Its own process group: terminal and group-wide signals reach only this launcher.
            child = subprocess.Popen(command, process_group=0)  # noqa: S603 (the Makefile's)
            self.children.append(child)
            if self.stopping_since is not None:  # a signal came while the others started
                child.send_signal(signal.SIGTERM)
        first_exit: int | None = None
        while True:
            codes = [child.poll() for child in self.children]  # every one: reaps the exited
            if None not in codes:
                break
            exited = [code for code in codes if code is not None]
            if first_exit is None and exited:
                first_exit = exited[0]
                self.stop()
            since = self.stopping_since
            if since is not None and time.monotonic() - since > self.grace_seconds:
                self._kill_the_rest()
            time.sleep(POLL_SECONDS)
        self._sweep()
        if self.stop_requested:
            return 0
        if first_exit is None:
            first_exit = next((c.returncode for c in self.children if c.returncode), 0)
        return 128 - first_exit if first_exit < 0 else first_exit

    def _sweep(self) -> None:
        """What a child left behind in its process group (a worker whose parent died before
        stopping it) would outlive `make run`: kill it."""
        for child in self.children:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(child.pid, signal.SIGKILL)

    def _kill_the_rest(self) -> None:
        for child in self.children:
            if child.poll() is None and child.pid not in self.killed:
                self.killed.add(child.pid)
                sys.stderr.write(f"launcher: {' '.join(child.args)} did not stop; killed.\n")
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.pid, signal.SIGKILL)  # with its own children


def main(argv: list[str] | None = None) -> int:
    return Launcher(commands_parse(sys.argv[1:] if argv is None else argv)).run()


if __name__ == "__main__":
    sys.exit(main())
