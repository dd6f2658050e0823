"""Files in and out of the API (SPEC §11: JSON everywhere except uploads and exports; §14
uploads): the one way a view or the admin answers with a file, and Excel exports.

A download is an attachment that browsers and proxies neither sniff nor keep, answered whatever
the `Accept` header says (errors still come as JSON). An Excel export is written row by row
(openpyxl write-only: each row goes to disk as it is appended, strings inline) into a temporary
file that the answer then streams, so the rows of a large export never sit in memory together.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.http import FileResponse
from django.utils import timezone
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from domain.common.errors import CommonErrorCode

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Download names of the private files uploads keep (SPEC §14: PDF/JPG/PNG documents).
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
# What an upload of a document can be refused with.
FILE_CODES = [
    CommonErrorCode.FILE_EMPTY,
    CommonErrorCode.FILE_TOO_LARGE,
    CommonErrorCode.UNSUPPORTED_FILE_TYPE,
    CommonErrorCode.IMAGE_TOO_LARGE,
]
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
WON_FORMAT = '#,##0"원"'
PERCENT_FORMAT = "0.00%"


def _quoted(name: str) -> str:
    return name.replace("\\", "\\\\").replace('"', r"\"")


def content_disposition(filename: str, *, ascii_filename: str | None = None) -> str:
    """`attachment; filename="…"`, plus `filename*=UTF-8''…` (RFC 6266) for a name that is not
    ASCII, after `ascii_filename` for clients that read only `filename`."""
    if filename.isascii():
        return f'attachment; filename="{_quoted(filename)}"'
    encoded = f"filename*=UTF-8''{quote(filename)}"
    if ascii_filename is None:
        return f"attachment; {encoded}"
    return f'attachment; filename="{_quoted(ascii_filename)}"; {encoded}'


def file_response(
    file,
    *,
    content_type: str,
    filename: str,
    ascii_filename: str | None = None,
    private: bool = True,
) -> FileResponse:
    """`file` (an open binary file, closed once sent) as an attachment, never sniffed; a
    private one (the default) is not kept by browsers or proxies either."""
    response = FileResponse(file, content_type=content_type, as_attachment=True, filename=filename)
    response["Content-Disposition"] = content_disposition(filename, ascii_filename=ascii_filename)
    response["X-Content-Type-Options"] = "nosniff"
    if private:
        response["Cache-Control"] = "private, no-store"
    return response


class FileDownloadMixin:
    """Files are answered whatever the Accept header; errors still come as JSON."""

    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)


@dataclass(frozen=True)
class Column:
    """One column of an export: its header (translated when written), the cell of a row, and
    how Excel shows it (None: as Excel would). With `labels` (a choice's value → its label,
    e.g. a status's `choices`), the cell shows the value's label, translated once per sheet."""

    header: str | Promise
    value: Callable[[Any], Any]
    number_format: str | None = None
    width: float = 14
    labels: Mapping[Any, str | Promise] | None = None


def _cell_value(value):
    """What a cell can hold: an aware date-time as Seoul wall time to the second (Excel has no
    time zones, SPEC §10), a lazy text as its translation."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return timezone.localtime(value).replace(tzinfo=None, microsecond=0)
    if isinstance(value, Promise):
        return str(value)
    return value


def _row(sheet, columns: list[Column], labels: list[dict | None], item) -> list:
    cells = []
    for column, texts in zip(columns, labels, strict=True):
        value = column.value(item)
        value = texts[value] if texts is not None else _cell_value(value)
        formula_like = isinstance(value, str) and value.startswith("=")
        if value is None or (column.number_format is None and not formula_like):
            cells.append(value)
            continue
        cell = WriteOnlyCell(sheet, value)
        if formula_like:
            cell.data_type = "s"  # text from the database stays text, never a formula
        if column.number_format is not None:
            cell.number_format = column.number_format
        cells.append(cell)
    return cells


def xlsx_write(target, *, title: str, columns: list[Column], rows: Iterable) -> None:
    """Write `rows` (consumed once, one at a time) as a sheet with a header row into `target`
    (a path or a binary file)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(title)[:31])
    for index, column in enumerate(columns, 1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    sheet.append([str(column.header) for column in columns])
    labels = [
        {value: str(label) for value, label in column.labels.items()} if column.labels else None
        for column in columns
    ]
    for item in rows:
        sheet.append(_row(sheet, columns, labels, item))
    book.save(target)


def xlsx_response(
    *, title: str, columns: list[Column], rows: Iterable, filename: str, ascii_filename: str
) -> FileResponse:
    """An Excel export as a private download: written to a temporary file (deleted once the
    answer is sent), then streamed from it."""
    # Not a `with`: the answer owns the file and closes (so deletes) it after the last byte.
    file = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    try:
        xlsx_write(file, title=title, columns=columns, rows=rows)
        file.seek(0)
    except BaseException:
        file.close()
        raise
    return file_response(file, content_type=XLSX, filename=filename, ascii_filename=ascii_filename)
