"""`make bench`'s table of query counts: every paged list of `schema.yml` at page sizes 10 and
100, per caller.

The same lists, callers and rows as tests/api/contract/test_list_queries.py, which asserts that
the two counts are equal (tests/api/contract/list_fixtures.py); here they are printed. Runs in
bench/run.py's process and database, after its own benchmarks; the rows are seeded with the
tests' fast password hasher (these are counts, not timings).
"""

from __future__ import annotations

from django.db import connection
from django.test import override_settings
from rest_framework.test import APIClient

FAST_HASHER = ["tests.hashers.FastArgon2PasswordHasher"]


def list_query_counts() -> None:
    from tests.api.contract.list_fixtures import (
        LIST_FIXTURES,
        PAGE_SIZES,
        counted_get,
        list_path,
        schema_lists,
    )

    api = APIClient()
    rows = []
    for operation, path in schema_lists()[0]:
        seed = LIST_FIXTURES.get(operation)
        if seed is None:
            rows.append((operation, "-", "no fixture", ""))
            continue
        with override_settings(PASSWORD_HASHERS=FAST_HASHER):
            case = seed()
        url = list_path(path, case)
        for role, caller in case.callers.items():
            counted_get(api, url, caller, 1)  # warms the caches, like a second request
            counts = [counted_get(api, url, caller, size)[0] for size in PAGE_SIZES]
            rows.append((operation, role, *counts))
    print()
    print(f"queries per list request ({connection.vendor}; equal at every page size)")
    sizes = "".join(f" {f'page {size}':>9}" for size in PAGE_SIZES)
    print(f"{'list (schema.yml operationId)':<40} {'caller':<8}{sizes}")
    for operation, role, *counts in rows:
        print(f"{operation:<40} {role:<8}" + "".join(f" {count:>9}" for count in counts))
