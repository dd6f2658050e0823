"""The recipients template and Excel uploads kept for the create call (issue 11 point 2;
manual 004 §3.1 엑셀 양식 다운로드 / 엑셀 업로드).

The template is an xlsx with the manual's columns 고객명, 휴대폰 번호, 금액 and its two example
rows; the mobile column is formatted as text so Excel keeps the leading 0 of what is typed.

An upload is an xlsx (or xls/ods) or a CSV (UTF-8 with or without BOM, or CP949, the encoding of
Korean Excel's "CSV"), told apart by its content, never by its name. Spreadsheets are read with
python-calamine: Rust parses the sheet's cells, several times faster than openpyxl's read-only
mode, and rows become Python values one at a time as the check takes them, so a file over the
recipient limit costs no more than the limit's rows (`make bench` measures both readers). The
header is the first row, among the first HEADER_SCAN_ROWS, naming all three columns (template
names or English; any order, other columns ignored). Rows are numbered as Excel shows them.

The rows go through the one recipient check (domain.dispatches.recipients). A file with any row
error is refused as a whole with every error listed, and nothing is stored; a good one is kept,
normalised, for the uploading company for UPLOAD_LIFETIME, until the create call takes it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from operator import itemgetter
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from domain.common.errors import CommonErrorCode, DomainError, NotFound
from domain.common.files import Column, xlsx_write
from domain.common.uploads import detect_file_type, original_name, upload_size_check
from domain.corporates.models import Corporate, CorporateManager
from domain.sites.models import Site

from .errors import DispatchErrorCode
from .models import RecipientUpload
from .recipients import COLUMNS, CheckedRecipients, recipients_check, recipients_require_valid

UPLOAD_MAX_BYTES = 20 * 1024 * 1024  # 100,000 rows of the template are about 2 MB
# What the zip members of an xlsx/ods may expand to: 100,000 rows are about 17 MB of sheet XML.
# 20 MB of zip can hold gigabytes (a zip bomb); the reader refuses a member larger than the
# size its zip entry declares, so adding up the declared sizes first bounds the work.
SPREADSHEET_MAX_EXPANDED_BYTES = 100 * 1024 * 1024
UPLOAD_LIFETIME = dt.timedelta(days=1)
HEADER_SCAN_ROWS = 20
TEMPLATE_FILE_NAME = "dispatch-recipients-template.xlsx"
# The manual's example rows (manual 004 §3.1).
TEMPLATE_EXAMPLE = (("홍길동", "01000000000", 10_000), ("은누리", "01011111111", 50_000))
TEMPLATE_TITLE = "받는 고객"
# Per column: the mobile is text, so Excel keeps the leading 0 of what is typed.
TEMPLATE_FORMATS = {"mobile": "@", "amount": "#,##0"}
TEMPLATE_COLUMNS = [
    Column(label, itemgetter(index), number_format=TEMPLATE_FORMATS.get(key), width=18)
    for index, (key, label) in enumerate(COLUMNS)
]
# Header names accepted per column, compared without spaces and case: the template's, the
# manual's words (이름, 휴대폰번호) and English.
HEADER_NAMES = {
    "name": frozenset({"고객명", "이름", "name"}),
    "mobile": frozenset({"휴대폰번호", "휴대폰", "mobile"}),
    "amount": frozenset({"금액", "amount"}),
}
# Containers the spreadsheet reader takes: zip (xlsx, ods) and OLE2 (xls).
ZIP_MAGIC = b"PK\x03\x04"
SPREADSHEET_MAGIC = (ZIP_MAGIC, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
CSV_ENCODINGS = ("utf-8-sig", "cp949")  # utf-8-sig reads UTF-8 with or without the BOM
ATTR = "file"

Row = tuple[int, list[Any]]


# --- the template --------------------------------------------------------------------------------


def recipients_template() -> bytes:
    """The 엑셀 양식: header, the manual's example rows, a text mobile column (the one Excel
    writer, domain.common.files)."""
    buffer = io.BytesIO()
    xlsx_write(buffer, title=TEMPLATE_TITLE, columns=TEMPLATE_COLUMNS, rows=TEMPLATE_EXAMPLE)
    return buffer.getvalue()


# --- reading an upload ---------------------------------------------------------------------------


def _unreadable() -> DomainError:
    return DomainError(
        DispatchErrorCode.UNREADABLE_SPREADSHEET,
        _("The file cannot be read. Upload an Excel file (xlsx) or a CSV file."),
        attr=ATTR,
    )


def _expanded_size_check(data: bytes) -> None:
    """`file_too_large` when a zip's members declare more than SPREADSHEET_MAX_EXPANDED_BYTES."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            expanded = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise _unreadable() from None
    if expanded > SPREADSHEET_MAX_EXPANDED_BYTES:
        raise DomainError(
            CommonErrorCode.FILE_TOO_LARGE,
            _("The spreadsheet holds too much data. Keep only the recipients' rows."),
            attr=ATTR,
        )


def _worksheet_rows(data: bytes) -> Iterator[Row]:
    """(row number, cells) of the first visible worksheet, from row 1, taken lazily."""
    if data.startswith(ZIP_MAGIC):
        _expanded_size_check(data)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        visible = [
            index
            for index, sheet in enumerate(workbook.sheets_metadata)
            if sheet.typ == SheetTypeEnum.WorkSheet and sheet.visible == SheetVisibleEnum.Visible
        ]
        sheet = workbook.get_sheet_by_index(visible[0] if visible else 0)
    except Exception:  # the reader raises several types for broken or hostile files
        raise _unreadable() from None
    # iter_rows starts at row 1 whatever the first filled row (tests pin Excel's numbering).
    return enumerate(sheet.iter_rows(), start=1)


def _csv_text(data: bytes) -> str:
    if detect_file_type(data[:16]) is not None or b"\x00" in data:  # a PDF, an image, binary
        raise _unreadable()
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _unreadable()


def _csv_rows(data: bytes) -> Iterator[Row]:
    text = _csv_text(data)
    head = text[:4096]
    delimiter = "\t" if head.count("\t") > head.count(",") else ","  # Excel's "text" export
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        yield from enumerate(reader, start=1)
    except csv.Error:  # a field over csv's size limit, a stray quote at the end
        raise _unreadable() from None


def _header_key(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    text = re.sub(r"\s", "", value).casefold()
    return next((key for key, names in HEADER_NAMES.items() if text in names), None)


def _header(rows: Iterator[Row]) -> dict[str, int]:
    """Consume rows up to the header; {column key: cell index}. `missing_columns` if none of
    the first HEADER_SCAN_ROWS rows names all three (naming those the best row lacks)."""
    best: dict[str, int] = {}
    for number, cells in rows:
        found: dict[str, int] = {}
        for index, value in enumerate(cells):
            key = _header_key(value)
            if key is not None:
                found.setdefault(key, index)
        if len(found) == len(COLUMNS):
            return found
        if len(found) > len(best):
            best = found
        if number >= HEADER_SCAN_ROWS:
            break
    missing = [(key, label) for key, label in COLUMNS if key not in best]
    raise DomainError(
        DispatchErrorCode.MISSING_COLUMNS,
        _("The file lacks the columns %(columns)s. Use the template's header row.")
        % {"columns": ", ".join(label for _key, label in missing)},
        attr=ATTR,
        extra={"missing": [key for key, _label in missing]},
    )


def recipient_rows(data: bytes) -> Iterator[tuple[int, Any, Any, Any]]:
    """(row number, name, mobile, amount) of each row under the header, lazily.
    `unreadable_spreadsheet` for a file that is neither a spreadsheet nor CSV text."""
    rows = _worksheet_rows(data) if data.startswith(SPREADSHEET_MAGIC) else _csv_rows(data)
    columns = _header(rows)
    name, mobile, amount = (columns[key] for key, _label in COLUMNS)
    width = max(columns.values()) + 1
    for number, cells in rows:
        if len(cells) < width:
            cells = [*cells, *[None] * (width - len(cells))]
        yield number, cells[name], cells[mobile], cells[amount]


def recipients_read(data: bytes, *, limit: int, max_amount: int) -> CheckedRecipients:
    """Parse an uploaded file and check its rows (the one check), reading at most `limit`
    rows and one more."""
    return recipients_check(recipient_rows(data), limit=limit, max_amount=max_amount)


# --- keeping and taking uploads ------------------------------------------------------------------


def recipient_upload_create(
    *, site: Site, manager: CorporateManager, file: IO[bytes], now: dt.datetime | None = None
) -> RecipientUpload:
    """Check an uploaded recipients file and keep its rows for the company for a day.

    Refusals (400 on `file`, nothing stored): `file_empty`, `file_too_large` (over 20 MB, or
    a zip expanding past 100 MB), `unreadable_spreadsheet`, `missing_columns` (with
    `missing`), `no_recipients`, `invalid_recipients` or `too_many_recipients` (the site's
    `dispatch_max_recipients`), both with every row error in `row_errors` (a gift over the
    site's `dispatch_max_gift_amount` is one of them).
    """
    upload_size_check(file, max_bytes=UPLOAD_MAX_BYTES, attr=ATTR)
    file.seek(0)
    rules = site.rules
    checked = recipients_read(
        file.read(),
        limit=rules.dispatch_max_recipients,
        max_amount=rules.dispatch_max_gift_amount,
    )
    recipients_require_valid(checked, attr=ATTR)
    now = now or timezone.now()
    return RecipientUpload.objects.create(
        corporate_id=manager.corporate_id,
        uploaded_by_id=manager.member_id,
        file_name=original_name(file),
        rows=checked.rows,
        count=checked.count,
        total=checked.total,
        created_at=now,
        expires_at=now + UPLOAD_LIFETIME,
    )


def upload_take(
    corporate: Corporate, upload_id: int, *, now: dt.datetime | None = None
) -> list[dict[str, Any]]:
    """The rows ({row, name, mobile, amount}, checked and normalised) of the company's unexpired
    upload, which is used up: call it inside the create's transaction, so a refused create
    leaves the upload for another try and two creates cannot send one list twice (the row is
    locked, then deleted). Another company's, an expired or a used upload: NotFound
    `upload_not_found`."""
    now = now or timezone.now()
    with transaction.atomic():
        upload = (
            RecipientUpload.objects.select_for_update()
            .filter(pk=upload_id, corporate=corporate, expires_at__gt=now)
            .first()
        )
        if upload is None:
            raise NotFound(
                DispatchErrorCode.UPLOAD_NOT_FOUND,
                _("The upload was not found or has expired. Upload the file again."),
                attr="upload_id",
            )
        upload.delete()
    return upload.rows


def recipient_uploads_prune(*, now: dt.datetime | None = None) -> int:
    """Delete uploads past their day (the daily job); returns how many."""
    deleted, _per_model = RecipientUpload.objects.filter(
        expires_at__lte=now or timezone.now()
    ).delete()
    return deleted
