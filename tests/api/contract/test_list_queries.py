"""Every paged list costs the same number of queries for 10 rows as for 100.

Generated from `schema.yml`: each GET that takes `page_size` is called by each of its callers
(tests/api/contract/list_fixtures.py) at page sizes 10 and 100 after one warm-up call, and the
queries are counted. A paged list added later without a fixture fails here, and so does a GET
answering a bare array that is neither paged nor listed as a bounded one (`UNPAGED`).
"""

import pytest

from tests.api.contract.list_fixtures import (
    LIST_FIXTURES,
    PAGE_SIZES,
    UNPAGED,
    counted_get,
    list_path,
    schema_lists,
)

PAGED, ARRAYS = schema_lists()


def test_the_schema_has_paged_lists_and_every_fixture_names_one_of_them():
    assert len(PAGED) >= 8
    assert set(LIST_FIXTURES) <= {operation for operation, _ in PAGED}
    assert set(UNPAGED) <= {operation for operation, _ in ARRAYS}


@pytest.mark.parametrize(("operation", "path"), ARRAYS, ids=[o for o, _ in ARRAYS])
def test_a_list_that_is_not_paged_is_a_bounded_one(operation, path):
    assert operation in UNPAGED, (
        f"{operation} ({path}) answers an array without `page_size`: page it "
        "(api.pagination) or say in tests/api/contract/list_fixtures.py UNPAGED why it stays small"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("operation", "path"), PAGED, ids=[o for o, _ in PAGED])
def test_a_paged_list_costs_the_same_queries_at_10_and_100_rows(api, operation, path):
    seed = LIST_FIXTURES.get(operation)
    assert seed is not None, (
        f"{operation} ({path}) is a paged list without a fixture: add one to LIST_FIXTURES in "
        "tests/api/contract/list_fixtures.py"
    )
    case = seed()
    url = list_path(path, case)
    for role, caller in case.callers.items():
        counted_get(api, url, caller, 1)  # warm caches (site, consents) like a second request
        (small, small_sql), (large, large_sql) = (
            counted_get(api, url, caller, size) for size in PAGE_SIZES
        )
        assert small == large, (role, small, large, large_sql[len(small_sql) :])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("operation", "queries_expected"), [("sites_purchases_list", 4), ("sites_dispatches_list", 5)]
)
def test_a_managers_list_costs_the_caller_its_manager_row_the_count_and_the_page(
    api, operation, queries_expected
):
    """The caller with its site, its manager row once (the permission check's role and the
    view's company scope both come from it), the count and the page — and for dispatches the
    page's recipient counts, in one grouped query (the lists beside the bare
    views)."""
    path = dict(PAGED)[operation]
    case = LIST_FIXTURES[operation]()
    url, master = list_path(path, case), case.callers["master"]
    counted_get(api, url, master, 1)  # warm caches (site, consents) like a second request
    count, queries = counted_get(api, url, master, 10)
    assert count == queries_expected, queries
