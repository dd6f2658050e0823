"""Uploads files to the API in a process of its own and reports, for each, the answer and the
process's peak memory above its size when idle. A file that crashes the reader kills that
process, not the test run that started it.

`probe(cases)` runs `python -m tests.memory_probe <case> ...` (the cases of
tests.factories.spreadsheets.HOSTILE), which prints one JSON object per case. The peak is Linux's
VmHWM, reset before each upload (`/proc/self/clear_refs`, value 5); idle is VmRSS after a good
file of each kind was uploaded (the readers, calamine and the translations loaded). The database
is SQLite in memory, migrated by the process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SITE = "onnuri-biz"
RECIPIENTS = f"/api/v1/sites/{SITE}/dispatches/recipients/upload/"
STATEMENTS = f"/api/v1/sites/{SITE}/purchases/deposits/"


def probe(cases: list[str]) -> dict[str, dict]:
    """{case: {status, codes, peak_above_idle_mib, still_answers}}; fails with the process's
    output if it died (a crash of the reader)."""
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env["DJANGO_SETTINGS_MODULE"] = "backend.settings.test"
    done = subprocess.run(
        [sys.executable, "-m", "tests.memory_probe", *cases],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"the API process died ({done.returncode}):\n{done.stderr[-3000:]}"
    results = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return {result["case"]: result for result in results}


MAX_PEAK_MIB = 100


def assert_refused_within_bound(result: dict, code: str) -> None:
    """A coded 400, the API process's peak under MAX_PEAK_MIB above idle, and answering after."""
    assert (result["status"], result["codes"]) == (400, [code])
    assert result["peak_above_idle_mib"] < MAX_PEAK_MIB
    assert result["still_answers"]


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(field)


def main(cases: list[str]) -> None:
    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)  # the 400s' request log lines

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.test.utils import setup_test_environment
    from rest_framework.test import APIClient

    from domain.sites.models import Site
    from tests.conftest import bearer_for
    from tests.factories import spreadsheets
    from tests.factories.corporates import corporate_with_master
    from tests.factories.members import MemberFactory

    setup_test_environment()
    call_command("migrate", verbosity=0)
    master = corporate_with_master(username="probemaster1").member
    staff = MemberFactory(site=Site.objects.get(slug=SITE), username="probestaff1", staff=True)
    client = APIClient()

    def post(url: str, member, data: bytes, name: str):
        file = SimpleUploadedFile(name, data)
        return client.post(url, {"file": file}, format="multipart", **bearer_for(member))

    def good_recipients():
        data = spreadsheets.xlsx_bytes(spreadsheets.numbered(3))
        return post(RECIPIENTS, master, data, "recipients.xlsx")

    def good_statement():
        rows = [("2026-11-25 10:00:00", "한빛상사", 1000)]
        data = spreadsheets.xlsx_bytes(rows, header=spreadsheets.STATEMENT_HEADER)
        return post(STATEMENTS, staff, data, "statement.xlsx")

    files = {case: spreadsheets.HOSTILE[case]() for case in cases}  # made before idle is read
    for warm_up in (good_recipients, good_statement):
        assert warm_up().status_code == 201
    idle = _status_kib("VmRSS")
    for case, data in files.items():
        url, member = (STATEMENTS, staff) if case.startswith("statement") else (RECIPIENTS, master)
        Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS
        response = post(url, member, data, f"{case}.xlsx")
        peak = _status_kib("VmHWM")
        result = {
            "case": case,
            "status": response.status_code,
            "codes": [error["code"] for error in response.json().get("errors", [])],
            "peak_above_idle_mib": round((peak - idle) / 1024, 1),
            "still_answers": good_recipients().status_code == 201
            and good_statement().status_code == 201,
        }
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
