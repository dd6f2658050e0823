"""The browser tests' shared pieces: Debian's chromium driven by Playwright, and the admin's
log-in form.

Every test in this folder is marked `browser`, skipped only where /usr/bin/chromium is missing
(`.ci/run` installs it), and runs on a committing database (the live server's threads see the
rows; the seeded sites are restored after each test). The browser never downloads anything:
`playwright install` is not used.

Playwright's sync API keeps an event loop running on the test's thread, and Django refuses ORM
calls there, so a test prepares its rows before `chromium_page()` opens and checks them after it
closes; the server side runs in the live server's own threads.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.factories.members import DEFAULT_PASSWORD

HERE = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason=f"no chromium at {CHROMIUM}: install Debian's `chromium` package (.ci/run does)",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.hookimpl(tryfirst=True)  # before `-m` selects by marker
def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.is_relative_to(HERE):
            for mark in MARKS:
                item.add_marker(mark)


@contextlib.contextmanager
def _chromium_page():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(locale="ko-KR", viewport={"width": 1280, "height": 900})
            page.set_default_timeout(20_000)
            yield page
        finally:
            browser.close()


def _admin_log_in(page, base: str, username: str, password: str = DEFAULT_PASSWORD) -> None:
    page.goto(f"{base}/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit], button[type=submit]")
    expect(page.locator("#site-name")).to_be_visible()
    expect(page.locator("#user-tools")).to_be_visible()


@pytest.fixture
def chromium_page():
    """Opens a chromium page: `with chromium_page() as page:`, after the rows are prepared."""
    return _chromium_page


@pytest.fixture
def admin_log_in():
    """Logs a page in to /admin/: `admin_log_in(page, live_server.url, "<site>/<ID>")`."""
    return _admin_log_in
