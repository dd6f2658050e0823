"""Reading the receiving account's bank statement, and its template (SPEC §7.3: staff confirm
deposits).

The file is an Excel workbook (.xlsx, its first visible sheet) or a CSV file (comma- or
tab-separated, UTF-8 with or without a BOM, or CP949 as Korean banks export it), read by the one
table reader (domain.common.tabular), bounded before it is parsed. Its header row, one of the first
HEADER_SCAN_ROWS rows, names three columns (any order; other columns are ignored):

- date-time of the deposit — header 거래일시, 입금일시 or `deposited_at`: an Excel date-time, or
  `YYYY-MM-DD HH:MM[:SS]` (also with `.` or `/` between the date's parts), or ISO 8601; without
  an offset it is Asia/Seoul time;
- depositor — header 입금자명, 입금자 or `depositor`: the name the bank shows, ≤ 100 characters;
- amount — header 입금액, 입금금액 or `amount`: whole won, positive (`1900000`, `1,900,000` or
  `1,900,000원`).

Each row below the header is a deposit; blank rows are skipped. A row with an unreadable value
is reported as a problem (its spreadsheet row number — the header's row counts —, the column and
a StatementRowErrorCode) and left out; the other rows are kept. A file without such a header, or
without a row below it, is refused, and so is one over the row or size cap.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from enum import StrEnum
from operator import itemgetter
from typing import IO

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain.common.errors import CommonErrorCode, DomainError
from domain.common.files import DATETIME_FORMAT, Column, Sheet, xlsx_write
from domain.common.tabular import TableRules, header_find, table_rows
from domain.common.text import refused_character
from domain.common.uploads import upload_size_check

from .errors import PurchaseErrorCode

DEPOSITED_AT, DEPOSITOR, AMOUNT = "deposited_at", "depositor", "amount"
COLUMNS = (DEPOSITED_AT, DEPOSITOR, AMOUNT)
# Canonical column → the headers accepted for it (compared without spaces, case folded).
HEADERS: dict[str, tuple[str, ...]] = {  # in COLUMNS order
    DEPOSITED_AT: ("거래일시", "입금일시", DEPOSITED_AT),
    DEPOSITOR: ("입금자명", "입금자", DEPOSITOR),
    AMOUNT: ("입금액", "입금금액", AMOUNT),
}
HEADER_SCAN_ROWS = 10  # bank exports put a title and the account above the header
DEPOSITOR_MAX_LENGTH = 100
DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y.%m.%d %H:%M:%S",
    "%Y.%m.%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
)
AMOUNT_PATTERN = re.compile(r"[0-9][0-9,]*")
ISO_DATETIME = re.compile(r"\d{4}-\d\d-\d\d[T ]\d")


class StatementRowErrorCode(StrEnum):
    """Why a statement row was left out. Data of a 201 answer (`errors[].code`), not an error
    answer, hence not a domain.common.errors.ErrorCode."""

    REQUIRED = "required"
    INVALID_DATETIME = "invalid_datetime"
    INVALID_AMOUNT = "invalid_amount"
    TOO_LONG = "too_long"
    INVALID_CHARACTERS = "invalid_characters"  # a control character (domain.common.text)


ROW_ERROR_MESSAGES = {
    StatementRowErrorCode.REQUIRED: _("The value is missing."),
    StatementRowErrorCode.INVALID_DATETIME: _("Not a date and time such as 2026-11-25 10:30:00."),
    StatementRowErrorCode.INVALID_AMOUNT: _("Not a positive amount in whole won."),
    StatementRowErrorCode.TOO_LONG: _("At most 100 characters."),
    StatementRowErrorCode.INVALID_CHARACTERS: _("Remove the control characters."),
}


@dataclass(frozen=True)
class StatementLine:
    number: int  # the row in the file, 1-based, the header's row counted
    deposited_at: dt.datetime
    depositor: str
    amount: int


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    code: StatementRowErrorCode

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "code": str(self.code)}


@dataclass
class ParsedStatement:
    lines: list[StatementLine] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


def table_rules(max_rows: int) -> TableRules:
    """What a statement may hold: `max_rows` deposits, the header and the rows above it."""
    return TableRules(
        max_rows=max_rows + HEADER_SCAN_ROWS,
        unreadable=CommonErrorCode.UNSUPPORTED_FILE_TYPE,
        too_many_rows=PurchaseErrorCode.STATEMENT_TOO_MANY_ROWS,
    )


def statement_read(file: IO[bytes], *, max_rows: int, max_bytes: int) -> ParsedStatement:
    """The deposits of an uploaded statement and the problems of the rows left out.

    Refusals (400, on `file`): `file_empty`, `file_too_large` (over `max_bytes`, or a workbook
    holding more data than its rows may), `unsupported_file_type` (not an .xlsx or a CSV file in
    UTF-8 or CP949), `too_many_columns`, `statement_header_missing`, `statement_empty` (no row
    below the header), `statement_too_many_rows` (over `max_rows` rows below it, or more rows in
    the file than those, the header and HEADER_SCAN_ROWS, blank ones counted).
    """
    upload_size_check(file, max_bytes=max_bytes)
    file.seek(0)
    rows = table_rows(file.read(), table_rules(max_rows))
    columns = header_find(rows, HEADERS, scan_rows=HEADER_SCAN_ROWS, missing=_header_missing)
    parsed = ParsedStatement()
    count = 0
    for number, row in rows:
        if _blank(row):
            continue
        count += 1
        if count > max_rows:
            raise DomainError(
                PurchaseErrorCode.STATEMENT_TOO_MANY_ROWS,
                _("A statement may have at most %(rows)s rows; split the file.")
                % {"rows": f"{max_rows:,}"},
                attr="file",
            )
        _read_row(parsed, number, row, columns)
    if count == 0:
        raise DomainError(
            PurchaseErrorCode.STATEMENT_EMPTY, _("The statement has no rows."), attr="file"
        )
    return parsed


def _header_missing(keys: list[str]) -> DomainError:
    return DomainError(
        PurchaseErrorCode.STATEMENT_HEADER_MISSING,
        _("No header row with the columns 거래일시, 입금자명 and 입금액 was found."),
        attr="file",
    )


def _blank(row) -> bool:
    return all(value is None or str(value).strip() == "" for value in row)


def _cell(row: list, index: int):
    value = row[index] if index < len(row) else None
    if isinstance(value, str):
        value = value.strip()
    return None if value in (None, "") else value


def _read_row(parsed: ParsedStatement, number: int, row: list, columns: dict[str, int]) -> None:
    values = {column: _cell(row, index) for column, index in columns.items()}
    readers = {DEPOSITED_AT: _deposited_at, DEPOSITOR: _depositor, AMOUNT: _amount}
    read: dict = {}
    problems = []
    for column in HEADERS:  # reported in the documented column order
        value = values[column]
        if value is None:
            problems.append(RowProblem(number, column, StatementRowErrorCode.REQUIRED))
            continue
        result = readers[column](value)
        if isinstance(result, StatementRowErrorCode):
            problems.append(RowProblem(number, column, result))
        else:
            read[column] = result
    if problems:
        parsed.problems.extend(problems)
        return
    parsed.lines.append(StatementLine(number=number, **read))


def _deposited_at(value) -> dt.datetime | StatementRowErrorCode:
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, str):
        moment = _parse_datetime(value)
        if moment is None:
            return StatementRowErrorCode.INVALID_DATETIME
    else:  # a bare date, a number
        return StatementRowErrorCode.INVALID_DATETIME
    if timezone.is_naive(moment):
        return timezone.make_aware(moment)  # Asia/Seoul (TIME_ZONE)
    return timezone.localtime(moment)


def _parse_datetime(value: str) -> dt.datetime | None:
    for pattern in DATETIME_FORMATS:
        try:
            return dt.datetime.strptime(value, pattern)
        except ValueError:
            continue
    if ISO_DATETIME.match(value):  # a date and a time; a bare date is not a deposit's time
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


def _depositor(value) -> str | StatementRowErrorCode:
    name = str(value).strip()
    if len(name) > DEPOSITOR_MAX_LENGTH:
        return StatementRowErrorCode.TOO_LONG
    if refused_character(name) is not None:  # a NUL no PostgreSQL column keeps, and the like
        return StatementRowErrorCode.INVALID_CHARACTERS
    return name


def _amount(value) -> int | StatementRowErrorCode:
    if isinstance(value, bool):
        return StatementRowErrorCode.INVALID_AMOUNT
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        text = value.removesuffix("원").strip()
        if not AMOUNT_PATTERN.fullmatch(text):
            return StatementRowErrorCode.INVALID_AMOUNT
        value = int(text.replace(",", ""))
    if not isinstance(value, int) or value <= 0:
        return StatementRowErrorCode.INVALID_AMOUNT
    return value


# --- the template ------------------------------------------------------------------------------

TEMPLATE_EXAMPLE = (dt.datetime(2026, 11, 25, 10, 30), "(주)온누리상사", 1_900_000)
TEMPLATE_GUIDE = (
    ("열", "형식", "설명"),
    (
        "거래일시 (deposited_at)",
        "2026-11-25 10:30:00",
        "입금 일시. 엑셀 날짜/시간 또는 YYYY-MM-DD HH:MM[:SS] (날짜 구분자 . / 허용), "
        "시간대가 없으면 한국 시간",
    ),
    ("입금자명 (depositor)", "(주)온누리상사", "통장에 찍힌 입금자명, 100자 이내"),
    ("입금액 (amount)", "1900000", "원 단위 양의 정수 (쉼표, '원' 허용)"),
    ("", "", ""),
    ("매칭 규칙", "", ""),
    (
        "1",
        "",
        "승인대기 중인 구매 중 입금액(할인 후 금액)이 같고, 기업명 또는 출금계좌 예금주가 "
        "입금자명과 같은 구매를 제안합니다. 같은 이름이 없으면, 은행이 잘라 낸 입금자명"
        "(정리 후 4자 이상)으로 시작하는 이름의 구매를 제안하고 '앞부분 일치'로 표시합니다.",
    ),
    (
        "2",
        "",
        "이름 비교: 공백 제거, (주)/㈜/주식회사·(유)/유한회사 등 법인 표기와 "
        "Co., Ltd./Inc./Corp. 제거, 전각/반각 통일, 대소문자 무시",
    ),
    ("3", "", "구매 신청 시각보다 앞선 입금은 매칭하지 않습니다."),
    (
        "4",
        "",
        "후보가 하나면 제안, 여럿이면 후보 목록, 없으면 미매칭(사유 표시). "
        "자동으로 승인하지 않으며 담당자가 확정해야 승인됩니다.",
    ),
    ("5", "", "한 입금 행은 한 번만, 한 구매는 한 입금 행으로만 확정할 수 있습니다."),
)


def statement_template() -> bytes:
    """An .xlsx with the header, an example row, and a sheet explaining the columns and the
    matching rules (GET .../purchases/deposits/template/), through the one Excel writer."""
    columns = [
        Column(HEADERS[DEPOSITED_AT][0], itemgetter(0), DATETIME_FORMAT, width=22),
        Column(HEADERS[DEPOSITOR][0], itemgetter(1), width=24),
        Column(HEADERS[AMOUNT][0], itemgetter(2), "#,##0", width=16),
    ]
    guide = Sheet(
        "작성 안내",
        [
            Column(header, itemgetter(index), width=width)
            for index, (header, width) in enumerate(
                zip(TEMPLATE_GUIDE[0], (24, 22, 90), strict=True)
            )
        ],
        TEMPLATE_GUIDE[1:],
    )
    output = io.BytesIO()
    xlsx_write(output, title="입금내역", columns=columns, rows=[TEMPLATE_EXAMPLE], more=[guide])
    return output.getvalue()
