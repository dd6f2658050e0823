"""Files the project hands out (SPEC §11: JSON everywhere except uploads and exports; §14
uploads): the one download answer, shared by the API (api/files.py) and the admin, and the one
Excel writer, for exports and templates alike.

A download is an attachment that browsers and proxies neither sniff nor keep. An Excel file is
written row by row (openpyxl write-only: each row goes to disk as it is appended, strings
inline), so the rows of a large export never sit in memory together. Every text is written as
stored, whatever it holds: a character no worksheet holds (a control character kept before the
API refused them, domain.common.text) is replaced, and text that looks like Excel's own escape
(`_x000B_`) is escaped in turn, so Excel shows it as typed instead of decoding it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.http import FileResponse
from django.utils import timezone
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .text import writable
from .uploads import CONTENT_TYPES

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Download names of the private files uploads keep (SPEC §14: PDF/JPG/PNG documents).
EXTENSIONS = {content_type: extension for extension, content_type in CONTENT_TYPES.items()}
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
WON_FORMAT = '#,##0"원"'
PERCENT_FORMAT = "0.00%"
HEADER_FONT = Font(bold=True)
# Excel reads `_xHHHH_` in a cell's text as the character U+HHHH; `_x005F_` is its escaped `_`.
EXCEL_ESCAPE_RE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")


# --- downloads -----------------------------------------------------------------------------------


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


def download_name(stem: str, content_type: str) -> str:
    """The download name of a private upload: `stem` and the extension of its type."""
    return f"{stem}.{EXTENSIONS.get(content_type, 'bin')}"


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


# --- Excel ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its header (translated when written), the cell of a row, and
    how Excel shows it (None: as Excel would; else also what is typed in the column later).
    With `labels` (a choice's value → its label, e.g. a status's `choices`), the cell shows
    the value's label, translated once per sheet."""

    header: str | Promise
    value: Callable[[Any], Any]
    number_format: str | None = None
    width: float = 14
    labels: Mapping[Any, str | Promise] | None = None


def _text(value: str) -> str:
    """A text as a cell shows it as stored: what no worksheet holds replaced, Excel's escapes
    escaped."""
    return EXCEL_ESCAPE_RE.sub("_x005F_", writable(value))


def _cell_value(value):
    """What a cell can hold: an aware date-time as Seoul wall time to the second (Excel has no
    time zones, SPEC §10), a text (a lazy one as its translation) as `_text` writes it."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return timezone.localtime(value).replace(tzinfo=None, microsecond=0)
    if isinstance(value, str | Promise):
        return _text(str(value))
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


def _header(sheet, columns: list[Column]) -> list:
    cells = []
    for column in columns:
        cell = WriteOnlyCell(sheet, _text(str(column.header)))
        cell.data_type = "s"
        cell.font = HEADER_FONT
        cells.append(cell)
    return cells


@dataclass(frozen=True)
class Sheet:
    """A further sheet of a workbook (a template's guide): its title, columns and rows."""

    title: str | Promise
    columns: list[Column]
    rows: Iterable


def xlsx_write(
    target, *, title: str, columns: list[Column], rows: Iterable, more: Iterable[Sheet] = ()
) -> None:
    """Write `rows` (consumed once, one at a time) as a sheet with a bold header row into
    `target` (a path or a binary file), then each of `more` the same way."""
    book = Workbook(write_only=True)
    for part in (Sheet(title, columns, rows), *more):
        sheet = book.create_sheet(str(part.title)[:31])
        for index, column in enumerate(part.columns, 1):
            dimension = sheet.column_dimensions[get_column_letter(index)]
            dimension.width = column.width
            if column.number_format is not None:
                dimension.number_format = column.number_format
        sheet.freeze_panes = "A2"
        sheet.append(_header(sheet, part.columns))
        labels = [
            {value: _text(str(label)) for value, label in column.labels.items()}
            if column.labels
            else None
            for column in part.columns
        ]
        for item in part.rows:
            sheet.append(_row(sheet, part.columns, labels, item))
    book.save(target)
