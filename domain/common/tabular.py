"""Reading uploaded tables — Excel workbooks (.xlsx) and CSV text — bounded before they are parsed
(SPEC §14 uploads). The one reader of the recipients upload (SPEC §7.4) and the bank statement
(SPEC §7.3).

A file is told apart by its content, never by its name: a zip holding `xl/workbook.xml` is an
xlsx, read with python-calamine; text in UTF-8 (with or without a BOM) or CP949 (Korean Excel's
"CSV") is CSV, comma- or tab-separated. Other spreadsheet formats (xls, xlsb, ods) are refused:
their cell positions cannot be checked before calamine builds the sheet.

Why the check comes first: calamine builds a sheet as one dense grid from its first to its last
filled cell, 32 bytes a cell, before a single row is returned. One cell at XFD1048576 asks for
512 GiB and aborts the process; a sparse sheet of a few KB asks for gigabytes. So before calamine
sees an xlsx, every member of the zip is read once as a stream (constant memory) and refused at
the first sign that it exceeds what the caller may accept:

- the zip: at most MAX_MEMBERS members, together expanding to at most MAX_EXPANDED_BYTES (the
  sizes the zip declares are added up first; a member is read only up to its declared size and
  its checksum must then match, so a member lying about its size is refused too);
- every row and cell position (`<row r>`, `<c r>`, and the running position of a row or cell
  without one, as calamine counts it) within `max_rows` rows and `max_columns` columns;
- every shared string within MAX_STRING_BYTES, and the count of shared strings the file declares
  (calamine reserves room for them first) within one a cell; at most MAX_SHEETS sheets; no DTD
  (entities could expand); UTF-8 only.

Files as Excel, LibreOffice and openpyxl write them (every row and cell with its position, as the
first attribute) are checked by a few scans over the bytes; any other form of XML is checked by a
full parse (expat) that follows each element. A CSV file counts its rows as it goes, blank ones
included, and stops at the cap. The limits are in rows *of the file*: the header, the rows above
it and blank rows count.
"""

from __future__ import annotations

import csv
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from xml.parsers import expat

from django.utils.translation import gettext_lazy as _
from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from .errors import CommonErrorCode, DomainError, ErrorCode
from .uploads import detect_file_type

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # xls and other legacy Office files
CSV_ENCODINGS = ("utf-8-sig", "cp949")  # utf-8-sig reads UTF-8 with or without the BOM
MAX_COLUMNS = 26  # A to Z: the template has 3 columns, a bank statement about 10
# 10,000 rows of the recipients template expand to about 2 MB of XML; calamine keeps the shared
# strings as Rust strings (about three times their XML for short ones).
MAX_EXPANDED_BYTES = 8 * 1024 * 1024
MAX_MEMBERS = 200  # a workbook has about 10 parts, images included
MAX_STRING_BYTES = 4 * 1024  # one shared string's XML (a name, a memo)
MAX_SHEETS = 100  # calamine lists every sheet of the workbook
CHUNK_BYTES = 256 * 1024

Row = tuple[int, list[Any]]  # (row number as Excel shows it, the cells)


@dataclass(frozen=True)
class TableRules:
    """What a caller accepts: `max_rows` rows of the file (header, rows above it and blank rows
    counted) and `max_columns`; the codes it answers for a file that is no table it reads
    (`unreadable`) and for one with too many rows (`too_many_rows`); the request field."""

    max_rows: int
    unreadable: ErrorCode
    too_many_rows: ErrorCode
    attr: str = "file"
    max_columns: int = MAX_COLUMNS

    def unreadable_error(self) -> DomainError:
        return DomainError(
            self.unreadable,
            _("The file cannot be read. Upload an Excel file (xlsx) or a CSV file."),
            attr=self.attr,
        )

    def too_many_rows_error(self) -> DomainError:
        return DomainError(
            self.too_many_rows,
            _("The file may have at most %(rows)s rows, the header and blank rows included.")
            % {"rows": f"{self.max_rows:,}"},
            attr=self.attr,
        )

    def too_many_columns_error(self) -> DomainError:
        return DomainError(
            CommonErrorCode.TOO_MANY_COLUMNS,
            _("The file may use at most %(columns)s columns (A to Z). Remove the others.")
            % {"columns": self.max_columns},
            attr=self.attr,
        )

    def too_much_data_error(self) -> DomainError:
        return DomainError(
            CommonErrorCode.FILE_TOO_LARGE,
            _("The spreadsheet holds too much data. Keep only the rows to read."),
            attr=self.attr,
        )


def table_rows(data: bytes, rules: TableRules) -> Iterator[Row]:
    """(row number, cells) of an uploaded table, from row 1, taken lazily: the first visible
    worksheet of an xlsx, or the rows of a CSV file. Refusals (DomainError on `rules.attr`):
    `rules.unreadable`, `rules.too_many_rows`, `too_many_columns`, `file_too_large`."""
    if data.startswith(ZIP_MAGIC):
        workbook_check(data, rules)
        return _workbook_rows(data, rules)
    if data.startswith(OLE2_MAGIC):
        raise rules.unreadable_error()
    return _csv_rows(data, rules)


def header_find(
    rows: Iterator[Row],
    names: Mapping[str, Collection[str]],
    *,
    scan_rows: int,
    missing: Callable[[list[str]], DomainError],
) -> dict[str, int]:
    """Consume rows up to the header: the first of the first `scan_rows` rows naming every
    column of `names` (column key → accepted headers, compared without spaces and case
    folded); {column key: cell index}. None found: `missing(keys the best row lacks)`."""
    folded = {
        key: frozenset(header_fold(name) for name in accepted) for key, accepted in names.items()
    }
    best: dict[str, int] = {}
    for number, cells in rows:
        found: dict[str, int] = {}
        for index, value in enumerate(cells):
            if not isinstance(value, str):
                continue
            text = header_fold(value)
            for key, accepted in folded.items():
                if key not in found and text in accepted:
                    found[key] = index
        if len(found) == len(names):
            return found
        if len(found) > len(best):
            best = found
        if number >= scan_rows:
            break
    raise missing([key for key in names if key not in best])


def header_fold(value: str) -> str:
    """A header as compared: without whitespace, case folded."""
    return "".join(value.split()).casefold()


# --- xlsx ----------------------------------------------------------------------------------------


def _workbook_rows(data: bytes, rules: TableRules) -> Iterator[Row]:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        visible = [
            index
            for index, sheet in enumerate(workbook.sheets_metadata)
            if sheet.typ == SheetTypeEnum.WorkSheet and sheet.visible == SheetVisibleEnum.Visible
        ]
        sheet = workbook.get_sheet_by_index(visible[0] if visible else 0)
    except Exception:  # the reader raises several types for broken or hostile files
        raise rules.unreadable_error() from None
    if sheet.height > rules.max_rows or sheet.width > rules.max_columns:  # checked before: a guard
        raise rules.too_many_rows_error()
    # iter_rows starts at row 1 whatever the first filled row (Excel's numbering).
    return enumerate(sheet.iter_rows(), start=1)


def workbook_check(data: bytes, rules: TableRules) -> None:
    """Refuse an xlsx that exceeds `rules` or is not an xlsx, reading each member once as a
    stream in constant memory (module docstring)."""
    members = _zip_members(data, rules)
    names = {member.filename for member in members}
    # calamine would read these as another format (xlsb, ods) whose cells are not checked here.
    if "xl/workbook.xml" not in names or names & {"xl/workbook.bin", "content.xml"}:
        raise rules.unreadable_error()
    if sum(member.file_size for member in members) > MAX_EXPANDED_BYTES:
        raise rules.too_much_data_error()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in members:
                _member_check(archive, member, rules)
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        NotImplementedError,
        RuntimeError,
        ValueError,
    ):
        # A checksum that does not match (a member longer than declared), a broken stream, an
        # unsupported compression or an encrypted member.
        raise rules.unreadable_error() from None


def _zip_members(data: bytes, rules: TableRules) -> list[zipfile.ZipInfo]:
    # The member count is read from the end record before Python's zipfile builds an object for
    # each entry of the central directory (a 20 MB directory holds hundreds of thousands).
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or len(data) < end + 22:
        raise rules.unreadable_error()
    (entries,) = struct.unpack_from("<H", data, end + 10)
    if entries > MAX_MEMBERS:
        raise rules.too_much_data_error()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise rules.unreadable_error() from None
    if len(members) > MAX_MEMBERS:  # a zip64 record can state another count
        raise rules.too_much_data_error()
    return members


class _NotCanonical(Exception):
    """The member's XML is not in the form the fast scan is exact for: parse it instead."""


def _member_check(archive: zipfile.ZipFile, member: zipfile.ZipInfo, rules: TableRules) -> None:
    if member.is_dir():
        return
    try:
        with archive.open(member) as stream:
            _FastScan(rules).run(stream)
    except _NotCanonical:
        with archive.open(member) as stream:
            _ParsedScan(rules).run(stream)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


# calamine reads column letters in either case; longer references are refused (its arithmetic
# wraps around past 32 bits).
CELL_REF = re.compile(rb"([A-Za-z]{0,3})([0-9]{1,7})")
# calamine reserves room for the declared count of shared strings before reading one.
STRING_COUNT = re.compile(rb"uniqueCount\s*=\s*[\"']([^\"']*)")
DIGITS = re.compile(rb"[0-9]+")
SHEET_TAG = re.compile(rb"<(?:[\w.\-]+:)?sheet[\s/>]")
NAME_BYTE = re.compile(rb"[\w.\-]")
DOCTYPE = re.compile(rb"<!(?i:doctype|entity)")
DECLARED_ENCODING = re.compile(rb"<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']*)")
# What quick-xml (calamine's parser) takes for UTF-16: a byte order mark, or `<?` in UTF-16.
UTF16_STARTS = (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")
# Forms of the cells the fast scan does not follow (each search starts with a literal, so it
# runs at memchr speed): a row or cell tag not opened with its `r` (no attributes, another
# separator, `r` not first), a prefixed row or cell, an attribute with spaces around `=` or
# single quotes.
UNUSUAL = (
    re.compile(rb'<c(?! r=")(?![\w.:\-])'),
    re.compile(rb'<row(?! r=")(?![\w.:\-])'),
    re.compile(rb":(?:c|row)[\s/>]"),
    re.compile(rb"=(?:(?<=\s=)|[\s'])"),
)
SHARED_STRING = re.compile(rb"<si[\s>/]")
PREFIXED_STRING = re.compile(rb":si[\s>/]")


def _flagged_references(max_rows: int, max_columns: int) -> re.Pattern[bytes]:
    """`r="…` values other than those certainly within `max_rows` rows and one column letter
    up to `max_columns`: each of those is looked at (few: the last rows of a full sheet)."""
    digits = str(max_rows)
    below = f"[0-9]{{1,{len(digits) - 1}}}" if len(digits) > 1 else "(?!)"
    if digits[0] != "1":
        below += f"|[0-{int(digits[0]) - 1}][0-9]{{{len(digits) - 1}}}"
    letter = f"[A-{chr(64 + min(max_columns, 26))}]?" if max_columns >= 1 else ""
    return re.compile(f'r="(?!{letter}(?:{below})")'.encode())


def _string_count_check(value: bytes, rules: TableRules) -> None:
    """The count of shared strings a file declares (calamine reserves room for it first): at
    most one a cell."""
    if any(int(run) > rules.max_rows * rules.max_columns for run in DIGITS.findall(value)):
        raise rules.too_much_data_error()


class _FastScan:
    """Byte scans, exact for XML where every `<row` and `<c` tag is written `<row r="…"` /
    `<c r="…"` and attributes are `name="value"`: then no position is implicit, and every
    position is an `r="…"` value, which is found wherever it is. Raises _NotCanonical for any
    other form."""

    def __init__(self, rules: TableRules):
        self.rules = rules
        self.flagged = _flagged_references(rules.max_rows, rules.max_columns)
        self.sheets = 0  # <sheet> tags so far
        self.cells = False  # <sheetData> seen: the rest is checked for positions
        self.offset = 0  # of the current chunk's body in the member
        self.last_string = None  # offset of the last <si> seen

    def run(self, stream) -> None:
        carry = b""
        first = True
        while True:
            chunk = stream.read(CHUNK_BYTES)
            if first:
                _encoding_check(chunk, self.rules)
                first = False
            if not chunk:
                self._body(carry, final=True)
                return
            data = carry + chunk
            cut = data.rfind(b"<")  # a tag never holds "<": the body ends before a whole tag
            if cut <= 0:
                carry = data
                continue
            self._body(data[:cut], final=False)
            carry = data[cut:]

    def _body(self, body: bytes, *, final: bool) -> None:
        if DOCTYPE.search(body):
            raise self.rules.unreadable_error()
        if self.offset:  # the first chunk's declaration is checked with its first bytes
            _encoding_check(body, self.rules)
        if b"uniqueCount" in body:
            for value in STRING_COUNT.findall(body):
                _string_count_check(value, self.rules)
        if b"sheets" in body:
            self.sheets += len(SHEET_TAG.findall(body))
            if self.sheets > MAX_SHEETS:
                raise self.rules.too_much_data_error()
        # calamine reads cells inside <sheetData> only; other parts have `r` attributes of
        # their own (a theme's `<a:fillToRect r="50000">`).
        if not self.cells and b"sheetData" in body:
            self.cells = True
        if self.cells:
            self._positions(body)
        if PREFIXED_STRING.search(body):
            raise _NotCanonical
        if b"<si" in body:
            for match in SHARED_STRING.finditer(body):
                self._string_start(self.offset + match.start())
        self.offset += len(body)
        if final and self.last_string is not None:
            self._string_start(self.offset)

    def _positions(self, body: bytes) -> None:
        if any(pattern.search(body) for pattern in UNUSUAL):
            raise _NotCanonical
        for match in self.flagged.finditer(body):
            start = match.start()
            if start and NAME_BYTE.fullmatch(body, start - 1, start):
                continue  # the end of another attribute's name (`dir="…"`)
            end = body.find(b'"', match.end())
            reference = CELL_REF.fullmatch(body, match.end(), end if end >= 0 else len(body))
            if reference is None:
                raise _NotCanonical
            letters, digits = reference.groups()
            _position_check(int(digits), _column_number(letters), self.rules)

    def _string_start(self, offset: int) -> None:
        if self.last_string is not None and offset - self.last_string > MAX_STRING_BYTES:
            raise self.rules.too_much_data_error()
        self.last_string = offset


def _encoding_check(head: bytes, rules: TableRules) -> None:
    """UTF-8 XML only: calamine decodes other encodings, which would hide tags from the byte
    scans (a UTF-16 part, by its first bytes or its declaration)."""
    if head.startswith(UTF16_STARTS):
        raise rules.unreadable_error()
    if b"<?xml" in head:
        for declared in DECLARED_ENCODING.findall(head):
            if declared.lower().replace(b"-", b"").replace(b"_", b"") != b"utf8":
                raise rules.unreadable_error()


def _position_check(row: int, column: int, rules: TableRules) -> None:
    if row > rules.max_rows:
        raise rules.too_many_rows_error()
    if column > rules.max_columns:
        raise rules.too_many_columns_error()


class _ParsedScan:
    """A full XML parse (expat) following each row and cell as calamine places them: a
    position from its `r`, or one after the previous; shared strings' text measured."""

    def __init__(self, rules: TableRules):
        self.rules = rules
        self.row = 0
        self.column = 0
        self.string_bytes: int | None = None  # inside an <si>: its text so far
        self.sheets = 0

    def run(self, stream) -> None:
        parser = expat.ParserCreate()
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._text
        parser.StartDoctypeDeclHandler = self._refuse
        parser.EntityDeclHandler = self._refuse
        first = True
        try:
            while chunk := stream.read(CHUNK_BYTES):
                if first:
                    _encoding_check(chunk, self.rules)
                    first = False
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except expat.ExpatError:
            raise self.rules.unreadable_error() from None

    def _refuse(self, *args) -> None:
        raise self.rules.unreadable_error()

    def _reference(self, attributes: dict[str, str]) -> str | None:
        values = [value for name, value in attributes.items() if name.rpartition(":")[2] == "r"]
        if len(values) > 1:
            raise self.rules.unreadable_error()
        return values[0] if values else None

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        local = name.rpartition(":")[2]
        if local == "row":
            reference = self._reference(attributes)
            if reference is None:
                self.row += 1
            elif reference.isascii() and reference.isdigit() and len(reference) <= 7:
                self.row = int(reference)
            else:
                raise self.rules.unreadable_error()
            self.column = 0
            _position_check(self.row, 0, self.rules)
        elif local == "c":
            reference = self._reference(attributes)
            if reference is None:
                self.column += 1
                row = self.row
            else:
                parsed = CELL_REF.fullmatch(reference.encode())
                if parsed is None:  # an entity written in it, more digits than a row has
                    raise self.rules.unreadable_error()
                letters, digits = parsed.groups()
                self.column = _column_number(letters) if letters else self.column + 1
                row = int(digits)
            _position_check(row, self.column, self.rules)
        elif local == "si":
            self.string_bytes = 0
        elif local == "sst" and "uniqueCount" in attributes:
            _string_count_check(attributes["uniqueCount"].encode(), self.rules)
        elif local == "sheet":
            self.sheets += 1
            if self.sheets > MAX_SHEETS:
                raise self.rules.too_much_data_error()

    def _end(self, name: str) -> None:
        if name.rpartition(":")[2] == "si":
            self.string_bytes = None

    def _text(self, text: str) -> None:
        if self.string_bytes is not None:
            self.string_bytes += len(text)
            if self.string_bytes > MAX_STRING_BYTES:
                raise self.rules.too_much_data_error()


# --- CSV -----------------------------------------------------------------------------------------


def _csv_rows(data: bytes, rules: TableRules) -> Iterator[Row]:
    if detect_file_type(data[:16]) is not None or b"\x00" in data:  # a PDF, an image, binary
        raise rules.unreadable_error()
    for encoding in CSV_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return _csv_records(text, rules)
    raise rules.unreadable_error()


def _csv_records(text: str, rules: TableRules) -> Iterator[Row]:
    head = text[:4096]
    delimiter = "\t" if head.count("\t") > head.count(",") else ","  # Excel's "text" export
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, cells in enumerate(reader, start=1):
            if number > rules.max_rows:
                raise rules.too_many_rows_error()
            while cells and not cells[-1].strip():
                cells.pop()  # trailing empty fields are no columns
            if len(cells) > rules.max_columns:
                raise rules.too_many_columns_error()
            yield number, cells
    except csv.Error:  # a field over csv's size limit, a stray quote at the end
        raise rules.unreadable_error() from None
