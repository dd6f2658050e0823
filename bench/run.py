"""Benchmarks (`make bench`): wall-clock figures for the hot paths, printed as a table.

Runs against a throwaway SQLite database (or DATABASE_URL if set) with the production password
hasher (Argon2id at Django's default cost), the sandbox providers and the locmem SMS backend.
Then the query counts of every paged list at page sizes 10 and 100 (bench/queries.py) and the
served benchmark (bench/served.py): gunicorn on PostgreSQL, our login beside simplejwt's stock
view, `GET members/me/` and the purchase and dispatch lists beside bare DRF views.
`python bench/run.py served` runs only that one. Figures go into README.md
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

from bench.fixtures import hangul  # noqa: E402
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
                    "name": "벤치" + hangul(n),  # one person each: a CI signs up once
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

    print(
        f"machine: {platform.machine()} {platform.processor() or ''} "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"database {connection.vendor}"
    )
    print(f"{'benchmark':<45} {'runs':>5} {'median ms':>10} {'p95 ms':>9} {'queries':>8}")
    for label, runs, median, p95, queries in rows:
        print(f"{label:<45} {runs:>5} {median:>10.1f} {p95:>9.1f} {queries:>8}")
    list_query_counts()
    served_bench()


if __name__ == "__main__":
    main()
