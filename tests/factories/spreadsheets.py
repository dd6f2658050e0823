"""Recipient files as a company would make them: xlsx (openpyxl), CSV in UTF-8 or CP949."""

from __future__ import annotations

import csv
import io
import struct
import zipfile
from collections.abc import Callable, Iterable, Sequence
from typing import IO

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


# --- hand-written workbooks: the XML as an attacker (or an unusual writer) would put it --------

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
    '+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def cell(reference: str | None, value, *, attributes: str = "") -> str:
    """A `<c>`: an inline string or a number; `reference` None writes no `r`."""
    position = f' r="{reference}"' if reference is not None else ""
    if isinstance(value, str):
        return f'<c{position}{attributes} t="inlineStr"><is><t>{value}</t></is></c>'
    return f"<c{position}{attributes}><v>{value}</v></c>"


def header_row(header: Sequence[str] = HEADER) -> str:
    cells = "".join(cell(f"{chr(65 + i)}1", name) for i, name in enumerate(header))
    return f'<row r="1">{cells}</row>'


def raw_xlsx(
    sheet_data: str,
    *,
    shared_strings: Iterable[str] = (),
    sst_attributes: str = "",
    dimension: str | None = None,
    workbook: str = WORKBOOK,
    members: dict[str, bytes | Callable[[IO[bytes]], None]] | None = None,
    sheet_xml: bytes | None = None,
) -> bytes:
    """An xlsx written by hand: `sheet_data` is the inside of `<sheetData>` (or `sheet_xml` the
    whole worksheet part, as bytes); `members` adds or replaces parts (bytes, or a function
    writing the part into the zip as a stream)."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = (
        sheet_xml
        or (
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}">{dim}'
            f"<sheetData>{sheet_data}</sheetData></worksheet>"
        ).encode()
    )
    strings = "".join(f"<si><t>{text}</t></si>" for text in shared_strings)
    parts: dict[str, bytes | Callable[[IO[bytes]], None]] = {
        "[Content_Types].xml": CONTENT_TYPES.encode(),
        "_rels/.rels": PACKAGE_RELS.encode(),
        "xl/workbook.xml": workbook.encode(),
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS.encode(),
        "xl/worksheets/sheet1.xml": sheet,
        "xl/sharedStrings.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN_NS}"{sst_attributes}>'
            f"{strings}</sst>"
        ).encode(),
        **(members or {}),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            if callable(data):
                with archive.open(name, "w") as member:
                    data(member)
            else:
                archive.writestr(name, data)
    return buffer.getvalue()


def corner_cell_xlsx() -> bytes:
    """A header row and one cell at XFD1048576, the last cell of Excel's grid: calamine builds
    the dense grid between the two first (1,048,576 × 16,384 cells, 512 GiB) and aborts."""
    return raw_xlsx(header_row() + f'<row r="1048576">{cell("XFD1048576", 1)}</row>')


def sparse_xlsx(rows: int = 2_000) -> bytes:
    """`rows` rows of one cell each and one cell at XFD`rows`: a few KB that calamine turns
    into a grid of `rows` × 16,384 cells (2,000 rows: 1 GiB)."""
    body = "".join(f'<row r="{n}">{cell(f"A{n}", "x")}</row>' for n in range(2, rows))
    return raw_xlsx(header_row() + body + f'<row r="{rows}">{cell(f"XFD{rows}", 1)}</row>')


STATEMENT_HEADER = ("거래일시", "입금자명", "입금액")


def declared_range_xlsx(header: Sequence[str] = STATEMENT_HEADER) -> bytes:
    """A sheet declaring A1:XFD60000 with one cell at A60000 below its header: openpyxl's
    read-only mode walked the 60,000 declared rows (half a minute of CPU)."""
    return raw_xlsx(
        header_row(header) + f'<row r="60000">{cell("A60000", "x")}</row>',
        dimension="A1:XFD60000",
    )


def huge_string_xlsx(size: int = 100 * 1024 * 1024, header: Sequence[str] = HEADER) -> bytes:
    """About 100 KB of zip holding one shared string of `size` bytes, used by a cell."""

    def strings(member: IO[bytes]) -> None:
        member.write(f'<?xml version="1.0"?><sst xmlns="{MAIN_NS}"><si><t>'.encode())
        block = b"x" * (1024 * 1024)
        for _ in range(size // len(block)):
            member.write(block)
        member.write(b"</t></si></sst>")

    used = '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'
    return raw_xlsx(header_row(header) + used, members={"xl/sharedStrings.xml": strings})


def string_count_xlsx(count: int = 10**11) -> bytes:
    """A shared-strings part declaring `count` strings: calamine reserves room for them first
    (10¹¹: 2.4 TB, an abort)."""
    return raw_xlsx(header_row(), sst_attributes=f' count="1" uniqueCount="{count}"')


# The files the untrusted-files tests upload (tests/memory_probe.py), by case name.
HOSTILE = {
    "corner": corner_cell_xlsx,
    "sparse": sparse_xlsx,
    "sparse_at_the_limit": lambda: sparse_xlsx(10_000),
    "huge_string": huge_string_xlsx,
    "string_count": string_count_xlsx,
    "statement_declared_range": declared_range_xlsx,
    "statement_corner": lambda: raw_xlsx(
        header_row(STATEMENT_HEADER) + f'<row r="1048576">{cell("XFD1048576", 1)}</row>'
    ),
    "statement_huge_string": lambda: huge_string_xlsx(header=STATEMENT_HEADER),
}
