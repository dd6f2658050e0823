"""One check for uploaded and inline recipients (manual 004 §3.1; SPEC §7.4, §14)."""

import pytest

from domain.dispatches.recipients import gift_amount, recipients_check

INVALID = "invalid_gift_amount"
TOO_LARGE = "gift_amount_too_large"


@pytest.mark.parametrize(
    "value,expected",
    [
        (10_000, 10_000),
        (10000.0, 10_000),
        ("10,000", 10_000),
        ("10,000원", 10_000),
        ("10,000,000", 10_000_000),
        (0, INVALID),
        (-1_000, INVALID),
        (1_500, INVALID),
        (1000.5, INVALID),
        ("abc", INVALID),
        (None, INVALID),
        (True, INVALID),
        ("1e3", 1_000),
        ("NaN", INVALID),
        ("Infinity", INVALID),
        ("10,001,000", TOO_LARGE),
        (5e18, TOO_LARGE),
        ("1e1000000", TOO_LARGE),  # never made an int: a million digits
        ("-1e1000000", INVALID),
    ],
)
def test_gift_amounts_are_positive_whole_thousands_up_to_the_maximum(value, expected):
    assert gift_amount(value, max_amount=10_000_000) == expected


def test_a_name_with_a_control_character_is_a_row_error():
    """Any control character, NUL included (an xlsx cell's `_x0000_`), an unpaired surrogate
    or a non-character: the row's name is refused, whatever its other cells."""
    names = ["홍\x00길동", "홍\x0b길동", "홍\x85길동", "홍\ud800길동", "홍\uffff길동", "홍\t길동"]
    rows = [(i + 2, name, f"0109{i:07d}", 1_000) for i, name in enumerate(names)]
    rows.append((20, "  홍길동\n", "01099999999", 1_000))  # surrounding whitespace is trimmed
    checked = recipients_check(rows, limit=10, max_amount=10_000)
    assert [(e.row, e.column, e.code) for e in checked.errors] == [
        (row, "name", "invalid_characters") for row in range(2, 8)
    ]
    assert checked.rows == [{"row": 20, "name": "홍길동", "mobile": "01099999999", "amount": 1_000}]


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
            (9, "정수민", "01077778888", 30_000),
        ],
        limit=10,
        max_amount=20_000,
    )
    assert checked.rows == [{"row": 2, "name": "김정수", "mobile": "01012345678", "amount": 10_000}]
    assert [(e.row, e.column, e.code) for e in checked.errors] == [
        (3, "name", "name_required"),
        (4, "mobile", "invalid_phone"),
        (5, "mobile", "duplicate_mobile"),  # row 3's, though row 3 is refused for its name
        (5, "amount", "invalid_gift_amount"),
        (7, "mobile", "duplicate_mobile"),
        (8, "name", "name_too_long"),
        (9, "amount", "gift_amount_too_large"),
    ]
    assert (checked.count, checked.total) == (1, 10_000)


def test_reading_stops_at_the_limit_with_one_error():
    rows = ((i + 2, "김", f"0109{i:07d}", 1_000) for i in range(1_000_000))
    checked = recipients_check(rows, limit=3, max_amount=10_000)
    assert checked.count == 3
    assert [(e.row, e.code) for e in checked.errors] == [(5, "too_many_recipients")]
