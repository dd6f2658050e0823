"""Recipient files as a company would make them: xlsx (openpyxl), CSV in UTF-8 or CP949."""

from __future__ import annotations

import csv
import io
import struct
import zipfile
from collections.abc import Iterable, Sequence

from openpyxl import Workbook

HEADER = ("고객명", "휴대폰 번호", "금액")


def xlsx_bytes(rows: Iterable[Sequence], *, header: Sequence | None = HEADER, above=()) -> bytes:
    """An xlsx whose first sheet holds the rows of `above`, then `header`, then `rows`."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("받는 고객")
    for line in above:
        sheet.append(list(line))
    if header is not None:
        sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: Iterable[Sequence], *, encoding: str = "utf-8", header=HEADER) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    return text.getvalue().encode(encoding)


def numbered(count: int, amount: int = 10_000) -> list[tuple[str, str, int]]:
    return [(f"직원{i:06d}", f"0109{i:07d}", amount) for i in range(count)]


def understated_xlsx(rows: Iterable[Sequence]) -> bytes:
    """An xlsx whose sheet's zip entry declares 1,000 bytes for its much larger XML: what a zip
    bomb does to pass a check of the declared sizes."""
    data = bytearray(xlsx_bytes(rows))
    member = next(
        info
        for info in zipfile.ZipFile(io.BytesIO(bytes(data))).infolist()
        if info.filename.startswith("xl/worksheets/")
    )
    struct.pack_into("<I", data, member.header_offset + 22, 1_000)  # the local header
    name = member.filename.encode()
    position = data.find(b"PK\x01\x02")
    while position >= 0:  # the central directory entry
        length = struct.unpack_from("<H", data, position + 28)[0]
        if data[position + 46 : position + 46 + length] == name:
            struct.pack_into("<I", data, position + 24, 1_000)
        position = data.find(b"PK\x01\x02", position + 4)
    return bytes(data)
