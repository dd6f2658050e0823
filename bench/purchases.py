"""The purchase benchmarks of `make bench` (issue 10 point 9; README "Benchmarks").

- `POST purchases/` throughput is measured in-process by bench/run.py (the request's median and
  queries); `prepare` readies the demo company and prints its master's access token.
- The Excel export of 100,000 purchases (`GET purchases/export/`), wall time and peak memory,
  beside openpyxl write-only writing the same 100,000 rows without Django.

Each measurement runs in a fresh process (`python -m bench.purchases export|baseline ...`,
under bench/settings.py on the bench PostgreSQL database), after a small warm-up run of the same
code. Memory is the process's resident set: its peak is reset right before the measured work
(Linux `/proc/self/clear_refs`), then read (`VmHWM`); reported as that peak and as its growth
over the resident set at the start. The runs alternate export/baseline like the served rounds.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
SITE = "onnuri-biz"
EXPORT_PATH = f"/api/v1/sites/{SITE}/purchases/export/"
EXPORT_ROWS = 100_000
SMALL_EXPORT_DAYS = 7  # the newest week of the seeded rows: ~10,000, to compare peak memory
ROUNDS = int(os.environ.get("BENCH_EXPORT_ROUNDS", "2"))  # per side
BENCH_COMPANY = {"name": "(주)벤치상사", "business_number": "1234500011"}
SEOUL = ZoneInfo("Asia/Seoul")
# The seeded rows: one a minute going back from here (so ~69 days, none in the current month
# of a run after mid-2025, where they would weigh on the demo company's monthly limits).
NEWEST = dt.datetime(2025, 6, 30, 23, 59, tzinfo=SEOUL)
STATUSES = ["approved", "pending", "cancelled", "refunded"]
STATUS_LABELS = {"approved": "승인", "pending": "대기", "cancelled": "취소", "refunded": "환불"}
RATE = Decimal("5.00")


def seeded_row(n: int) -> dict:
    """The fields of the n-th seeded purchase (n from 0, newest first)."""
    created = NEWEST - dt.timedelta(minutes=n)
    amount = 1_000 * (1 + n % 5_000)
    discount = amount * 5 // 100
    status = STATUSES[n % len(STATUSES)]
    approved = status in ("approved", "refunded")
    return {
        "amount": amount,
        "discount_rate": RATE,
        "discount_base": amount,
        "discount_amount": discount,
        "deposit_amount": amount - discount,
        "depositor_bank_code": "089",
        "depositor_account_masked": "700100********",
        "depositor_holder": BENCH_COMPANY["name"],
        "deposit_deadline": created + dt.timedelta(days=1),
        "status": status,
        "balance": amount if status == "approved" else 0,
        "approved_at": created + dt.timedelta(hours=1) if approved else None,
        "expires_at": created + dt.timedelta(days=5 * 365 + 1) if approved else None,
        "refund_amount": amount if status == "refunded" else 0,
        "created_at": created,
    }


# --- run inside a bench-settings process -------------------------------------------------------


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _onnuri():
    from domain.sites.models import Site

    return Site.objects.get(slug=SITE)


def _bench_company():
    """A company of its own for the seeded rows (a copy of the demo company's papers)."""
    from demo.corporates import COMPANY
    from domain.corporates.models import Corporate

    site = _onnuri()
    found = Corporate.objects.filter(site=site, business_number=BENCH_COMPANY["business_number"])
    if found.exists():
        return found.get()
    corporate = Corporate.objects.get(site=site, business_number=COMPANY["business_number"])
    corporate.pk = None
    corporate.name = BENCH_COMPANY["name"]
    corporate.business_number = BENCH_COMPANY["business_number"]
    corporate.save(force_insert=True)
    return corporate


def seed() -> None:
    """100,000 purchases of the bench company, written with bulk_create (once per database)."""
    from django.contrib.auth import get_user_model

    from domain.purchases.models import Purchase

    corporate = _bench_company()
    purchases = Purchase.objects.filter(corporate=corporate)
    if purchases.count() == EXPORT_ROWS:
        print(json.dumps({"seeded": 0, "seconds": 0}))
        return
    purchases.delete()
    requester = get_user_model().objects.filter(site=corporate.site).first()
    started = time.perf_counter()
    batch = 5_000
    for first in range(0, EXPORT_ROWS, batch):
        Purchase.objects.bulk_create(
            Purchase(corporate=corporate, requested_by=requester, **seeded_row(n))
            for n in range(first, first + batch)
        )
    print(json.dumps({"seeded": EXPORT_ROWS, "seconds": time.perf_counter() - started}))


def prepare() -> None:
    """The demo company ready for the request throughput rounds: no purchases left from earlier
    runs, monthly limits no run reaches; prints its master's access token."""
    from api.authentication import SiteRefreshToken
    from demo.corporates import COMPANY, MASTER
    from domain.common.models import IdempotencyRecord
    from domain.corporates.models import Corporate, CorporateManager
    from domain.purchases.models import Purchase

    corporate = Corporate.objects.get(site=_onnuri(), business_number=COMPANY["business_number"])
    Purchase.objects.filter(corporate=corporate).delete()
    corporate.monthly_purchase_limit = 10**15
    corporate.monthly_discount_limit = 10**15
    corporate.save(update_fields=["monthly_purchase_limit", "monthly_discount_limit"])
    master = CorporateManager.objects.select_related("member__site").get(
        corporate=corporate, member__username=MASTER["username"]
    )
    IdempotencyRecord.objects.filter(caller=master.member).delete()
    print(SiteRefreshToken.for_member(master.member).access_token)


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise LookupError(field)


class PeakMemory:
    """The peak resident set of the work inside `with`, and its growth over the start (KiB)."""

    def __enter__(self):
        # "5" resets the peak (VmHWM) to the current resident set (Linux ≥ 4.0).
        Path("/proc/self/clear_refs").write_text("5")
        self.start = _status_kib("VmRSS")
        return self

    def __exit__(self, *exc):
        self.peak = _status_kib("VmHWM")
        self.growth = self.peak - self.start


def export(days: int | None) -> None:
    """One export through the whole API stack (authentication, the view, the file streamed
    out), by the site's operator filtering on the bench company; `days`: only the newest."""
    from django.conf import settings
    from rest_framework.test import APIClient

    from api.authentication import SiteRefreshToken
    from demo.accounts import DEMO_OPERATOR
    from domain.members.models import Member

    settings.ALLOWED_HOSTS = ["*"]
    corporate = _bench_company()
    operator = Member.objects.get(site=corporate.site, username=DEMO_OPERATOR["username"])
    token = SiteRefreshToken.for_member(operator).access_token
    client = APIClient(HTTP_AUTHORIZATION=f"Bearer {token}")
    query = {"corporate": corporate.pk}
    if days:
        query["date_from"] = str((NEWEST - dt.timedelta(days=days - 1)).date())

    def download(query: dict) -> int:
        response = client.get(EXPORT_PATH, query)
        assert response.status_code == 200, response.content
        size = sum(len(chunk) for chunk in response.streaming_content)
        response.close()
        return size

    download({**query, "date_from": str(NEWEST.date())})  # warm-up: one day of rows
    with PeakMemory() as memory:
        started = time.perf_counter()
        size = download(query)
        seconds = time.perf_counter() - started
    rows = _rows_of(corporate, query)
    _report(seconds=seconds, growth=memory.growth, peak=memory.peak, rows=rows, size=size)


def _rows_of(corporate, query: dict) -> int:
    from domain.purchases.models import Purchase

    rows = Purchase.objects.filter(corporate=corporate)
    if "date_from" in query:
        since = dt.datetime.fromisoformat(query["date_from"]).replace(tzinfo=SEOUL)
        rows = rows.filter(created_at__gte=since)
    return rows.count()


def _report(**figures) -> None:
    print(json.dumps(figures))


# --- the baseline: openpyxl alone --------------------------------------------------------------


def baseline() -> None:
    """The same 100,000 rows (values, number formats) written by openpyxl in write-only mode
    straight from Python values: no Django, no database, no HTTP."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    formats = {2: "yyyy-mm-dd hh:mm:ss", 5: '#,##0"원"', 6: "0.00%", 7: '#,##0"원"'}
    formats |= {8: '#,##0"원"', 9: "yyyy-mm-dd hh:mm:ss"}

    def wall(moment):
        return moment.replace(tzinfo=None) if moment else None

    def write(rows: int) -> int:
        book = Workbook(write_only=True)
        sheet = book.create_sheet("구매내역")
        sheet.append(["번호", "상태", "구매일시", "입금자", "입금계좌"] + ["…"] * 5)
        for n in range(rows):
            row = seeded_row(n)
            values = [
                n + 1,
                STATUS_LABELS[row["status"]],
                wall(row["created_at"]),
                "(주*****",
                f"케이뱅크 / {row['depositor_account_masked']}",
                row["deposit_amount"],
                row["discount_rate"] / 100,
                row["amount"],
                row["balance"],
                wall(row["expires_at"]),
            ]
            cells = []
            for index, value in enumerate(values):
                if value is None or index not in formats:
                    cells.append(value)
                    continue
                cell = WriteOnlyCell(sheet, value)
                cell.number_format = formats[index]
                cells.append(cell)
            sheet.append(cells)
        with tempfile.TemporaryFile() as target:
            book.save(target)
            return target.tell()

    write(100)  # warm-up
    with PeakMemory() as memory:
        started = time.perf_counter()
        size = write(EXPORT_ROWS)
        seconds = time.perf_counter() - started
    _report(seconds=seconds, growth=memory.growth, peak=memory.peak, rows=EXPORT_ROWS, size=size)


# --- driven from bench/run.py ------------------------------------------------------------------


def _run(env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "bench.purchases", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip().splitlines()[-1]


def bench_environment() -> dict | None:
    """The environment of bench/purchases.py's processes: bench settings on the bench
    PostgreSQL database (created, migrated, demo accounts seeded). None, after saying so, when
    PostgreSQL is not reachable."""
    from bench.served import DEFAULT_DATABASE_URL, database_ready

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    version = database_ready(url)
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
    for command in (["migrate", "--noinput"], ["seed_demo"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)
    return env


def access_token(env: dict) -> str:
    """Ready the demo company for `POST purchases/` rounds; its master's access token."""
    return _run(env, "prepare")


def export_bench(env: dict) -> None:
    seeded = json.loads(_run(env, "seed"))
    runs: dict[str, list[dict]] = {"export": [], "baseline": []}
    for _ in range(ROUNDS):
        runs["export"].append(json.loads(_run(env, "export")))
        runs["baseline"].append(json.loads(_run(env, "baseline")))
    week = json.loads(_run(env, "export", str(SMALL_EXPORT_DAYS)))
    seeding = (
        f"seeded with bulk_create in {seeded['seconds']:.1f} s"
        if seeded["seeded"]
        else "seeded by an earlier run"
    )
    print()
    print(
        f"export: {EXPORT_ROWS:,} purchases ({seeding}), {ROUNDS} interleaved runs per side, "
        "each in a fresh warmed-up process; peak resident memory during the run, and its "
        "growth over the start"
    )
    print(f"{'':<45} {'rows':>8} {'seconds':>8} {'peak MiB':>9} {'growth MiB':>10} {'file MiB':>8}")

    def line(label: str, figures: list[dict]) -> float:
        seconds = statistics.median(f["seconds"] for f in figures)
        peak = max(f["peak"] for f in figures) / 1024
        growth = max(f["growth"] for f in figures) / 1024
        size = figures[0]["size"] / 2**20
        print(
            f"{label:<45} {figures[0]['rows']:>8,} {seconds:>8.1f} {peak:>9.1f} "
            f"{growth:>10.1f} {size:>8.1f}"
        )
        return seconds

    export_seconds = line("GET purchases/export/ (staff, one company)", runs["export"])
    line(f"  the same, newest {SMALL_EXPORT_DAYS} days", [week])
    baseline_seconds = line("openpyxl write-only alone, same rows", runs["baseline"])
    ratio = export_seconds / baseline_seconds
    print(f"{'ratio export / openpyxl alone (time)':<45} {ratio:>17.2f}")


def main() -> None:
    command, *args = sys.argv[1:]
    if command == "baseline":
        baseline()
        return
    _django()
    if command == "seed":
        seed()
    elif command == "prepare":
        prepare()
    elif command == "export":
        export(int(args[0]) if args else None)
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main()
