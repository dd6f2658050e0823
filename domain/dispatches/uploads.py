"""The recipients template and Excel uploads kept for the create call (SPEC §7.4; manual 004
§3.1 엑셀 양식 다운로드 / 엑셀 업로드).

The template is an xlsx with the manual's columns 고객명, 휴대폰 번호, 금액 and its two example
rows; the mobile column is formatted as text so Excel keeps the leading 0 of what is typed.

An upload is an xlsx or a CSV file (UTF-8 with or without BOM, or CP949, the encoding of Korean
Excel's "CSV"), read by the one table reader (domain.common.tabular): told apart by content,
bounded before it is parsed — at most the site's recipient limit plus HEADER_SCAN_ROWS rows of
the file (the header, rows above it and blank rows count), columns A to Z — and taken row by
row, so a file over the limit is refused at the cost of the limit. The header is the first row,
among the first HEADER_SCAN_ROWS, naming all three columns (template names or English; any
order, other columns ignored). Rows are numbered as Excel shows them.

The rows go through the one recipient check (domain.dispatches.recipients). A file with any row
error is refused as a whole with every error listed, and nothing is stored; a good one is kept,
normalised, for the uploading company for UPLOAD_LIFETIME, until the create call takes it.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from operator import itemgetter
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from domain.common.errors import DomainError, NotFound
from domain.common.files import Column, xlsx_write
from domain.common.tabular import TableRules, header_find, table_rows
from domain.common.uploads import original_name, upload_size_check
from domain.corporates.models import Corporate, CorporateManager
from domain.sites.models import Site

from .errors import DispatchErrorCode
from .models import RecipientUpload
from .recipients import COLUMNS, CheckedRecipients, recipients_check, recipients_require_valid

UPLOAD_MAX_BYTES = 20 * 1024 * 1024
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
    "name": ("고객명", "이름", "name"),
    "mobile": ("휴대폰번호", "휴대폰", "mobile"),
    "amount": ("금액", "amount"),
}
ATTR = "file"


# --- the template --------------------------------------------------------------------------------


def recipients_template() -> bytes:
    """The 엑셀 양식: header, the manual's example rows, a text mobile column (the one Excel
    writer, domain.common.files)."""
    buffer = io.BytesIO()
    xlsx_write(buffer, title=TEMPLATE_TITLE, columns=TEMPLATE_COLUMNS, rows=TEMPLATE_EXAMPLE)
    return buffer.getvalue()


# --- reading an upload ---------------------------------------------------------------------------


def table_rules(limit: int) -> TableRules:
    """What a recipients file may hold: `limit` recipients, the header and the rows above it."""
    return TableRules(
        max_rows=limit + HEADER_SCAN_ROWS,
        unreadable=DispatchErrorCode.UNREADABLE_SPREADSHEET,
        too_many_rows=DispatchErrorCode.TOO_MANY_RECIPIENTS,
        attr=ATTR,
    )


def _missing_columns(keys: list[str]) -> DomainError:
    labels = dict(COLUMNS)
    return DomainError(
        DispatchErrorCode.MISSING_COLUMNS,
        _("The file lacks the columns %(columns)s. Use the template's header row.")
        % {"columns": ", ".join(labels[key] for key in keys)},
        attr=ATTR,
        extra={"missing": keys},
    )


def recipient_rows(data: bytes, *, limit: int) -> Iterator[tuple[int, Any, Any, Any]]:
    """(row number, name, mobile, amount) of each row under the header, lazily. Refusals of
    the reader (`unreadable_spreadsheet`, `too_many_recipients` past the file's rows,
    `too_many_columns`, `file_too_large`) and `missing_columns` (with `missing`)."""
    rows = table_rows(data, table_rules(limit))
    columns = header_find(rows, HEADER_NAMES, scan_rows=HEADER_SCAN_ROWS, missing=_missing_columns)
    name, mobile, amount = (columns[key] for key, _label in COLUMNS)
    width = max(columns.values()) + 1
    for number, cells in rows:
        if len(cells) < width:
            cells = [*cells, *[None] * (width - len(cells))]
        yield number, cells[name], cells[mobile], cells[amount]


def recipients_read(data: bytes, *, limit: int, max_amount: int) -> CheckedRecipients:
    """Parse an uploaded file and check its rows (the one check), reading at most `limit`
    recipients and one more."""
    rows = recipient_rows(data, limit=limit)
    return recipients_check(rows, limit=limit, max_amount=max_amount)


# --- keeping and taking uploads ------------------------------------------------------------------


def recipient_upload_create(
    *, site: Site, manager: CorporateManager, file: IO[bytes], now: dt.datetime | None = None
) -> RecipientUpload:
    """Check an uploaded recipients file and keep its rows for the company for a day.

    Refusals (400 on `file`, nothing stored): `file_empty`, `file_too_large` (over 20 MB, or
    a spreadsheet holding more data than the rows may: domain.common.tabular),
    `unreadable_spreadsheet`, `too_many_columns`, `missing_columns` (with `missing`),
    `no_recipients`, `invalid_recipients` or `too_many_recipients` (the site's
    `dispatch_max_recipients`), both with every row error in `row_errors` when the rows were
    read (not for a file refused for its size before; a gift over the site's
    `dispatch_max_gift_amount` is a row error).
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
