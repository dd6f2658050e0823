"""`make load`: a bounded load run against the API with its worker (issue 12 point 4; SPEC §14).

Two setups, one after the other, each on a throwaway database made for the run:

- `sqlite`: what `make run` starts (`backend.settings.local`, the SQLite file in a temporary
  VAR_DIR, django-q2's ORM broker, `workers/launcher.py` running `qcluster` beside
  `runserver`), with LOAD_CLIENTS clients (default 20);
- `postgres`: `backend.settings.production` as a staging deployment (sandbox providers opted
  in), gunicorn with 4 workers × 4 threads and persistent connections (`DB_CONN_MAX_AGE`, with
  health checks) on PostgreSQL (LOAD_DATABASE_URL, dropped and created here), Redis
  (LOAD_REDIS_URL, emptied here) as broker and cache, and a `qcluster` beside it, with
  LOAD_CLIENTS clients (default 100).

Each client is a thread with one keep-alive connection and its own address (`X-Forwarded-For`
with NUM_PROXIES=1, as behind one proxy: per-IP throttles count each client on its own). Even
clients are people on yongin-library: sign up (sandbox verification, the consent documents,
the branches), log in, read `members/me/` three times, again. Odd clients are the masters of
onnuri-biz companies made before the run (bench/fixtures.py): log in with the texted code, then
read `members/me/`, request a purchase with an Idempotency-Key (the 2nd, 7th, ... sent twice:
the second answer must be the replay), read the purchase and dispatch lists, and every 31 s (the
per-phone SMS limit) create a three-recipient dispatch after its `dispatch_send` code — when
`schema.yml` has `POST dispatches/`; otherwise the report says it is not available. Texted codes
are read back from the `file` SMS backend, as the worker delivers them.

The run lasts LOAD_SECONDS (default 60) of load; requests then in flight finish. The report:
requests, answers ≥ 500 (must be 0), connection failures, the status histogram, p50/p99 per
operation, the peak of database connections (PostgreSQL: `pg_stat_activity` rows of the run's
database, sampled every 0.2 s, against the bound gunicorn workers × threads + the worker's
processes; SQLite: open handles on the file) and the server log's "database is locked" lines
and tracebacks. Exit status 1 when any of those fails.

    LOAD_SETUPS=sqlite,postgres LOAD_SECONDS=60 LOAD_CLIENTS=... LOAD_PORT=... make load
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.served import cpu_model, database_ready, free_port, gunicorn_command  # noqa: E402

PYTHON = sys.executable
SECONDS = float(os.environ.get("LOAD_SECONDS", "60"))
DEFAULT_CLIENTS = {"sqlite": 20, "postgres": 100}
DATABASE_URL = os.environ.get(
    "LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/membership_load"
)
REDIS_URL = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/13")
GUNICORN_WORKERS = 4
GUNICORN_THREADS = 4
Q_WORKERS = 2
# qcluster's processes that may hold a connection beside its workers: the sentinel (schedules),
# the monitor (results) and the pusher.
Q_OTHER_PROCESSES = 3
CONN_MAX_AGE = 60
DISPATCH_EVERY = 31.0  # seconds: dispatch_send codes are limited to 1 per 30 s per phone
DISPATCH_CODES_PER_HOUR = 5
REQUEST_TIMEOUT = 60.0
CODE_TIMEOUT = 60.0
LIBRARY = "/api/v1/sites/yongin-library/"
ONNURI = "/api/v1/sites/onnuri-biz/"
CODE_RE = re.compile(r"인증번호 \[(\d{6})\]")
PASSWORD = "Sunny!Day42"


# --- measurements ----------------------------------------------------------------------------


@dataclass
class Stats:
    """Every answer by operation: status and seconds; samples of unexpected answers."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    samples: dict[tuple[str, int], str] = field(default_factory=dict)
    notes: Counter = field(default_factory=Counter)

    def record(self, op: str, status: int, seconds: float) -> None:
        with self.lock:
            self.times[op].append(seconds)
            self.statuses[op][status] += 1

    def unexpected(self, op: str, status: int, body: str) -> None:
        with self.lock:
            self.samples.setdefault((op, status), body[:300])

    def note(self, text: str) -> None:
        with self.lock:
            self.notes[text] += 1


class Failed(Exception):
    """An answer the client cannot go on from (already recorded); the client starts over."""


class Client:
    """One simulated user: one keep-alive connection, its own client address."""

    def __init__(self, number: int, port: int, stats: Stats):
        self.number = number
        self.port = port
        self.stats = stats
        self.conn: http.client.HTTPConnection | None = None
        self.last_used = 0.0
        self.address = f"10.{number // 250}.{number % 250}.7"
        self.token = ""

    def request(self, op, method, path, body=None, *, expect=(200,), headers=None):
        """Send one request; record it; return (status, parsed JSON or None, headers)."""
        data = json.dumps(body).encode() if body is not None else None
        sent = {
            "Accept": "application/json",
            "X-Forwarded-For": self.address,
            **({"Content-Type": "application/json"} if data is not None else {}),
            **({"Authorization": f"Bearer {self.token}"} if self.token else {}),
            **(headers or {}),
        }
        began = time.perf_counter()
        for attempt in range(2):
            reused = self.conn is not None
            if self.conn is None or time.monotonic() - self.last_used > 2:
                self._close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, REQUEST_TIMEOUT)
                reused = False
            try:
                self.conn.request(method, path, body=data, headers=sent)
                response = self.conn.getresponse()
                raw = response.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
                self._close()
                # A keep-alive connection the server had closed before reading the request.
                if reused and attempt == 0:
                    self.stats.note("request resent on a fresh connection (stale keep-alive)")
                    began = time.perf_counter()
                    continue
                return self._failed(op, began, exc)
            except (OSError, http.client.HTTPException) as exc:
                self._close()
                return self._failed(op, began, exc)
        self.last_used = time.monotonic()
        elapsed = time.perf_counter() - began
        self.stats.record(op, response.status, elapsed)
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = None
            self.stats.note(f"{op}: answer {response.status} is not JSON")
        if response.status not in expect:
            self.stats.unexpected(op, response.status, raw.decode(errors="replace"))
        return response.status, parsed, response

    def _failed(self, op: str, began: float, exc: Exception):
        self.stats.record(op, 0, time.perf_counter() - began)
        self.stats.unexpected(op, 0, f"{type(exc).__name__}: {exc}")
        raise Failed(op)

    def _close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class SmsInbox:
    """Reads the `file` SMS backend's directory as the worker writes it: codes by phone."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.codes: dict[str, list[str]] = defaultdict(list)
        self.messages = 0
        self.seen: set[str] = set()
        self.changed = threading.Condition()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def _watch(self) -> None:
        while not self.stopped.is_set():
            try:
                names = sorted(os.listdir(self.directory))
            except FileNotFoundError:
                names = []
            fresh = [n for n in names if n.endswith(".json") and n not in self.seen]
            for name in fresh:
                try:
                    message = json.loads((self.directory / name).read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    continue  # being written: read it next time
                self.seen.add(name)
                self.messages += 1
                if found := CODE_RE.search(message["body"]):
                    with self.changed:
                        self.codes[message["to"]].append(found.group(1))
                        self.changed.notify_all()
            time.sleep(0.1)

    def mark(self, phone: str) -> int:
        with self.changed:
            return len(self.codes[phone])

    def code(self, phone: str, after: int, timeout: float = CODE_TIMEOUT) -> str | None:
        """The first code texted to `phone` after `mark()` returned `after`."""
        with self.changed:
            self.changed.wait_for(lambda: len(self.codes[phone]) > after, timeout)
            codes = self.codes[phone]
            return codes[after] if len(codes) > after else None

    def stop(self) -> None:
        self.stopped.set()


# --- what the clients do ---------------------------------------------------------------------


def person(client: int, n: int) -> dict:
    from bench.fixtures import hangul

    return {
        "name": "김" + hangul(client * 1000 + n),
        "birth_date": "1991-02-03",
        "gender": "female",
        "phone": f"0108{client:03d}{n:04d}",
        "carrier": "KT",
        "nationality": "domestic",
    }


def verified(client: Client, site: str, purpose: str, method: str, body: dict, code=None):
    """Start a verification and confirm it (the sandbox's 000000, or `code()`: the texted
    one); the confirmation's answer, or None."""
    label = "" if purpose == "sign_up" else f" ({purpose})"
    _, started, _ = client.request(
        f"POST verifications/{label}",
        "POST",
        site + "verifications/",
        {"purpose": purpose, "method": method},
        expect=(201,),
    )
    if not started or "id" not in started:
        return None
    texted = code() if code else "000000"
    if texted is None:
        client.stats.note(f"{purpose} code not texted within {CODE_TIMEOUT:.0f} s")
        return None
    _, confirmed, _ = client.request(
        f"POST verifications/{{id}}/confirm/{label}",
        "POST",
        f"{site}verifications/{started['id']}/confirm/",
        {"code": texted, **body},
    )
    return confirmed if confirmed and "verification_token" in confirmed else None


def member_loop(client: Client, deadline: float) -> None:
    """Sign up on yongin-library, log in, read the profile three times; again."""
    n = 0
    while time.monotonic() < deadline:
        n += 1
        client.token = ""
        try:
            confirmed = verified(
                client, LIBRARY, "sign_up", "mobile", {"identity": person(client.number, n)}
            )
            _, documents, _ = client.request(
                "GET consent-documents/", "GET", LIBRARY + "consent-documents/?kind=general"
            )
            _, branches, _ = client.request(
                "GET library-branches/", "GET", LIBRARY + "library-branches/"
            )
            if not (confirmed and documents and branches):
                continue
            username = f"ld{client.number:03d}n{n:04d}"
            status, _, _ = client.request(
                "POST members/ (sign-up)",
                "POST",
                LIBRARY + "members/",
                {
                    "kind": "general",
                    "username": username,
                    "password": PASSWORD,
                    "password_confirm": PASSWORD,
                    "verification_token": confirmed["verification_token"],
                    "consents": [
                        {"document": d["code"], "version": d["version"], "agreed": True}
                        for d in documents
                    ],
                    "address": {"postal_code": "16999", "road": "용인시 처인구", "detail": "1"},
                    "home_library": branches[0]["id"],
                },
                expect=(201,),
            )
            if status != 201:
                continue
            _, tokens, _ = client.request(
                "POST auth/token/",
                "POST",
                LIBRARY + "auth/token/",
                {"username": username, "password": PASSWORD},
            )
            if not tokens or "access" not in tokens:
                continue
            client.token = tokens["access"]
            for _ in range(3):
                client.request("GET members/me/", "GET", LIBRARY + "members/me/")
        except Failed:
            continue


@dataclass
class Manager:
    username: str
    password: str
    mobile: str


def manager_login(client: Client, manager: Manager, inbox: SmsInbox) -> bool:
    client.token = ""
    mark = inbox.mark(manager.mobile)
    _, first, _ = client.request(
        "POST auth/token/ (onnuri-biz, SMS step)",
        "POST",
        ONNURI + "auth/token/",
        {"username": manager.username, "password": manager.password},
    )
    if not first or "verification_id" not in first:
        return False
    code = inbox.code(manager.mobile, mark)
    if code is None:
        client.stats.note("login code not texted within 60 s")
        return False
    _, tokens, _ = client.request(
        "POST auth/token/otp/",
        "POST",
        ONNURI + "auth/token/otp/",
        {"verification_id": first["verification_id"], "code": code},
    )
    if not tokens or "access" not in tokens:
        return False
    client.token = tokens["access"]
    return True


def purchase_request(client: Client, n: int) -> None:
    """One purchase; the 2nd, 7th, ... sent again with the same key, as a client retrying: the
    first answer again, not a second purchase."""
    key = f"load-{uuid.uuid4()}"
    sends = ["POST purchases/", "POST purchases/ (same Idempotency-Key)"]
    for op in sends[: 2 if n % 5 == 2 else 1]:
        status, _, response = client.request(
            op, "POST", ONNURI + "purchases/", {"amount": 10_000}, expect=(201,),
            headers={"Idempotency-Key": key},
        )  # fmt: skip
    if "same" in op and status == 201 and response.getheader("Idempotent-Replayed") != "true":
        client.stats.note("a repeated Idempotency-Key was not replayed")


def dispatch_create(client: Client, manager: Manager, inbox: SmsInbox, n: int) -> None:
    mark = inbox.mark(manager.mobile)
    confirmed = verified(
        client,
        ONNURI,
        "dispatch_send",
        "sms_code",
        {},
        code=lambda: inbox.code(manager.mobile, mark),
    )
    if not confirmed:
        return
    client.request(
        "POST dispatches/",
        "POST",
        ONNURI + "dispatches/",
        {
            "title": f"부하 시험 선물 {n}",
            "send_type": "immediate",
            "body": "감사의 마음을 담아 온누리상품권을 보내드립니다.",
            "recipients": [
                {
                    "name": f"수신자{k}",
                    "mobile": f"0105{client.number:03d}{n:02d}{k:02d}",
                    "amount": 1_000,
                }
                for k in range(3)
            ],
            "verification_token": confirmed["verification_token"],
        },
        expect=(201,),
        headers={"Idempotency-Key": f"load-{uuid.uuid4()}"},
    )


def manager_loop(
    client: Client, manager: Manager, inbox: SmsInbox, deadline: float, dispatching: bool
) -> None:
    """Log in with the texted code, then purchases, lists, profile and a dispatch every 31 s."""
    logged_in_at = next_dispatch = 0.0
    n = dispatches = 0
    while time.monotonic() < deadline:
        try:
            # Access tokens last 15 minutes; a login code may be asked for every 30 s.
            if not client.token or time.monotonic() - logged_in_at > 14 * 60:
                if not manager_login(client, manager, inbox):
                    time.sleep(31)
                    continue
                logged_in_at = time.monotonic()
            n += 1
            client.request("GET members/me/", "GET", ONNURI + "members/me/")
            purchase_request(client, n)
            client.request("GET purchases/", "GET", ONNURI + "purchases/")
            client.request("GET dispatches/", "GET", ONNURI + "dispatches/")
            now = time.monotonic()
            if dispatching and now >= next_dispatch and dispatches < DISPATCH_CODES_PER_HOUR:
                next_dispatch = now + DISPATCH_EVERY
                dispatches += 1
                dispatch_create(client, manager, inbox, dispatches)
        except Failed:
            continue


# --- the servers -----------------------------------------------------------------------------


def dispatch_create_available() -> bool:
    import yaml

    schema = yaml.safe_load((ROOT / "schema.yml").read_text(encoding="utf-8"))
    return "post" in schema["paths"].get("/api/v1/sites/{site}/dispatches/", {})


def manage(env: dict, log, *args: str) -> None:
    subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def redis_ready(url: str) -> bool:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).flushdb()
    except redis.RedisError as exc:
        print(f"Redis not reachable at {url} ({exc})")
        return False
    return True


def wait_until_up(port: int, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with {server.returncode}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/v1/sites/")
            if conn.getresponse().status == 200:
                return
        time.sleep(0.3)
    raise RuntimeError("the server did not answer in time")


class ConnectionSampler:
    """The peak number of database connections while the load runs."""

    def __init__(self, setup: str, *, launcher: subprocess.Popen, database: str):
        self.setup, self.launcher, self.database = setup, launcher, database
        self.peak = 0
        self.samples = 0
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _run(self) -> None:
        if self.setup == "postgres":
            import psycopg

            with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
                while not self.stopped.wait(0.2):
                    count = conn.execute(
                        "SELECT count(*) FROM pg_stat_activity"
                        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    ).fetchone()[0]
                    self._seen(count)
        else:
            while not self.stopped.wait(0.2):
                self._seen(sqlite_handles(self.launcher.pid, self.database))

    def _seen(self, count: int) -> None:
        self.peak = max(self.peak, count)
        self.samples += 1

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join()


def sqlite_handles(root_pid: int, database: str) -> int:
    """Open descriptors on the SQLite file in the launcher's process tree."""
    children: dict[int, list[int]] = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = (entry / "stat").read_text()
                children[int(stat.rsplit(")", 1)[1].split()[1])].append(int(entry.name))
    pids, count = [root_pid], 0
    while pids:
        pid = pids.pop()
        pids += children.get(pid, [])
        with contextlib.suppress(OSError):
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                with contextlib.suppress(OSError):
                    if os.readlink(fd) == database:
                        count += 1
    return count


def server_env(setup: str, var_dir: Path) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        PYTHONPATH=str(ROOT),
        VAR_DIR=str(var_dir),
        SMS_BACKEND="file",
        SMS_FILE_DIR=str(var_dir / "sms"),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        NUM_PROXIES="1",  # each client its own address, as behind one proxy
        Q_WORKERS=str(Q_WORKERS),
        LOG_LEVEL="WARNING",
    )
    if setup == "sqlite":
        env["DJANGO_SETTINGS_MODULE"] = "backend.settings.local"  # the Makefile's
    else:
        env.update(
            DJANGO_SETTINGS_MODULE="backend.settings.production",
            SECRET_KEY=secrets.token_urlsafe(48),
            IDENTITY_HASH_KEY=secrets.token_urlsafe(48),
            # Production refuses to start without the gift app's secret for a site offering
            # dispatches (backend/checks.py, membership.E019).
            GIFT_APP_SECRETS=json.dumps({"onnuri-biz": secrets.token_urlsafe(32)}),
            UNSAFE_ALLOW_SANDBOX_PROVIDERS="yes-this-is-staging",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            DATABASE_URL=DATABASE_URL,
            REDIS_URL=REDIS_URL,
            DB_CONN_MAX_AGE=str(CONN_MAX_AGE),
            DB_CONN_HEALTH_CHECKS="true",
        )
    return env


def server_command(setup: str, port: int) -> list[str]:
    worker = [PYTHON, "manage.py", "qcluster"]
    if setup == "sqlite":  # exactly `make run`'s pair
        api = [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
    else:
        api = gunicorn_command(
            port, workers=GUNICORN_WORKERS, threads=GUNICORN_THREADS, keep_alive=5
        )
    return [PYTHON, "-m", "workers.launcher", "--", *worker, "--", *api]


# --- one run ---------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def run(setup: str, clients: int, port: int) -> bool:
    version = ""
    if setup == "postgres":
        version = database_ready(DATABASE_URL, fresh=True)
        if version is None or not redis_ready(REDIS_URL):
            print("postgres: skipped")
            return True
        version = version.split()[0]
    var_dir = Path(tempfile.mkdtemp(prefix=f"load-{setup}-"))
    env = server_env(setup, var_dir)
    log_path = var_dir / "server.log"
    dispatching = dispatch_create_available()
    managers_count = clients // 2
    print(f"\n== {setup}: {clients} clients for {SECONDS:.0f} s (preparing in {var_dir})")
    with open(log_path, "ab") as log:
        manage(env, log, "migrate", "--noinput")
        manage(env, log, "seed_demo")
        out = var_dir / "managers.json"
        subprocess.run(
            [PYTHON, "-m", "bench.fixtures", "load-managers", str(managers_count), str(out)],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        managers = [Manager(**m) for m in json.loads(out.read_text())]
        launcher = subprocess.Popen(
            server_command(setup, port),
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            process_group=0,
        )
    stats = Stats()
    inbox = SmsInbox(var_dir / "sms")
    sampler = ConnectionSampler(setup, launcher=launcher, database=str(var_dir / "db.sqlite3"))
    try:
        wait_until_up(port, launcher)
        sampler.start()
        began = time.monotonic()
        deadline = began + SECONDS
        threads = []
        for number in range(clients):
            client = Client(number, port, stats)
            if number % 2 == 0 or not managers:
                target, args = member_loop, (client, deadline)
            else:
                manager = managers[(number // 2) % len(managers)]
                target, args = manager_loop, (client, manager, inbox, deadline, dispatching)
            threads.append(threading.Thread(target=target, args=args, daemon=True))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - began
        sampler.stop()
    finally:
        inbox.stop()
        launcher.send_signal(signal.SIGTERM)
        try:
            launcher.wait(timeout=60)
        except subprocess.TimeoutExpired:
            launcher.kill()
    server_log = log_path.read_text(encoding="utf-8", errors="replace")
    ok = report(
        setup, clients, elapsed, stats, sampler, server_log, dispatching, version, inbox.messages
    )
    if ok and not os.environ.get("LOAD_KEEP"):
        shutil.rmtree(var_dir, ignore_errors=True)
    else:
        print(f"kept: {var_dir} (server.log, sms/)")
    return ok


def report(setup, clients, elapsed, stats, sampler, server_log, dispatching, version, texts):
    total = sum(sum(c.values()) for c in stats.statuses.values())
    histogram = Counter()
    for counter in stats.statuses.values():
        histogram.update(counter)
    errors_500 = sum(n for status, n in histogram.items() if status >= 500)
    failures = histogram.get(0, 0)
    locked = server_log.count("database is locked")
    tracebacks = server_log.count("Traceback (most recent call last)")
    if setup == "postgres":
        bound = GUNICORN_WORKERS * GUNICORN_THREADS + Q_WORKERS + Q_OTHER_PROCESSES
        server = (
            f"gunicorn {GUNICORN_WORKERS} workers x {GUNICORN_THREADS} threads (gthread), "
            f"PostgreSQL {version}, Redis, CONN_MAX_AGE {CONN_MAX_AGE} s with health checks"
        )
        connections = f"PostgreSQL connections peak {sampler.peak} (bound {bound})"
    else:
        bound = None
        server = "runserver + qcluster (make run), SQLite (WAL), ORM broker"
        connections = f"SQLite handles peak {sampler.peak} (API and worker processes)"
    print(
        f"{setup}: {server}; {clients} clients, {elapsed:.0f} s; {os.cpu_count()} CPUs "
        f"({cpu_model()}), Python {platform.python_version()}"
    )
    print(
        f"requests {total} ({total / elapsed:.1f}/s), answers >= 500: {errors_500}, "
        f"connection failures: {failures}; {connections} over {sampler.samples} samples; "
        f'"database is locked": {locked}; tracebacks in the server log: {tracebacks}; '
        f"texts delivered by the worker: {texts}"
    )
    print("statuses: " + ", ".join(f"{s}: {n}" for s, n in sorted(histogram.items())))
    print(f"{'operation':<44} {'count':>6} {'p50 ms':>8} {'p99 ms':>8}  statuses")
    for op in sorted(stats.times):
        times = stats.times[op]
        statuses = ", ".join(f"{s}: {n}" for s, n in sorted(stats.statuses[op].items()))
        print(
            f"{op:<44} {len(times):>6} {percentile(times, 0.5) * 1000:>8.0f} "
            f"{percentile(times, 0.99) * 1000:>8.0f}  {statuses}"
        )
    if not dispatching:
        print("POST dispatches/: not available (no such operation in schema.yml); not exercised")
    for text, n in sorted(stats.notes.items()):
        print(f"note: {text} ({n}x)")
    for (op, status), body in sorted(stats.samples.items()):
        print(f"unexpected {status} on {op}: {body}")
    ok = errors_500 == 0 and failures == 0 and locked == 0 and tracebacks == 0
    if bound is not None and sampler.peak > bound:
        ok = False
    print(f"{setup}: {'ok' if ok else 'FAILED'}")
    return ok


def main() -> int:
    setups = [s.strip() for s in os.environ.get("LOAD_SETUPS", "sqlite,postgres").split(",")]
    unknown = set(setups) - set(DEFAULT_CLIENTS)
    if unknown:
        raise SystemExit(f"LOAD_SETUPS: unknown {', '.join(sorted(unknown))}")
    port = int(os.environ.get("LOAD_PORT") or free_port())
    ok = True
    for setup in setups:
        clients = int(os.environ.get("LOAD_CLIENTS") or DEFAULT_CLIENTS[setup])
        ok = run(setup, clients, port) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
