"""The served benchmark of `make bench`: gunicorn + PostgreSQL, each endpoint beside its baseline.

Starts gunicorn (2 workers) with bench/settings.py on 127.0.0.1, on its own PostgreSQL database
(BENCH_DATABASE_URL, created and migrated here; bench/fixtures.py adds what the comparisons
read), then compares each endpoint with its baselines in interleaved rounds (ours, then each
baseline, round after round) from one client (the same keep-alive connections and concurrency
for every side), and prints the requests/s of each side and the ratios against their targets
(issue 8; issue 12 point 5):

- our login (`POST sites/yongin-library/auth/token/`, the demo member) beside simplejwt's stock
  `TokenObtainPairView` (bench/urls.py) logging in a member of the same password and hasher
  (Argon2id at Django's cost): >= 0.9x;
- `GET members/me/` (yongin-library, the library block included) beside a bare DRF view with
  the same JWT authentication and token, answering 8 bytes: >= 0.7x;
- the purchase list and the dispatch list (onnuri-biz, the demo company's master, a full first
  page of 20) beside a bare DRF `ListAPIView` of the same page with the same authentication
  (every column by a ModelSerializer, DRF's pagination, the company joined in): >= 0.7x; and,
  for information, beside the 8-byte bare view.

The load is bounded (a fixed number of requests) and local. Without a reachable PostgreSQL it
says so and returns.
"""

from __future__ import annotations

import http.client
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/membership_bench"
LIBRARY = "yongin-library"  # the richest profile: the library block on top of the member
ONNURI = "onnuri-biz"
WORKERS = 2
CLIENT_THREADS = 8
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "12"))  # per side, after one warm-up round each
REQUESTS_PER_ROUND = int(os.environ.get("BENCH_REQUESTS", "160"))
# A login costs one Argon2id verification (~0.1-0.3 s of CPU): fewer, smaller rounds.
LOGIN_ROUNDS = int(os.environ.get("BENCH_LOGIN_ROUNDS", "10"))
LOGIN_REQUESTS = int(os.environ.get("BENCH_LOGIN_REQUESTS", "24"))
LOGIN_TARGET = 0.9  # issue 12: our login at >= 0.9x simplejwt's stock view
READ_TARGET = 0.7  # issue 8 and 12: members/me/ and the lists at >= 0.7x the bare view


def database_ready(url: str, *, fresh: bool = False) -> str | None:
    """Create the database of `url` if needed (`fresh`: drop it first); returns the server's
    version, None (said on stdout) if PostgreSQL is unreachable."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = sql.Identifier(parts.path.lstrip("/"))
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    try:
        with psycopg.connect(maintenance, autocommit=True, connect_timeout=3) as conn:
            version = conn.execute("SHOW server_version").fetchone()[0]
            if fresh:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [parts.path.lstrip("/")]
            ).fetchone()
            if not exists:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(name))
    except psycopg.OperationalError as exc:
        reason = str(exc).strip().splitlines()[0]
        print(f"skipped: PostgreSQL not reachable at {parts.hostname} ({reason})")
        return None
    return version


def gunicorn_command(port: int, *, workers: int, threads: int, keep_alive: int) -> list[str]:
    """gunicorn serving backend.wsgi on 127.0.0.1:`port` with gthread workers (bench, load and
    the fault tests). gunicorn >= 25.1 opens a control socket at one path per user, which two
    servers at once (a bench beside a fault test) would share: it is left off."""
    from gunicorn import version_info

    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "backend.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--worker-class=gthread",
        f"--threads={threads}",
        f"--keep-alive={keep_alive}",
        "--log-level=warning",
    ]
    if version_info >= (25, 1):
        command.append("--no-control-socket")
    return command


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, *args], cwd=ROOT, env=env, check=True, capture_output=True)


def _wait_until_up(port: int, server: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", f"/api/v1/sites/{LIBRARY}/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer in time")


def _access_token(port: int) -> str:
    from demo.accounts import DEMO_MEMBER

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request(
        "POST",
        f"/api/v1/sites/{LIBRARY}/auth/token/",
        body=json.dumps(DEMO_MEMBER),
        headers={"Content-Type": "application/json"},
    )
    response = conn.getresponse()
    body = json.loads(response.read())
    if response.status != 200:
        raise RuntimeError(f"login failed: {response.status} {body}")
    return body["access"]


def prepared(method: str, path: str, *, token: str = "", body: dict | None = None) -> bytes:
    """The bytes of one HTTP/1.1 request, built once and sent as they are."""
    data = json.dumps(body).encode() if body is not None else b""
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n"
    if token:
        head += f"Authorization: Bearer {token}\r\n"
    if body is not None:
        head += f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n"
    return (head + "\r\n").encode() + data


class Connection:
    """One keep-alive HTTP/1.1 connection with little client-side work per request.

    The client shares the CPUs with the server; its cost per request is the same for both
    sides and dilutes their ratio, so it sends prepared bytes and reads `Content-Length`
    bodies instead of going through http.client's header parsing.
    """

    def __init__(self, port: int):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=60)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""

    def exchange(self, request: bytes) -> tuple[int, bytes]:
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

    def __init__(self, port: int):
        self.connections = [Connection(port) for _ in range(CLIENT_THREADS)]
        self.cpu_seconds = 0.0
        self.requests = 0

    def round(self, label: str, request: bytes, requests: int) -> float:
        """Send `request` `requests` times spread over the threads; returns requests/s."""
        per_thread = max(1, requests // CLIENT_THREADS)
        start = threading.Barrier(CLIENT_THREADS + 1)
        failures: list[str] = []

        def work(conn: Connection) -> None:
            start.wait()
            for _ in range(per_thread):
                status, body = conn.exchange(request)
                if status != 200:
                    failures.append(f"{status} {body[:300]!r}")
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
            raise RuntimeError(f"{label} answered {failures[0]}")
        return per_thread * CLIENT_THREADS / elapsed

    def close(self) -> None:
        for conn in self.connections:
            conn.close()


@dataclass
class Baseline:
    label: str
    request: bytes
    target: float | None  # None: shown for information


@dataclass
class Comparison:
    """One endpoint beside its baselines, measured in interleaved rounds (ours, then each
    baseline, round after round)."""

    label: str
    ours: bytes
    baselines: list[Baseline]
    rounds: int
    requests: int

    def measure(self, client: Client) -> list[tuple[Baseline, float, float, list[float]]]:
        sides = [(self.label, self.ours)] + [(b.label, b.request) for b in self.baselines]
        for label, request in sides:  # warm-up: connections, caches
            client.round(label, request, self.requests // 2)
        rates: list[list[float]] = [[] for _ in sides]
        for _ in range(self.rounds):
            for side, (label, request) in enumerate(sides):
                rates[side].append(client.round(label, request, self.requests))
        # The mean of per-round rates would favour fast rounds: total requests over total time.
        totals = [len(r) / sum(1 / x for x in r) for r in rates]
        return [
            (
                baseline,
                totals[0],
                totals[index],
                sorted(a / b for a, b in zip(rates[0], rates[index], strict=True)),
            )
            for index, baseline in enumerate(self.baselines, start=1)
        ]


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _comparisons(member_token: str, seeded: dict) -> list[Comparison]:
    from demo.accounts import DEMO_MEMBER

    manager_token = seeded["manager_access"]
    login = {"username": DEMO_MEMBER["username"], "password": DEMO_MEMBER["password"]}
    stock_login = {"username": seeded["stock_username"], "password": DEMO_MEMBER["password"]}
    floor = "bare DRF view (8 bytes), same JWT authentication"

    def floor_of(site: str, token: str, target: float | None) -> Baseline:
        return Baseline(floor, prepared("GET", f"/bench/sites/{site}/bare/", token=token), target)

    def bare_list(name: str) -> Baseline:
        return Baseline(
            "bare DRF ListAPIView of the same page, same JWT authentication",
            prepared("GET", f"/bench/sites/{ONNURI}/{name}/", token=manager_token),
            READ_TARGET,
        )

    def onnuri_list(name: str) -> Comparison:
        return Comparison(
            f"GET {name}/ ({ONNURI}, 20 rows)",
            prepared("GET", f"/api/v1/sites/{ONNURI}/{name}/", token=manager_token),
            [bare_list(name), floor_of(ONNURI, manager_token, None)],
            ROUNDS,
            REQUESTS_PER_ROUND,
        )

    return [
        Comparison(
            f"POST auth/token/ ({LIBRARY})",
            prepared("POST", f"/api/v1/sites/{LIBRARY}/auth/token/", body=login),
            [
                Baseline(
                    "simplejwt TokenObtainPairView, same hasher",
                    prepared("POST", "/bench/token/", body=stock_login),
                    LOGIN_TARGET,
                )
            ],
            LOGIN_ROUNDS,
            LOGIN_REQUESTS,
        ),
        Comparison(
            f"GET members/me/ ({LIBRARY})",
            prepared("GET", f"/api/v1/sites/{LIBRARY}/members/me/", token=member_token),
            [floor_of(LIBRARY, member_token, READ_TARGET)],
            ROUNDS,
            REQUESTS_PER_ROUND,
        ),
        onnuri_list("purchases"),
        onnuri_list("dispatches"),
    ]


def served_bench() -> bool:
    """Run every pair; False when a ratio misses its target."""
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    version = database_ready(url)
    if version is None:
        return True
    port = int(os.environ.get("BENCH_PORT") or free_port())
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": url,
        "PYTHONPATH": str(ROOT),
    }
    env.pop("REDIS_URL", None)  # the per-process cache: what a single-host deployment has
    _run(env, "manage.py", "migrate", "--noinput")
    _run(env, "manage.py", "seed_demo")
    with tempfile.TemporaryDirectory() as directory:
        out = Path(directory) / "served.json"
        _run(env, "-m", "bench.fixtures", "served", str(out))
        seeded = json.loads(out.read_text())
    server = subprocess.Popen(
        # gthread with one thread: one request at a time per worker like `sync`, but it keeps
        # connections alive (the sync worker closes each one).
        gunicorn_command(port, workers=WORKERS, threads=1, keep_alive=60),
        cwd=ROOT,
        env=env,
    )
    results = []
    try:
        _wait_until_up(port, server)
        client = Client(port)
        only = os.environ.get("BENCH_ONLY", "")  # e.g. "dispatches": the comparisons named so
        for comparison in _comparisons(_access_token(port), seeded):
            if only in comparison.label:
                results.append((comparison, comparison.measure(client)))
        client.close()
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    print()
    print(
        f"served: gunicorn {WORKERS} workers (gthread, 1 thread), PostgreSQL {version}, "
        f"{os.cpu_count()} CPUs ({cpu_model()}), Python {platform.python_version()}; "
        f"client {CLIENT_THREADS} keep-alive connections, interleaved rounds "
        f"(login {LOGIN_ROUNDS} x {LOGIN_REQUESTS}, reads {ROUNDS} x {REQUESTS_PER_ROUND} "
        f"requests per side), client CPU {client.cpu_seconds / client.requests * 1e6:.0f} "
        "us/request"
    )
    print(f"{'endpoint / baseline':<66} {'req/s':>7} {'ratio':>6}  target; per round")
    ok = True
    for comparison, measured in results:
        print(f"{comparison.label:<66} {measured[0][1]:>7.1f}")
        for baseline, ours, rate, per_round in measured:
            ratio = ours / rate
            if baseline.target is None:
                verdict = "(for information)"
            else:
                met = ratio >= baseline.target
                ok = ok and met
                verdict = f">= {baseline.target} {'ok' if met else 'BELOW TARGET'}"
            print(
                f"{'  beside ' + baseline.label:<66} {rate:>7.1f} {ratio:>6.2f}  {verdict}; "
                f"{per_round[0]:.2f}-{per_round[-1]:.2f}, median {statistics.median(per_round):.2f}"
            )
    return ok
