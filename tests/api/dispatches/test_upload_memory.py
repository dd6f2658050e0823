"""Hostile recipients files answer a coded 400 within 100 MiB of the API process's idle size,
and the process keeps answering (SPEC §14 uploads; domain.common.tabular). Each file is
uploaded in a process of its own (tests/memory_probe.py): before the reader bounded positions,
the first one aborted the process (calamine asked for 512 GiB) and the sparse ones cost
gigabytes."""

import pytest

from tests.memory_probe import assert_refused_within_bound, probe

EXPECTED = {
    "corner": "too_many_recipients",  # one cell at XFD1048576, past the rows before the columns
    "sparse": "too_many_columns",  # 2,000 rows and a cell at XFD2000 (was +1,000 MiB)
    "sparse_at_the_limit": "too_many_columns",  # the same at 10,000 rows (was about 5 GiB)
    "huge_string": "file_too_large",  # 100 KB of zip, one shared string of 100 MiB
    "string_count": "file_too_large",  # 10¹¹ shared strings declared (calamine reserved first)
}


@pytest.fixture(scope="module")
def results():
    return probe(list(EXPECTED))


@pytest.mark.parametrize("case", list(EXPECTED))
def test_a_hostile_file_is_a_coded_400_within_the_memory_bound(results, case):
    assert_refused_within_bound(results[case], EXPECTED[case])
