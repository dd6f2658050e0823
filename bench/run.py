"""Benchmarks (`make bench`): wall-clock figures for the hot paths, printed as a table.

Runs against a throwaway SQLite database (or DATABASE_URL if set) with the production password
hasher (Argon2id at Django's default cost), the sandbox providers and the locmem SMS backend.
Then the served benchmark (bench/served.py): gunicorn on PostgreSQL, `GET members/me/` against a
bare view. `python bench/run.py served` runs only that one. Figures go into README.md
"Benchmarks" with the machine they came from.
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

from bench.served import served_bench  # noqa: E402

settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": True}
settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
    k: "100000/min" for k in settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
}
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
    from domain.corporates.demo import MASTER
    from domain.corporates.models import Corporate, CorporateManager
    from domain.dispatches.create import dispatch_create
    from domain.dispatches.models import Dispatch, Recipient
    from domain.members.demo import DEMO_OPERATOR
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


def main() -> None:
    if sys.argv[1:] == ["served"]:
        served_bench()
        return
    call_command("migrate", verbosity=0)
    from domain.members.demo import DEMO_MEMBER, demo_accounts_ensure

    demo_accounts_ensure()
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
                    "name": "벤치",
                    "birth_date": "1990-01-01",
                    "gender": "female",
                    "phone": phone,
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

    print(
        f"machine: {platform.machine()} {platform.processor() or ''} "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"database {connection.vendor}"
    )
    print(f"{'benchmark':<45} {'runs':>5} {'median ms':>10} {'p95 ms':>9} {'queries':>8}")
    for label, runs, median, p95, queries in rows:
        print(f"{label:<45} {runs:>5} {median:>10.1f} {p95:>9.1f} {queries:>8}")
    served_bench()


if __name__ == "__main__":
    main()
