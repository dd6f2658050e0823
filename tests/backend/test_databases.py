"""Database settings from the environment (SPEC §9)."""

import json
import subprocess
import sys

from tests.backend import BASE_DIR, environment

PROBE = """
import json
import django
from django.conf import settings
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("PRAGMA journal_mode")
    journal = cursor.fetchone()[0]
    cursor.execute("PRAGMA busy_timeout")
    busy = cursor.fetchone()[0]
database = settings.DATABASES["default"]
print(json.dumps({
    "journal": journal,
    "busy_ms": busy,
    "transaction_mode": database["OPTIONS"].get("transaction_mode"),
    "conn_max_age": database["CONN_MAX_AGE"],
    "health_checks": database["CONN_HEALTH_CHECKS"],
}))
"""


def probe(env) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_sqlite_database_url_gets_wal_busy_timeout_and_immediate(tmp_path):
    env = environment(tmp_path, "backend.settings.local")
    assert env["DATABASE_URL"].startswith("sqlite:///")
    found = probe(env)
    assert found["journal"] == "wal"
    assert found["busy_ms"] >= 5000
    assert found["transaction_mode"] == "IMMEDIATE"


def test_the_default_sqlite_database_gets_the_same_options(tmp_path):
    env = environment(tmp_path, "backend.settings.local")
    del env["DATABASE_URL"]
    found = probe(env)
    assert (tmp_path / "var" / "db.sqlite3").exists()
    assert found["journal"] == "wal"
    assert found["busy_ms"] >= 5000
    assert found["transaction_mode"] == "IMMEDIATE"


def test_persistent_connections_are_off_unless_asked_for(tmp_path):
    env = environment(tmp_path, "backend.settings.local")
    found = probe(env)
    assert (found["conn_max_age"], found["health_checks"]) == (0, False)
    found = probe({**env, "DB_CONN_MAX_AGE": "120"})
    assert (found["conn_max_age"], found["health_checks"]) == (120, True)
    found = probe({**env, "DB_CONN_MAX_AGE": "120", "DB_CONN_HEALTH_CHECKS": "false"})
    assert (found["conn_max_age"], found["health_checks"]) == (120, False)
