"""The served benchmark of `make bench`: gunicorn + PostgreSQL, each endpoint beside a bare view.

Starts gunicorn (2 workers) with bench/settings.py on 127.0.0.1, on its own PostgreSQL database
(BENCH_DATABASE_URL, created and migrated here), logs the demo member in over HTTP, then drives
`GET members/me/` and a bare DRF view with the same JWT authentication (bench/urls.py) from one
client: the same keep-alive connections and concurrency, in interleaved rounds A/B/A/B. Then the
same for `POST purchases/` by the onnuri-biz demo master (a fresh `Idempotency-Key` each) beside
a bare POST view that writes one purchase row (bench/purchases.py readies the company). Prints
the requests/s of each side and their ratio. The load is bounded (a fixed number of requests)
and local. Without a reachable PostgreSQL it says so and returns.
"""

import http.client
import itertools
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
PURCHASES_PATH = "/api/v1/sites/onnuri-biz/purchases/"
BARE_PURCHASES_PATH = "/bench/sites/onnuri-biz/bare-purchases/"
PURCHASE_BODY = b'{"amount": 1000000}'
WORKERS = 2
CLIENT_THREADS = 8
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "20"))  # per side, after one warm-up round each
REQUESTS_PER_ROUND = int(os.environ.get("BENCH_REQUESTS", "240"))
TARGET_RATIO = 0.7  # issue 8: members/me/ at >= 0.7x the bare view
# Each purchase request writes rows (purchase, event, idempotency record): fewer, smaller rounds.
PURCHASE_ROUNDS = int(os.environ.get("BENCH_PURCHASE_ROUNDS", "8"))
PURCHASE_REQUESTS = int(os.environ.get("BENCH_PURCHASE_REQUESTS", "64"))


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

    def send(self, request: bytes) -> tuple[int, bytes]:
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
        self.keys = itertools.count()
        self.run = time.time_ns()

    def _requests(self, path: str, body: bytes | None):
        """A GET of `path`, or a JSON POST of `body` with a fresh Idempotency-Key each time."""
        head = (
            f"{'GET' if body is None else 'POST'} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Accept: application/json\r\nAuthorization: Bearer {self.token}\r\n"
        ).encode()
        if body is None:
            request = head + b"\r\n"
            return lambda: request
        head += b"Content-Type: application/json\r\nContent-Length: %d\r\n" % len(body)
        head += b"Idempotency-Key: bench-%d-" % self.run
        return lambda: b"%s%d\r\n\r\n%s" % (head, next(self.keys), body)

    def round(self, path: str, requests: int, body: bytes | None = None) -> float:
        """Send `requests` GETs of `path` (POSTs of `body`) spread over the threads; returns
        requests/s."""
        make = self._requests(path, body)
        expected = 200 if body is None else 201
        per_thread = requests // CLIENT_THREADS
        start = threading.Barrier(CLIENT_THREADS + 1)
        failures: list[str] = []

        def work(conn: Connection) -> None:
            start.wait()
            for _ in range(per_thread):
                status, answer = conn.send(make())
                if status != expected:
                    failures.append(f"{status} {answer[:200]!r}")
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


def _memory_total() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 2**20:.1f} GiB RAM"
    except OSError:
        pass
    return "RAM unknown"


def bench_environment() -> dict | None:
    """The environment of the bench server and of bench/purchases.py's processes: bench settings
    on the bench PostgreSQL database (created, migrated, demo accounts seeded). None, after
    saying so, when PostgreSQL is not reachable."""
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    version = _database_ready(url)
    if version is None:
        return None
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": url,
        "PYTHONPATH": str(ROOT),
        "BENCH_POSTGRESQL_VERSION": version,
    }
    env.pop("REDIS_URL", None)  # the per-process cache: what a single-host deployment has
    _manage(env, "migrate", "--noinput")
    _manage(env, "seed_demo")
    return env


def _interleaved(client: Client, a: str, b: str, rounds: int, requests: int, body=None):
    """Warm-up rounds, then `rounds` rounds of each of paths `a` and `b`, alternating."""
    client.round(a, requests // 2, body)
    client.round(b, requests // 2, body)
    rates_a, rates_b = [], []
    for _ in range(rounds):
        rates_a.append(client.round(a, requests, body))
        rates_b.append(client.round(b, requests, body))
    return rates_a, rates_b


def _compare(label_a: str, rates_a, label_b: str, rates_b, ratio_label: str, target=None):
    # The mean of per-round rates would favour fast rounds: total requests over total time.
    rate_a = len(rates_a) / sum(1 / r for r in rates_a)
    rate_b = len(rates_b) / sum(1 / r for r in rates_b)
    per_round = sorted(a / b for a, b in zip(rates_a, rates_b, strict=True))
    print(f"{label_a:<45} {rate_a:>8.0f} req/s")
    print(f"{label_b:<45} {rate_b:>8.0f} req/s")
    ratio = rate_a / rate_b
    verdict = ""
    if target is not None:
        verdict = f"target >= {target}: {'ok' if ratio >= target else 'BELOW TARGET'}; "
    print(
        f"{ratio_label:<45} {ratio:>8.2f}  ({verdict}"
        f"per round {per_round[0]:.2f}-{per_round[-1]:.2f}, "
        f"median {statistics.median(per_round):.2f})"
    )


def served_bench(env: dict) -> None:
    from bench.purchases import access_token

    port = int(os.environ.get("BENCH_PORT") or _free_port())
    purchase_token = access_token(env)
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
        me, bare = _interleaved(client, ME_PATH, BARE_PATH, ROUNDS, REQUESTS_PER_ROUND)
        client.close()
        buyer = Client(port, purchase_token)
        purchases, bare_purchases = _interleaved(
            buyer,
            PURCHASES_PATH,
            BARE_PURCHASES_PATH,
            PURCHASE_ROUNDS,
            PURCHASE_REQUESTS,
            PURCHASE_BODY,
        )
        buyer.close()
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    print()
    print(
        f"served: gunicorn {WORKERS} workers (gthread, 1 thread), "
        f"PostgreSQL {env['BENCH_POSTGRESQL_VERSION']}, "
        f"{os.cpu_count()} CPUs ({_cpu_model()}), {_memory_total()}, "
        f"Python {platform.python_version()}; "
        f"client {CLIENT_THREADS} keep-alive connections, {ROUNDS} interleaved rounds "
        f"x {REQUESTS_PER_ROUND} requests per side, "
        f"client CPU {client.cpu_seconds / client.requests * 1e6:.0f} us/request"
    )
    _compare(
        f"GET members/me/ ({SITE})",
        me,
        "bare DRF view, same JWT authentication",
        bare,
        "ratio me / bare",
        TARGET_RATIO,
    )
    print(
        f"purchases: {PURCHASE_ROUNDS} interleaved rounds x {PURCHASE_REQUESTS} requests per "
        "side, one company (its row lock), a new Idempotency-Key per request"
    )
    _compare(
        "POST purchases/ (1,000,000 won, demo master)",
        purchases,
        "bare DRF POST, same JWT, one purchase row",
        bare_purchases,
        "ratio purchase / bare",
    )
