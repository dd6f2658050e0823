"""The admin and Swagger UI render in production, their CSS and JavaScript served by the app
itself (SPEC §10: no CDN; docs "Deployment", static files): `collectstatic`, then the Procfile's
`web` process (gunicorn, backend.settings.production, DEBUG off) on a free port of 19150–19199,
and Chromium loads `/admin/` and `/api/v1/docs/`. Every asset answers 200 from the app, none is
fetched from elsewhere, the styles apply, and a hashed asset is cached for good.

The database is an empty SQLite file of its own (nothing the pages need is read from it). Marked
`browser` and skipped without /usr/bin/chromium like every test here (tests/browser/conftest.py).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.ports import free_port
from tests.procfile import Process, production_env, run, wait_until_answering

PORTS = range(19150, 19175)  # tests/ports.py


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The `web` process of a production deployment whose static files were collected."""
    host = tmp_path_factory.mktemp("web")
    port = free_port(PORTS)
    env = production_env(host, PORT=str(port), DEBUG="0")
    log = host / "web.log"
    run("python manage.py collectstatic --noinput", env, log=log)
    web = Process("web", env, log=log)
    origin = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(origin, web, "/admin/login/")
        yield origin, web
    finally:
        web.stop()


def load(page, origin: str, path: str) -> list[tuple[str, int]]:
    """Open `path`; every request the page made, with its status, once the network is idle."""
    answers: list[tuple[str, int]] = []
    page.on("response", lambda response: answers.append((response.url, response.status)))
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto(f"{origin}{path}", wait_until="networkidle")
    assert failed == []
    return answers


def assets(answers: list[tuple[str, int]]) -> list[tuple[str, int]]:
    return [(url, status) for url, status in answers if "/static/" in url]


def test_the_admin_renders_with_its_styles_served_by_the_app(served, chromium_page):
    origin, web = served
    with chromium_page() as page:
        answers = load(page, origin, "/admin/")
        expect(page.locator("#id_username")).to_be_visible()  # the login page
        styled = page.evaluate(
            "getComputedStyle(document.querySelector('#header')).backgroundColor"
        )
        cache = page.request.get(next(url for url, _ in assets(answers) if url.endswith(".css")))
    assert {urlsplit(url).netloc for url, _ in answers} == {urlsplit(origin).netloc}
    found = assets(answers)
    assert any(url.endswith(".css") for url, _ in found)
    assert any(url.endswith(".js") for url, _ in found)
    assert [(url, status) for url, status in found if status != 200] == []
    assert styled not in ("", "rgba(0, 0, 0, 0)")  # base.css colours the header
    # Hashed names (collectstatic's manifest), kept by browsers for good.
    assert all(Path(urlsplit(url).path).suffixes[-2:-1] for url, _ in found)
    assert cache.headers["cache-control"] == "max-age=315360000, public, immutable"
    assert "Traceback" not in web.output()


def test_swagger_ui_renders_the_schema_with_its_assets_served_by_the_app(served, chromium_page):
    origin, web = served
    with chromium_page() as page:
        answers = load(page, origin, "/api/v1/docs/")
        expect(page.locator(".swagger-ui .info .title")).to_contain_text(
            "Membership platform API", timeout=30_000
        )
        expect(page.locator(".opblock").first).to_be_visible()
    assert {urlsplit(url).netloc for url, _ in answers} == {urlsplit(origin).netloc}
    found = assets(answers)
    assert any("swagger-ui-bundle" in url for url, _ in found)
    assert any(url.endswith(".css") for url, _ in found)
    assert [(url, status) for url, status in answers if status >= 400] == []
    assert "Traceback" not in web.output()
