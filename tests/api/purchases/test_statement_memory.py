"""Hostile bank statements answer a coded 400 within 100 MiB of the API process's idle size,
without reading past the row cap (SPEC §14 uploads; domain.common.tabular): openpyxl walked
the 60,000 rows a 1.6 KB file declared (half a minute of CPU) and held a 100 MiB shared string
of a 101 KiB file."""

import pytest

from tests.memory_probe import assert_refused_within_bound, probe

EXPECTED = {
    "statement_declared_range": "statement_too_many_rows",  # A1:XFD60000, one cell at A60000
    "statement_corner": "statement_too_many_rows",  # one cell at XFD1048576
    "statement_huge_string": "file_too_large",  # one shared string of 100 MiB
}


@pytest.fixture(scope="module")
def results():
    return probe(list(EXPECTED))


@pytest.mark.parametrize("case", list(EXPECTED))
def test_a_hostile_statement_is_a_coded_400_within_the_memory_bound(results, case):
    assert_refused_within_bound(results[case], EXPECTED[case])
