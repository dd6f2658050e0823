"""Excel downloads of history lists (SPEC §7.3, §7.4 "Excel download"; STYLE: shared API plumbing
lives in api/).

`xlsx_stream(headers, rows, filename)` writes an openpyxl write-only workbook — rows go to disk
as they come, so memory does not grow with the list — into a spooled temporary file, then
streams that file out in chunks. `rows` is any iterable of value sequences (a queryset's
`.iterator()` mapped to cells): dates and date-times (naive, already local) get a date format,
everything else is written as it is.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable, Sequence

from django.http import FileResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
SPOOL_BYTES = 4 * 1024 * 1024  # in memory up to this, on disk beyond


def _cells(sheet, values: Sequence) -> list:
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, dt.datetime):
            cell.number_format = DATETIME_FORMAT
        elif isinstance(value, dt.date):
            cell.number_format = DATE_FORMAT
        cells.append(cell)
    return cells


def xlsx_stream(headers: Sequence[str], rows: Iterable[Sequence], filename: str) -> FileResponse:
    """An attachment `filename` with one sheet: a bold header row, then `rows`."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=str(header))
        cell.font = Font(bold=True)
        header_cells.append(cell)
    sheet.append(header_cells)
    for values in rows:
        sheet.append(_cells(sheet, values))
    spooled = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (the response closes it)
    workbook.save(spooled)
    spooled.seek(0)
    response = FileResponse(spooled, content_type=XLSX, as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
