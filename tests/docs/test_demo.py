"""What the docs say about the demo (`make run`): the accounts they name exist as `seed_demo`
makes them, and the SMS text the worker prints looks as shown."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command

from tests.docs.texts import table_rows, text

pytestmark = pytest.mark.django_db

SITES = ("incheon-water", "animal-protection", "yongin-library", "onnuri-biz")
SIGN_IN = re.compile(rf"`({'|'.join(SITES)})/([A-Za-z0-9_]+)`")
DEMOMASTER = {"username": "demomaster", "password": "Gift#Card2024"}


def seeded(capture) -> list[tuple[str, str, str, str]]:
    """`manage.py seed_demo` as `make run` runs it: (site, role, ID, password) of each account,
    read from what it prints."""
    out = io.StringIO()
    with capture(execute=True):
        call_command("seed_demo", stdout=out)
    rows = re.findall(r"^\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*$", out.getvalue(), re.MULTILINE)
    assert rows, out.getvalue()
    return rows


def test_every_site_and_id_sign_in_example_is_a_seeded_account(
    django_capture_on_commit_callbacks,
):
    accounts = {
        (site, username) for site, _, username, _ in seeded(django_capture_on_commit_callbacks)
    }
    examples = set(SIGN_IN.findall(text()))
    assert examples, "the docs show how an operator signs in: `<site>/<ID>`"
    assert examples - accounts == set()


def test_the_demo_accounts_table_is_what_seed_demo_makes(django_capture_on_commit_callbacks):
    logins = {
        (username, password)
        for *_, username, password in seeded(django_capture_on_commit_callbacks)
    }
    table = [
        (cells[2].strip("`"), cells[3].strip("`"))
        for cells in table_rows(text())
        if len(cells) == 4
        and re.search(rf"{'|'.join(SITES)}|every site", cells[0])
        and cells[2].startswith("`")
        and cells[3].startswith("`")
    ]
    assert len(table) >= 4
    assert set(table) - logins == set()


def test_the_console_sms_shown_is_what_the_worker_prints(
    api, settings, capsys, django_capture_on_commit_callbacks
):
    """The onnuri-biz login code, printed by SMS_BACKEND=console (`make run`'s default)."""
    seeded(django_capture_on_commit_callbacks)
    settings.SMS_BACKEND = "console"
    capsys.readouterr()
    with django_capture_on_commit_callbacks(execute=True):
        answer = api.post("/api/v1/sites/onnuri-biz/auth/token/", DEMOMASTER, format="json")
    assert answer.json()["otp_required"] is True
    printed = capsys.readouterr().out.splitlines()
    header = next(line for line in printed if re.match(r"^\[[A-Z]+\] from ", line))
    body = printed[printed.index(header) + 1]

    docs = text()
    prefix = header.split(" (")[0]  # "[KIND] from <sender> to <mobile>", then the message id
    assert prefix in docs
    assert re.sub(r"\[\d{6}\]", "[123456]", body) in docs
