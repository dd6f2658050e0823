"""The served benchmark of `make bench`: gunicorn + PostgreSQL, `GET members/me/` vs a bare view.

Starts gunicorn (2 workers) with bench/settings.py on 127.0.0.1, on its own PostgreSQL database
(BENCH_DATABASE_URL, created and migrated here), logs the demo member in over HTTP, then drives
`GET members/me/` and a bare DRF view with the same JWT authentication (bench/urls.py) from one
client: the same keep-alive connections and concurrency, in interleaved rounds A/B/A/B. Prints the
requests/s of each side and their ratio. The load is bounded (a fixed number of requests) and
local. Without a reachable PostgreSQL it says so and returns.
"""

import http.client
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/membership_bench"
SITE = "yongin-library"  # the richest profile: the library block on top of the member
ME_PATH = f"/api/v1/sites/{SITE}/members/me/"
BARE_PATH = f"/bench/sites/{SITE}/bare/"
WORKERS = 2
CLIENT_THREADS = 8
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "20"))  # per side, after one warm-up round each
REQUESTS_PER_ROUND = int(os.environ.get("BENCH_REQUESTS", "240"))
TARGET_RATIO = 0.7  # issue 8: members/me/ at >= 0.7x the bare view


def _database_ready(url: str) -> str | None:
    """Create the bench database if needed; returns the server version, None if unreachable."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    try:
        with psycopg.connect(maintenance, autocommit=True, connect_timeout=3) as conn:
            version = conn.execute("SHOW server_version").fetchone()[0]
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.OperationalError as exc:
        reason = str(exc).strip().splitlines()[0]
        print(f"served benchmark skipped: PostgreSQL not reachable at {parts.hostname} ({reason})")
        return None
    return version


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _manage(env: dict, *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True
    )


def _wait_until_up(port: int, server: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", f"/api/v1/sites/{SITE}/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer in time")


def _access_token(port: int) -> str:
    from domain.members.demo import DEMO_MEMBER

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request(
        "POST",
        f"/api/v1/sites/{SITE}/auth/token/",
        body=json.dumps(DEMO_MEMBER),
        headers={"Content-Type": "application/json"},
    )
    response = conn.getresponse()
    body = json.loads(response.read())
    if response.status != 200:
        raise RuntimeError(f"login failed: {response.status} {body}")
    return body["access"]


class Connection:
    """One keep-alive HTTP/1.1 connection with little client-side work per request.

    The client shares the CPUs with the server; its cost per request is the same for both
    sides and dilutes their ratio, so it sends prepared bytes and reads `Content-Length`
    bodies instead of going through http.client's header parsing.
    """

    def __init__(self, port: int):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""

    def get(self, request: bytes) -> tuple[int, bytes]:
        self.sock.sendall(request)
        while b"\r\n\r\n" not in self.buffer:
            self._receive()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        length = next(
            int(line.split(b":", 1)[1])
            for line in lines
            if line.lower().startswith(b"content-length:")
        )
        while len(self.buffer) < length:
            self._receive()
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return status, body

    def _receive(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise RuntimeError("the server closed the connection")
        self.buffer += chunk

    def close(self) -> None:
        self.sock.close()


class Client:
    """CLIENT_THREADS threads, each with one keep-alive connection used for every round."""

    def __init__(self, port: int, token: str):
        self.connections = [Connection(port) for _ in range(CLIENT_THREADS)]
        self.token = token
        self.cpu_seconds = 0.0
        self.requests = 0

    def round(self, path: str, requests: int) -> float:
        """Send `requests` GETs of `path` spread over the threads; returns requests/s."""
        request = (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n"
            f"Authorization: Bearer {self.token}\r\n\r\n"
        ).encode()
        per_thread = requests // CLIENT_THREADS
        start = threading.Barrier(CLIENT_THREADS + 1)
        failures: list[str] = []

        def work(conn: Connection) -> None:
            start.wait()
            for _ in range(per_thread):
                status, body = conn.get(request)
                if status != 200:
                    failures.append(f"{status} {body[:200]!r}")
                    return

        threads = [threading.Thread(target=work, args=(c,)) for c in self.connections]
        for thread in threads:
            thread.start()
        cpu = time.process_time()
        start.wait()
        began = time.perf_counter()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
        self.cpu_seconds += time.process_time() - cpu
        self.requests += per_thread * CLIENT_THREADS
        if failures:
            raise RuntimeError(f"{path} answered {failures[0]}")
        return per_thread * CLIENT_THREADS / elapsed

    def close(self) -> None:
        for conn in self.connections:
            conn.close()


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def served_bench() -> None:
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    version = _database_ready(url)
    if version is None:
        return
    port = int(os.environ.get("BENCH_PORT") or _free_port())
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": url,
        "PYTHONPATH": str(ROOT),
    }
    env.pop("REDIS_URL", None)  # the per-process cache: what a single-host deployment has
    _manage(env, "migrate", "--noinput")
    _manage(env, "seed_demo")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "backend.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={WORKERS}",
            # gthread with one thread: one request at a time per worker like `sync`, but it
            # keeps connections alive (the sync worker closes each one).
            "--worker-class=gthread",
            "--threads=1",
            "--keep-alive=30",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        _wait_until_up(port, server)
        client = Client(port, _access_token(port))
        client.round(ME_PATH, REQUESTS_PER_ROUND // 2)  # warm-up: connections, caches
        client.round(BARE_PATH, REQUESTS_PER_ROUND // 2)
        me, bare = [], []
        for _ in range(ROUNDS):
            me.append(client.round(ME_PATH, REQUESTS_PER_ROUND))
            bare.append(client.round(BARE_PATH, REQUESTS_PER_ROUND))
        client.close()
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    # The mean of per-round rates would favour fast rounds: total requests over total time.
    me_rate = len(me) / sum(1 / r for r in me)
    bare_rate = len(bare) / sum(1 / r for r in bare)
    per_round = sorted(a / b for a, b in zip(me, bare, strict=True))
    print()
    print(
        f"served: gunicorn {WORKERS} workers (gthread, 1 thread), PostgreSQL {version}, "
        f"{os.cpu_count()} CPUs ({_cpu_model()}), Python {platform.python_version()}; "
        f"client {CLIENT_THREADS} keep-alive connections, {ROUNDS} interleaved rounds "
        f"x {REQUESTS_PER_ROUND} requests per side, "
        f"client CPU {client.cpu_seconds / client.requests * 1e6:.0f} us/request"
    )
    print(f"{'GET members/me/ (' + SITE + ')':<45} {me_rate:>8.0f} req/s")
    print(f"{'bare DRF view, same JWT authentication':<45} {bare_rate:>8.0f} req/s")
    ratio = me_rate / bare_rate
    verdict = "ok" if ratio >= TARGET_RATIO else "BELOW TARGET"
    print(
        f"{'ratio me / bare':<45} {ratio:>8.2f}  (target >= {TARGET_RATIO}: {verdict}; "
        f"per round {per_round[0]:.2f}-{per_round[-1]:.2f}, "
        f"median {statistics.median(per_round):.2f})"
    )
