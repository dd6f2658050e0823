"""Production refuses unsafe configuration at start-up (SPEC §12).

Each test runs a fresh process, as a deployment would: settings are read once, at start.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.backend import BASE_DIR, OPT_IN, REAL_PROVIDERS, environment

# The SECRET_KEY backend.settings.local falls back to: public, in this repository.
DEV_SECRET_KEY = "local-dev-only-not-secret-" + "x" * 32
FORGE = """
import json, sys, jwt
from wsgiref.util import setup_testing_defaults
from backend.wsgi import application
from api.authentication import SiteRefreshToken
from tests.factories.members import MemberFactory

member = MemberFactory(username="victim01")
real = SiteRefreshToken.for_member(member).access_token
forged = jwt.encode(dict(real.payload), sys.argv[1], algorithm="HS256")

def status_of(token):
    environ = {}
    setup_testing_defaults(environ)
    environ.update(
        PATH_INFO="/api/v1/sites/yongin-library/members/me/",
        HTTP_HOST="localhost",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    answer = {}
    body = b"".join(application(environ, lambda s, h, e=None: answer.update(status=s)))
    return int(answer["status"].split()[0]), json.loads(body)

print(json.dumps({"forged": status_of(forged), "real": status_of(str(real))}))
"""


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    """A directory holding a migrated SQLite database (the seed site policies loaded)."""
    directory = tmp_path_factory.mktemp("deploy")
    env = environment(directory, "backend.settings.production")
    result = run(env, "manage.py", "migrate", "--noinput")
    assert result.returncode == 0, result.stderr[-3000:]
    return directory


def copy_of(migrated: Path, tmp_path: Path) -> Path:
    (tmp_path / "db.sqlite3").write_bytes((migrated / "db.sqlite3").read_bytes())
    return tmp_path


def test_check_deploy_fails_in_production_with_the_sandbox_providers(migrated, tmp_path):
    env = environment(copy_of(migrated, tmp_path), "backend.settings.production")
    result = run(env, "manage.py", "check", "--deploy")
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "sandbox identity provider" in output
    assert "IDENTITY_PROVIDER" in output
    assert "sandbox social provider" in output
    assert "business_certificate" in output


def test_the_wsgi_application_refuses_to_start_with_the_sandbox_providers(migrated, tmp_path):
    env = environment(copy_of(migrated, tmp_path), "backend.settings.production")
    result = run(env, "-c", "import backend.wsgi")
    assert result.returncode != 0
    assert "sandbox identity provider" in result.stderr
    asgi = run(env, "-c", "import backend.asgi")
    assert asgi.returncode != 0
    assert "sandbox identity provider" in asgi.stderr


def test_before_migrate_the_check_assumes_the_seed_policies(tmp_path):
    env = environment(tmp_path, "backend.settings.production")  # an empty database file
    result = run(env, "manage.py", "check", "--deploy")
    assert result.returncode != 0
    assert "business_certificate" in result.stdout + result.stderr


def test_a_staging_deployment_opts_in_to_the_sandboxes_with_one_variable(migrated, tmp_path):
    env = environment(copy_of(migrated, tmp_path), "backend.settings.production", **OPT_IN)
    result = run(env, "manage.py", "check", "--deploy")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "UNSAFE_ALLOW_SANDBOX_PROVIDERS" in result.stdout + result.stderr  # said loudly
    assert run(env, "-c", "import backend.wsgi").returncode == 0


def test_real_providers_and_the_certificate_switched_off_pass(migrated, tmp_path):
    env = environment(copy_of(migrated, tmp_path), "backend.settings.production", **REAL_PROVIDERS)
    before = run(env, "manage.py", "check", "--deploy")
    assert before.returncode != 0  # the business certificate has no real verifier yet
    assert "business_certificate" in before.stdout + before.stderr
    assert "sandbox identity provider" not in before.stdout + before.stderr

    # What a deployment without a real certificate verifier or MOIS provider does (README).
    switched = run(
        env, "manage.py", "site_policies_switch_off", "business_certificate", "library_upgrades"
    )
    assert switched.returncode == 0, switched.stderr[-3000:]
    assert "incheon-water, yongin-library" in switched.stdout
    after = run(env, "manage.py", "check", "--deploy")
    assert after.returncode == 0, after.stdout + after.stderr
    started = run(env, "-c", "import backend.wsgi")
    assert started.returncode == 0, started.stderr[-3000:]


@pytest.mark.parametrize(
    "missing",
    # GIFT_APP_SECRETS: onnuri-biz offers dispatches, whose gift app callbacks are signed.
    ["IDENTITY_HASH_KEY", "GIFT_APP_SECRETS"],
)
def test_production_without_a_key_of_its_own_does_not_start(migrated, tmp_path, missing):
    env = environment(
        copy_of(migrated, tmp_path), "backend.settings.production", **{missing: None}, **OPT_IN
    )
    result = run(env, "manage.py", "check", "--deploy")
    assert result.returncode != 0
    assert missing in result.stdout + result.stderr
    assert run(env, "-c", "import backend.wsgi").returncode != 0


def test_the_dev_secret_key_is_refused_in_production(migrated, tmp_path):
    env = environment(
        copy_of(migrated, tmp_path), "backend.settings.production", SECRET_KEY=DEV_SECRET_KEY
    )
    result = run(env, "manage.py", "check", "--deploy")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_a_server_started_without_settings_ignores_a_jwt_forged_with_the_dev_key(
    migrated, tmp_path
):
    """The README way (no DJANGO_SETTINGS_MODULE, no SECRET_KEY): today's local fallback."""
    env = environment(copy_of(migrated, tmp_path), None, SECRET_KEY=None, **OPT_IN)
    result = run(env, "-c", FORGE, DEV_SECRET_KEY)
    assert result.returncode != 0, result.stdout  # production settings: no SECRET_KEY, no start
    assert "SECRET_KEY" in result.stderr


def test_the_default_settings_refuse_a_jwt_forged_with_the_dev_key(migrated, tmp_path):
    env = environment(copy_of(migrated, tmp_path), None, **OPT_IN)
    result = run(env, "-c", FORGE, DEV_SECRET_KEY)
    assert result.returncode == 0, result.stderr[-3000:]
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    assert answers["forged"][0] == 401
    assert answers["forged"][1]["errors"][0]["code"] == "token_not_valid"
    assert answers["real"][0] == 200, answers


@pytest.mark.parametrize("module", ["backend.wsgi", "backend.asgi"])
def test_the_start_check_leaves_no_database_connection_open(migrated, tmp_path, module):
    """The check reads the site policies in the server's main thread, which serves no request
    and so never closes a connection: with persistent connections each gunicorn worker kept
    one more than its threads (`make load` counted 5 per worker of 4 threads on PostgreSQL)."""
    env = environment(
        copy_of(migrated, tmp_path), "backend.settings.production", DB_CONN_MAX_AGE="60", **OPT_IN
    )
    probe = f"import {module}; from django.db import connection; print(connection.connection)"
    result = run(env, "-c", probe)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().splitlines()[-1] == "None"
