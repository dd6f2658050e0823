"""`make fuzz` (README "Fuzzing"): schemathesis against a live API, every operation, per role.

    python -m tests.fuzz.run            # what `make fuzz` runs

1. A throwaway database, made afresh on each run: SQLite at `var/fuzz/db.sqlite3`, or with
   `DATABASE_URL` set, the PostgreSQL database `<its name>_fuzz` on that server (the name itself
   when it already ends in `_fuzz`); the database DATABASE_URL names is never touched. Migrated
   and seeded with the demo data (`seed_demo`). A passing run drops it, a failing one leaves it
   for inspection.
2. The API under gunicorn and a django-q2 worker, side by side under `workers.launcher` (as
   `make run`), with `backend.settings.fuzz`: throttles and per-key limits raised, DEBUG off, SMS
   written to files.
3. The roles' fixtures through the API itself (a guardian and the ward they signed up), then
   every role logs in as a client does, before any fuzzing: password, and on onnuri-biz the SMS
   code, read from the file the worker wrote.
4. One `schemathesis run` of `schema.yml` per role — anonymous, member, guardian, operator,
   general admin, master (the master last: its members menu can remove the general admin) —
   with the hooks of tests/fuzz/hooks.py (site, token, figures, the JSON check), all four
   phases (examples, coverage, fuzzing, stateful through the schema's links).
5. The figures per role and in total; exit 1 on any failure, 5xx, undocumented status or
   non-JSON answer.

Knobs (environment): FUZZ_EXAMPLES (examples per operation and phase, default 10),
FUZZ_SECONDS (time budget per role, default 60; schemathesis repeats fuzzing and stateful
testing until it is spent; 0: no budget, one pass of every phase), FUZZ_ROLES (comma-separated
subset), FUZZ_SEED, FUZZ_PORT.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from xml.etree import ElementTree

import django
import requests

ROOT = Path(__file__).resolve().parents[2]
RUN_DIR = ROOT / "var" / "fuzz"
SETTINGS = "backend.settings.fuzz"
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "json_body",  # tests/fuzz/hooks.py
]
# The environment of a developer's shell that must not reach the fuzzed stack.
DROPPED = ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "VAR_DIR", "SMS_BACKEND")
PASSWORD = "Sunny!Day42"


@dataclass(frozen=True)
class Role:
    name: str
    site: str | None  # None: anonymous, on every site
    username: str = ""
    password: str = ""


def sites() -> list[str]:
    """Every active site: where anonymous requests go."""
    from domain.sites.models import Site

    return list(Site.objects.filter(is_active=True).order_by("slug").values_list("slug", flat=True))


def roles() -> list[Role]:
    from demo.accounts import DEMO_MEMBER, DEMO_OPERATOR
    from demo.corporates import ADMIN, MASTER

    everyone = [
        Role("anonymous", None),
        Role("member", "yongin-library", DEMO_MEMBER["username"], DEMO_MEMBER["password"]),
        Role("guardian", "yongin-library", GUARDIAN["username"], PASSWORD),
        Role("operator", "onnuri-biz", DEMO_OPERATOR["username"], DEMO_OPERATOR["password"]),
        Role("general_admin", "onnuri-biz", ADMIN["username"], ADMIN["password"]),
        Role("master", "onnuri-biz", MASTER["username"], MASTER["password"]),
    ]
    wanted = [r for r in os.environ.get("FUZZ_ROLES", "").split(",") if r]
    unknown = set(wanted) - {r.name for r in everyone}
    if unknown:
        raise SystemExit(f"FUZZ_ROLES: unknown {sorted(unknown)}")
    return [r for r in everyone if not wanted or r.name in wanted]


# --- the database ---------------------------------------------------------------------------


def throwaway_database() -> str:
    """The DATABASE_URL of this run's fresh database ('' for the SQLite file)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        (RUN_DIR / "db.sqlite3").unlink(missing_ok=True)
        return ""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    name = name if name.endswith("_fuzz") else f"{name}_fuzz"
    with psycopg.connect(
        urlunsplit(parts._replace(path="/postgres")), autocommit=True, connect_timeout=5
    ) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return urlunsplit(parts._replace(path=f"/{name}"))


def database_drop(url: str) -> None:
    if not url:
        (RUN_DIR / "db.sqlite3").unlink(missing_ok=True)
        return
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        name = sql.Identifier(parts.path.lstrip("/"))
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))


def stack_env(database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in DROPPED}
    env.update(
        DJANGO_SETTINGS_MODULE=SETTINGS,
        VAR_DIR=str(RUN_DIR),
        SMS_FILE_DIR=str(RUN_DIR / "sms"),
        PYTHONPATH=str(ROOT),
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def manage(env: dict, *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**env, "LOG_LEVEL": "WARNING"},
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=600,
    )


# --- the stack ------------------------------------------------------------------------------


def free_port() -> int:
    if os.environ.get("FUZZ_PORT"):
        return int(os.environ["FUZZ_PORT"])
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stack_start(env: dict, port: int, log) -> subprocess.Popen:
    """gunicorn (the production server, backend.wsgi) and a worker, as `make run` starts its
    pair: workers.launcher stops both on one SIGTERM."""
    python = sys.executable
    return subprocess.Popen(
        [
            python,
            "-m",
            "workers.launcher",
            "--",
            python,
            "manage.py",
            "qcluster",
            "--",
            python,
            "-m",
            "gunicorn",
            "backend.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "60",
            # No request-line or header-size cap: every generated request reaches the
            # application (a front end refuses over-long ones with its own 414 in production).
            "--limit-request-line",
            "0",
            "--limit-request-field_size",
            "0",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stack_wait(origin: str, stack: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if stack.poll() is not None:
            raise SystemExit(f"the stack exited ({stack.returncode}); see {RUN_DIR}/stack.log")
        with contextlib.suppress(requests.RequestException):
            if requests.get(f"{origin}/api/v1/health/", timeout=2).status_code == 200:
                return
        time.sleep(0.3)
    raise SystemExit(f"the stack did not answer in {seconds:.0f} s; see {RUN_DIR}/stack.log")


def stack_stop(stack: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(stack.pid, signal.SIGTERM)  # the launcher hands it on to both, once
    try:
        stack.wait(timeout=40)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(stack.pid, signal.SIGKILL)


# --- fixtures and logins, over HTTP as a client ---------------------------------------------

PARENT = {"name": "김보호", "birth_date": "1980-05-05", "phone": "01090000001", "gender": "female"}
CHILD = {"name": "김아동", "birth_date": "2016-03-01", "phone": "01090000002", "gender": "male"}
GUARDIAN = {"username": "fuzzparent", "child": "fuzzchild"}


class Client:
    def __init__(self, origin: str, site: str):
        self.base = f"{origin}/api/v1/sites/{site}/"
        self.session = requests.Session()

    def call(self, method: str, path: str, expected: int, **kwargs) -> dict | list:
        response = self.session.request(method, self.base + path, timeout=60, **kwargs)
        if response.status_code != expected:
            raise SystemExit(f"{method} {path}: {response.status_code} {response.text[:500]}")
        return response.json() if response.content else {}

    def verified(self, purpose: str, person: dict) -> str:
        """A sandbox verification (SPEC §12: code 000000 and the identity)."""
        started = self.call(
            "POST", "verifications/", 201, json={"purpose": purpose, "method": "mobile"}
        )
        identity = {**person, "nationality": "domestic", "carrier": "SKT"}
        confirmed = self.call(
            "POST",
            f"verifications/{started['id']}/confirm/",
            200,
            json={"code": "000000", "identity": identity},
        )
        return confirmed["verification_token"]

    def sign_up(self, kind: str, username: str, person: dict, **extra) -> None:
        documents = self.call("GET", "consent-documents/", 200, params={"kind": kind})
        branches = self.call("GET", "library-branches/", 200)
        body = {
            "kind": kind,
            "username": username,
            "password": PASSWORD,
            "password_confirm": PASSWORD,
            "verification_token": self.verified("sign_up", person),
            "consents": [
                {"document": d["code"], "version": d["version"], "agreed": True} for d in documents
            ],
            "email": f"{username}@example.com",
            "address": {
                "postal_code": "16999",
                "road": "용인시 처인구 중부대로 1199",
                "detail": "1",
            },
            "home_library": branches[0]["id"],
            **extra,
        }
        self.call("POST", "members/", 201, json=body)


def fixtures_seed(origin: str) -> None:
    """A guardian and the child they signed up (SPEC §5), on yongin-library."""
    client = Client(origin, "yongin-library")
    client.sign_up("general", GUARDIAN["username"], PARENT)
    client.sign_up(
        "child",
        GUARDIAN["child"],
        CHILD,
        guardian_verification_token=client.verified("guardian", PARENT),
        guardian={"name": PARENT["name"], "phone": PARENT["phone"]},
    )


def sms_files() -> set[Path]:
    return set((RUN_DIR / "sms").glob("*.json"))


def sms_code(before: set[Path], seconds: float = 30) -> str:
    """The code of the login SMS the worker writes after the files `before` (SMS_BACKEND=file)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for path in sorted(sms_files() - before):
            found = re.search(r"\[(\d{6})\]", json.loads(path.read_text())["body"])
            if found:
                return found.group(1)
        time.sleep(0.3)
    raise SystemExit("no login SMS arrived (is the worker running?)")


def refresh_token(origin: str, role: Role) -> str:
    """Logs `role` in as a client does; its refresh token (the auth hook trades it)."""
    client = Client(origin, role.site)
    before = sms_files()
    answer = client.call(
        "POST", "auth/token/", 200, json={"username": role.username, "password": role.password}
    )
    if answer.get("otp_required"):  # onnuri-biz: the SMS step (SPEC §5)
        answer = client.call(
            "POST",
            "auth/token/otp/",
            200,
            json={"verification_id": answer["verification_id"], "code": sms_code(before)},
        )
    return answer["refresh"]


# --- schemathesis ---------------------------------------------------------------------------


def fuzz(role: Role, origin: str, env: dict, refresh: str | None) -> tuple[int, dict]:
    """One `schemathesis run` as `role`; its exit code and figures."""
    stats = RUN_DIR / f"{role.name}.json"
    log = RUN_DIR / f"{role.name}.log"
    role_env = {
        **env,
        "SCHEMATHESIS_HOOKS": "tests.fuzz.hooks",
        "FUZZ_ORIGIN": origin,
        "FUZZ_SITES": role.site or ",".join(sites()),
        "FUZZ_STATS": str(stats),
    }
    if refresh:
        role_env["FUZZ_REFRESH"] = refresh
    command = [
        str(Path(sys.executable).parent / "schemathesis"),
        "run",
        str(ROOT / "schema.yml"),
        "--url",
        origin,
        "--checks",
        ",".join(CHECKS),
        "--max-examples",
        os.environ.get("FUZZ_EXAMPLES", "10"),
        "--workers",
        "1",
        "--request-timeout",
        "60",
        "--no-color",
        "--report",
        "junit",
        "--report-dir",
        str(RUN_DIR / "reports" / role.name),
    ]
    seconds = os.environ.get("FUZZ_SECONDS", "60")
    if seconds != "0":  # a budget: phases repeat until it is spent
        command += ["--max-time", seconds]
    if os.environ.get("FUZZ_SEED"):
        command += ["--seed", os.environ["FUZZ_SEED"]]
    with log.open("w") as out:
        code = subprocess.run(
            command, cwd=RUN_DIR, env=role_env, stdout=out, stderr=subprocess.STDOUT, check=False
        ).returncode
    figures = json.loads(stats.read_text()) if stats.exists() else {"requests": 0}
    return code, figures


def count(figures: dict, key: str) -> int:
    return sum(figures.get(key, {}).values())


def schemathesis_failures(role: Role) -> int:
    """Failures and errors schemathesis reported (its JUnit report): any check, not only the
    three counted here."""
    reports = sorted((RUN_DIR / "reports" / role.name).glob("junit-*.xml"))
    if not reports:
        return 0
    suites = ElementTree.parse(reports[-1]).getroot()
    return int(suites.get("failures", 0)) + int(suites.get("errors", 0))


def operation_count() -> int:
    import yaml

    paths = yaml.safe_load((ROOT / "schema.yml").read_text())["paths"]
    return sum(
        m in ("get", "post", "put", "patch", "delete") for item in paths.values() for m in item
    )


COLUMNS = ("requests", "operations", "5xx", "undocumented", "non-JSON", "failures", "seconds")


def report(results: list[tuple[Role, int, dict, float]]) -> bool:
    """Prints the figures; whether the run passed."""
    total_operations = operation_count()
    print(f"{'role':<14}" + "".join(f"{c:>13}" for c in COLUMNS))
    totals = dict.fromkeys(COLUMNS, 0)
    passed = True
    for role, code, figures, seconds in results:
        row = {
            "requests": figures.get("requests", 0),
            "operations": len(figures.get("operations", [])),
            "5xx": count(figures, "server_errors"),
            "undocumented": count(figures, "undocumented"),
            "non-JSON": count(figures, "non_json"),
            "failures": schemathesis_failures(role),
            "seconds": round(seconds),
        }
        for key, value in row.items():
            totals[key] += value if key != "operations" else 0
        ok = code == 0 and row["operations"] == total_operations
        ok = ok and not any(row[k] for k in ("5xx", "undocumented", "non-JSON", "failures"))
        passed = passed and ok
        row["operations"] = f"{row['operations']}/{total_operations}"
        print(
            f"{role.name:<14}"
            + "".join(f"{row[c]:>13}" for c in COLUMNS)
            + ("" if ok else f"  see var/fuzz/{role.name}.log")
        )
        for key in ("server_errors", "undocumented", "non_json"):
            for what, n in figures.get(key, {}).items():
                print(f"    {key}: {what} ×{n}")
    totals["operations"] = ""
    print(f"{'total':<14}" + "".join(f"{totals[c]:>13}" for c in COLUMNS))
    (RUN_DIR / "figures.json").write_text(json.dumps(totals, indent=1))
    return passed


def main() -> int:
    started = time.monotonic()
    # A SIGTERM (`timeout`, CI) unwinds like an error: the stack is stopped on the way out.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    for stale in [*RUN_DIR.glob("*.json"), *RUN_DIR.glob("*.log"), *(RUN_DIR / "sms").glob("*")]:
        stale.unlink()
    shutil.rmtree(RUN_DIR / "reports", ignore_errors=True)
    database_url = throwaway_database()
    env = stack_env(database_url)
    os.environ.update(env)  # the demo accounts' constants below come from Django modules
    django.setup()
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo")
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    with (RUN_DIR / "stack.log").open("w") as stack_log:
        stack = stack_start(env, port, stack_log)
        try:
            stack_wait(origin, stack)
            fixtures_seed(origin)
            print(
                f"fuzzing {origin} ({'PostgreSQL' if database_url else 'SQLite'}), set up in "
                f"{time.monotonic() - started:.0f} s"
            )
            # Every role logs in before any fuzzing: requests of an earlier role may lock a
            # later role's account (five wrong passwords for a username seen in an answer).
            tokens = {role.name: refresh_token(origin, role) for role in roles() if role.site}
            results = []
            for role in roles():
                began = time.monotonic()
                code, figures = fuzz(role, origin, env, tokens.get(role.name))
                results.append((role, code, figures, time.monotonic() - began))
        finally:
            stack_stop(stack)
    passed = report(results)
    print(f"wall time {time.monotonic() - started:.0f} s; {'passed' if passed else 'FAILED'}")
    if passed:
        database_drop(database_url)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
