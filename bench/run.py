"""Benchmarks (`make bench`): wall-clock figures for the hot paths, printed as a table.

Runs against a throwaway SQLite database (or DATABASE_URL if set) with the production password
hasher (Argon2id at Django's default cost), the sandbox providers and the locmem SMS backend.
Then the query counts of every paged list at page sizes 10 and 100 (bench/queries.py), the
served benchmark (bench/served.py): gunicorn on PostgreSQL, our login beside simplejwt's stock
view, `GET members/me/` and the purchase and dispatch lists beside bare DRF views, and the export
of 100,000 purchases against openpyxl alone (bench/purchases.py). `python bench/run.py served`,
`python bench/run.py export`, `python bench/run.py uploads` (the recipients upload, issue 11
bench a) or `python bench/run.py send` (sending, issue 11 bench c) runs only that one. Figures
go into README.md "Benchmarks" with the machine they came from.
"""

import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings.local")
os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="bench-"))
os.environ["SMS_BACKEND"] = "locmem"
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from bench.fixtures import hangul  # noqa: E402
from bench.purchases import bench_environment, export_bench  # noqa: E402
from bench.queries import list_query_counts  # noqa: E402
from bench.served import served_bench  # noqa: E402

settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": True}
# In place: DRF's throttle classes hold this dict since they were imported (above).
settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"].update(
    dict.fromkeys(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "100000/min")
)
settings.ALLOWED_HOSTS = ["testserver", "localhost"]


def timed(label, fn, repeat):
    samples = []
    queries = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - start)
        queries = len(captured)
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
    return (label, repeat, statistics.median(samples) * 1000, p95 * 1000, queries)


# --- issue 11 (a): the recipients upload beside a bare openpyxl read ---------------------------
# Kept in one block: other measurements (purchases, the rest of issue 11) sit beside it.

UPLOAD_SIZES = ((10_000, 7), (100_000, 3))  # (rows, interleaved rounds per side)


def _recipients_xlsx(count: int) -> bytes:
    """The template's columns and `count` distinct rows, as a company's Excel would hold them
    (mobiles as text, amounts as numbers)."""
    import io

    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("받는 고객")
    sheet.append(["고객명", "휴대폰 번호", "금액"])
    for index in range(count):
        sheet.append([f"직원{index:06d}", f"010{index:08d}", 10_000])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _openpyxl_read(data: bytes) -> int:
    """The baseline: openpyxl's read-only parse of every row's values, nothing else."""
    import io

    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True)
    rows = sum(1 for _ in workbook.active.iter_rows(values_only=True))
    workbook.close()
    return rows


def _calamine_read(data: bytes) -> int:
    import io

    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    return sum(1 for _ in sheet.iter_rows())


def _seconds(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def uploads_bench() -> None:
    """POST dispatches/recipients/upload/ in-process (multipart parse, python-calamine read,
    the one recipient check, the upload row stored, the JSON answer) as the demo master,
    interleaved round by round with openpyxl's read-only parse of the same file. The
    100,000-row case is over the default limit: the site's `dispatch_max_recipients` is raised
    to 100,000 in this throwaway database for it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from api.authentication import SiteRefreshToken
    from domain.corporates.models import CorporateManager
    from domain.dispatches.models import RecipientUpload
    from domain.sites.models import Site

    site = Site.objects.get(slug="onnuri-biz")
    site.policy = {**site.policy, "dispatch_max_recipients": max(n for n, _ in UPLOAD_SIZES)}
    site.save()
    master = CorporateManager.objects.get(member__site=site, member__username="demomaster")
    token = SiteRefreshToken.for_member(master.member).access_token
    api = APIClient()
    url = "/api/v1/sites/onnuri-biz/dispatches/recipients/upload/"

    print()
    print(
        "recipients upload (issue 11 bench a): the API in-process vs openpyxl read-only of the "
        "same xlsx, interleaved rounds; calamine alone for reference"
    )
    print(
        f"{'rows':>8} {'file KB':>8} {'rounds':>6} {'upload ms':>10} {'openpyxl ms':>12} "
        f"{'calamine ms':>12} {'queries':>8} {'upload/openpyxl':>16}"
    )
    for count, rounds in UPLOAD_SIZES:
        data = _recipients_xlsx(count)
        assert _openpyxl_read(data) == count + 1

        def upload(data=data, count=count):
            response = api.post(
                url,
                {"file": SimpleUploadedFile("recipients.xlsx", data)},
                format="multipart",
                HTTP_AUTHORIZATION=f"Bearer {token}",
            )
            assert response.status_code == 201, response.content[:300]
            assert response.json()["count"] == count

        upload()  # warm-up: imports, caches
        uploads, bare, calamine = [], [], []
        queries = 0
        for _ in range(rounds):
            with CaptureQueriesContext(connection) as captured:
                uploads.append(_seconds(upload))
            queries = len(captured)
            bare.append(_seconds(lambda data=data: _openpyxl_read(data)))
            calamine.append(_seconds(lambda data=data: _calamine_read(data)))
        RecipientUpload.objects.all().delete()
        upload_ms, bare_ms = statistics.median(uploads) * 1000, statistics.median(bare) * 1000
        ratio = upload_ms / bare_ms
        verdict = ""
        if count == 10_000:  # issue 11 done-when: no more than the bare openpyxl read
            verdict = "  ok (<= 1)" if ratio <= 1 else "  ABOVE 1"
        print(
            f"{count:>8,} {len(data) / 1024:>8.0f} {rounds:>6} {upload_ms:>10.1f} "
            f"{bare_ms:>12.1f} {statistics.median(calamine) * 1000:>12.1f} {queries:>8} "
            f"{ratio:>16.2f}{verdict}"
        )


def on_postgresql(*benches) -> None:
    env = bench_environment()
    if env is not None:
        for bench in benches:
            bench(env)


# --- issue 11 (b): creating a 10,000-recipient dispatch -----------------------------------------
DISPATCH_RECIPIENTS = 10_000
DISPATCH_RUNS = 5


def _timed_interleaved(cases, repeat):
    """`timed` for several (label, fn) at once, in interleaved rounds, so a growing table or a
    busy machine weighs on each alike. Queries are counted by an execute wrapper:
    CaptureQueriesContext forces Django's debug cursor, which on SQLite re-quotes every
    parameter of every query (170,000 for one 10,000-row insert), a cost production never
    pays."""
    samples = {label: [] for label, _ in cases}
    queries = dict.fromkeys(samples, 0)
    count = [0]

    def counter(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    for _ in range(repeat):
        for label, fn in cases:
            count[0] = 0
            with connection.execute_wrapper(counter):
                start = time.perf_counter()
                fn()
                samples[label].append(time.perf_counter() - start)
            queries[label] = count[0]
    rows = []
    for label, taken in samples.items():
        taken.sort()
        p95 = taken[min(len(taken) - 1, int(len(taken) * 0.95))]
        rows.append((label, repeat, statistics.median(taken) * 1000, p95 * 1000, queries[label]))
    return rows


def dispatch_create_bench() -> list[tuple]:
    """POST dispatches/ with 10,000 inline recipients (checks, the sender's token, the purchase
    chosen and reserved, one bulk insert), the service alone, and beside them a bare
    `bulk_create` of the same 10,000 Recipient rows: what the create costs over the insert."""
    import datetime as dt

    from django.utils import timezone

    from api.authentication import SiteRefreshToken
    from demo.accounts import DEMO_OPERATOR
    from demo.corporates import MASTER
    from domain.corporates.models import Corporate, CorporateManager
    from domain.dispatches.create import dispatch_create
    from domain.dispatches.models import Dispatch, Recipient
    from domain.members.models import Member
    from domain.purchases.services import (
        purchase_approve,
        purchase_documents_received,
        purchase_request,
    )
    from tests.factories.dispatches import dispatch_send_token  # through the real services

    manager = CorporateManager.objects.select_related("corporate__site", "member").get(
        member__username=MASTER["username"], corporate__site__slug="onnuri-biz"
    )
    site, member = manager.corporate.site, manager.member
    corporates = Corporate.objects.filter(pk=manager.corporate_id)
    corporates.update(monthly_purchase_limit=10**12)
    operator = Member.objects.get(site=site, username=DEMO_OPERATOR["username"])
    per_dispatch = DISPATCH_RECIPIENTS * 1_000
    purchase = purchase_request(manager=manager, amount=per_dispatch * (2 * DISPATCH_RUNS + 1))
    purchase_documents_received(corporates=corporates, staff=operator, purchase_id=purchase.pk)
    purchase_approve(corporates=corporates, staff=operator, purchase_id=purchase.pk)

    recipients = [
        {"name": f"수신자{i:05d}", "mobile": f"0109{i:07d}", "amount": 1_000}
        for i in range(DISPATCH_RECIPIENTS)
    ]
    scheduled = {  # scheduled, so no worker starts sending inside the timing
        "title": "벤치 발송",
        "send_type": "scheduled",
        "scheduled_at": timezone.now() + dt.timedelta(days=1),
        "subject": "",
        "body": "설 선물을 보내드립니다.",
    }
    api_tokens = iter([dispatch_send_token(manager) for _ in range(DISPATCH_RUNS)])
    service_tokens = iter([dispatch_send_token(manager) for _ in range(DISPATCH_RUNS)])
    api = APIClient()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {SiteRefreshToken.for_member(member).access_token}"}

    def over_http():
        body = {**scheduled, "recipients": recipients, "verification_token": next(api_tokens)}
        response = api.post("/api/v1/sites/onnuri-biz/dispatches/", body, format="json", **headers)
        assert response.status_code == 201, response.content[:300]

    def service():
        dispatch_create(
            manager=manager,
            site=site,
            image=None,
            recipients=recipients,
            upload_id=None,
            verification_token=next(service_tokens),
            **scheduled,
        )

    targets = iter(  # the baseline's rows need a dispatch each, made outside the timing
        [
            Dispatch.objects.create(
                corporate=manager.corporate,
                purchase=purchase,
                title="baseline",
                send_type=scheduled["send_type"],
                scheduled_at=scheduled["scheduled_at"],
                body=scheduled["body"],
                kind=Dispatch.Kind.SMS,
                total=0,
            )
            for _ in range(DISPATCH_RUNS)
        ]
    )

    def bare_insert():
        dispatch = next(targets)
        Recipient.objects.bulk_create(
            Recipient(dispatch=dispatch, row=row, **fields)
            for row, fields in enumerate(recipients, start=1)
        )

    cases = [
        ("dispatch create 10,000 (POST dispatches/)", over_http),
        ("dispatch create 10,000 (service only)", service),
        ("baseline: bulk_create 10,000 Recipient rows", bare_insert),
    ]
    rows = _timed_interleaved(cases, DISPATCH_RUNS)
    return rows


def send_bench(count: int = 10_000) -> None:
    """(c) issue 11: one worker sends a dispatch of `count` recipients through the locmem
    backend (claims, codes, send_many, records, ledger), best of three runs: messages/s."""
    from domain.corporates.models import CorporateManager
    from domain.dispatches.models import Dispatch
    from domain.dispatches.sending import BATCH_SIZE, dispatch_send
    from domain.messaging.backends import locmem
    from tests.factories.dispatches import dispatch_make, recipients_of
    from tests.factories.purchases import approved_purchase

    master = CorporateManager.objects.get(member__username="demomaster")
    runs = []
    for _ in range(3):
        purchase = approved_purchase(master, count * 1_000)
        dispatch = dispatch_make(
            manager=master, purchase=purchase, recipients=recipients_of(count, amount=1_000)
        )
        locmem.reset()
        start = time.perf_counter()
        dispatch = dispatch_send(dispatch_id=dispatch.pk)
        runs.append(time.perf_counter() - start)
        assert dispatch.status == Dispatch.Status.COMPLETED
        assert len({m.to for m in locmem.outbox}) == len(locmem.outbox) == count
    best = min(runs)
    print(
        f"send {count} recipients through locmem, one worker, batches of {BATCH_SIZE}: "
        f"{count / best:,.0f} messages/s (best of 3: {best:.2f} s; "
        f"runs {', '.join(f'{r:.2f}' for r in runs)} s; database {connection.vendor})"
    )


def main() -> None:
    if sys.argv[1:] == ["served"]:
        served_bench()
        return
    if sys.argv[1:] == ["export"]:
        on_postgresql(export_bench)
        return
    if sys.argv[1:] == ["uploads"]:
        call_command("migrate", verbosity=0)
        from demo.accounts import demo_accounts_ensure

        demo_accounts_ensure()
        uploads_bench()
        return
    call_command("migrate", verbosity=0)
    from demo.accounts import DEMO_MEMBER, demo_accounts_ensure

    demo_accounts_ensure()
    if sys.argv[1:] == ["send"]:
        send_bench()
        return
    api = APIClient()
    rows = []
    rows.append(
        timed("GET sites/{site}/ (policy)", lambda: api.get("/api/v1/sites/yongin-library/"), 200)
    )

    def login():
        response = api.post(
            "/api/v1/sites/yongin-library/auth/token/",
            {"username": DEMO_MEMBER["username"], "password": DEMO_MEMBER["password"]},
            format="json",
        )
        assert response.status_code == 200, response.content
        return response.json()

    rows.append(timed("login (Argon2id verify + JWT)", login, 30))
    access = login()["access"]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {access}"}
    rows.append(
        timed(
            "GET members/me/ (auth + consent check)",
            lambda: api.get("/api/v1/sites/yongin-library/members/me/", **headers),
            200,
        )
    )

    counter = iter(range(10**6))

    def sign_up():
        n = next(counter)
        phone = f"0109{n:07d}"
        started = api.post(
            "/api/v1/sites/yongin-library/verifications/",
            {"purpose": "sign_up", "method": "mobile"},
            format="json",
        ).json()
        token = api.post(
            f"/api/v1/sites/yongin-library/verifications/{started['id']}/confirm/",
            {
                "code": "000000",
                "identity": {
                    "name": "벤치" + hangul(n),  # one person each: a CI signs up once
                    "birth_date": "1990-01-01",
                    "gender": "female",
                    "phone": phone,
                    # One person per sign-up: the sandbox derives the CI from name, birth date
                    # and gender, which every bench sign-up shares (SPEC §12).
                    "ci": f"bench-ci-{n}",
                },
            },
            format="json",
        ).json()["verification_token"]
        docs = api.get(
            "/api/v1/sites/yongin-library/consent-documents/", {"kind": "general"}
        ).json()
        branch = api.get("/api/v1/sites/yongin-library/library-branches/").json()[0]["id"]
        response = api.post(
            "/api/v1/sites/yongin-library/members/",
            {
                "kind": "general",
                "username": f"bench{n}",
                "password": "Sunny!Day42",
                "password_confirm": "Sunny!Day42",
                "verification_token": token,
                "consents": [
                    {"document": d["code"], "version": d["version"], "agreed": True} for d in docs
                ],
                "address": {"postal_code": "16999", "road": "용인시 처인구", "detail": "1"},
                "home_library": branch,
            },
            format="json",
        )
        assert response.status_code == 201, response.content

    rows.append(timed("whole sign-up (verify, documents, create)", sign_up, 20))
    rows += dispatch_create_bench()

    from api.authentication import SiteRefreshToken
    from demo.corporates import MASTER
    from domain.members.models import Member

    master = Member.objects.get(site__slug="onnuri-biz", username=MASTER["username"])
    buyer = {"HTTP_AUTHORIZATION": f"Bearer {SiteRefreshToken.for_member(master).access_token}"}
    keys = iter(range(10**6))

    def purchase():
        response = api.post(
            "/api/v1/sites/onnuri-biz/purchases/",
            {"amount": 1_000},
            format="json",
            HTTP_IDEMPOTENCY_KEY=f"bench-{next(keys)}",
            **buyer,
        )
        assert response.status_code == 201, response.content

    rows.append(timed("POST purchases/ (request, Idempotency-Key)", purchase, 100))

    print(
        f"machine: {platform.machine()} {platform.processor() or ''} "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"database {connection.vendor}"
    )
    print(f"{'benchmark':<45} {'runs':>5} {'median ms':>10} {'p95 ms':>9} {'queries':>8}")
    for label, runs, median, p95, queries in rows:
        print(f"{label:<45} {runs:>5} {median:>10.1f} {p95:>9.1f} {queries:>8}")
    uploads_bench()
    send_bench()
    list_query_counts()
    served_bench()
    on_postgresql(export_bench)


if __name__ == "__main__":
    main()
