"""The production section of docs "Deployment" is the Procfile plus the environment: the page
shows the Procfile as it is, the Procfile names the three processes, and what they run is
installed without the dev extras."""

from __future__ import annotations

import re
import tomllib

from tests.docs.texts import DOCS, ROOT, code_blocks

PROCFILE = ROOT / "Procfile"
PAGE = DOCS / "deployment.md"


def processes() -> dict[str, str]:
    lines = PROCFILE.read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip())


def test_the_procfile_names_the_release_web_and_worker_processes():
    found = processes()
    assert list(found) == ["release", "web", "worker"]
    assert found["release"] == (
        "python manage.py migrate --noinput && python manage.py check --deploy"
    )
    assert found["web"].startswith("gunicorn backend.wsgi ")
    assert found["worker"] == "python manage.py qcluster"


def test_the_deployment_page_shows_the_procfile_as_it_is():
    [shown] = code_blocks(PAGE.read_text(), "procfile")
    assert shown == PROCFILE.read_text()


def test_the_production_environment_names_the_production_settings_and_the_bucket():
    exported = " ".join(code_blocks(PAGE.read_text(), "sh"))
    assert "export DJANGO_SETTINGS_MODULE=backend.settings.production" in exported
    for name in ("PRIVATE_STORAGE_BUCKET", "AWS_ACCESS_KEY_ID", "REDIS_URL", "DATABASE_URL"):
        assert re.search(rf"\b{name}=", exported), name
    assert "collectstatic --noinput" in exported


def test_what_the_processes_run_is_a_runtime_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {re.split(r"[\[<>=]", d)[0].lower() for d in project["dependencies"]}
    dev = {re.split(r"[\[<>=]", d)[0].lower() for d in project["optional-dependencies"]["dev"]}
    assert {"gunicorn", "whitenoise", "django-storages"} <= runtime
    assert "moto" in dev and "gunicorn" not in dev
