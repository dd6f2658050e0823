"""One check for uploaded and inline recipients (manual 004 §3.1)."""

import pytest

from domain.dispatches.recipients import gift_amount, recipients_check


@pytest.mark.parametrize(
    "value,expected",
    [
        (10_000, 10_000),
        (10000.0, 10_000),
        ("10,000", 10_000),
        ("10,000원", 10_000),
        (0, None),
        (-1_000, None),
        (1_500, None),
        (1000.5, None),
        ("abc", None),
        (None, None),
        (True, None),
        ("1e3", 1_000),
        ("NaN", None),
    ],
)
def test_gift_amounts_are_positive_whole_thousands(value, expected):
    assert gift_amount(value) == expected


def test_each_bad_row_gets_its_own_coded_error_and_good_rows_are_normalised():
    checked = recipients_check(
        [
            (2, "김정수", "010-1234-5678", 10_000),
            (3, "", "01011112222", 5_000),
            (4, "이영희", "02-123-4567", 5_000),
            (5, "박민수", "01011112222", 1_500),
            (6, None, None, None),  # a blank row is skipped
            (7, "최지우", 1012345678.0, "20,000"),  # Excel dropped the leading 0
            (8, "가" * 51, "01055556666", 1_000),
        ],
        limit=10,
    )
    assert checked.rows == [{"row": 2, "name": "김정수", "mobile": "01012345678", "amount": 10_000}]
    assert [(e.row, e.column, e.code) for e in checked.errors] == [
        (3, "name", "name_required"),
        (4, "mobile", "invalid_phone"),
        (5, "mobile", "duplicate_mobile"),  # row 3's, though row 3 is refused for its name
        (5, "amount", "invalid_gift_amount"),
        (7, "mobile", "duplicate_mobile"),
        (8, "name", "name_too_long"),
    ]
    assert (checked.count, checked.total) == (1, 10_000)


def test_reading_stops_at_the_limit_with_one_error():
    rows = ((i + 2, "김", f"0109{i:07d}", 1_000) for i in range(1_000_000))
    checked = recipients_check(rows, limit=3)
    assert checked.count == 3
    assert [(e.row, e.code) for e in checked.errors] == [(5, "too_many_recipients")]
