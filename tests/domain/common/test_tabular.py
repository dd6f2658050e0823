"""The one table reader (domain.common.tabular): an xlsx is bounded before calamine sees it —
every way XML can place a cell is followed (SPEC §14 uploads) — and a CSV file counts its rows,
blank ones included. Hostile files never reach calamine here unless the check accepted them;
the API-level memory bound is tests/api/dispatches/test_upload_memory.py."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from domain.common import tabular
from domain.common.errors import CommonErrorCode, DomainError
from domain.common.tabular import TableRules, header_find, table_rows, workbook_check
from domain.dispatches.errors import DispatchErrorCode
from tests.factories.spreadsheets import (
    HEADER,
    MAIN_NS,
    cell,
    csv_bytes,
    header_row,
    numbered,
    raw_xlsx,
    xlsx_bytes,
)

RULES = TableRules(
    max_rows=40,
    unreadable=DispatchErrorCode.UNREADABLE_SPREADSHEET,
    too_many_rows=DispatchErrorCode.TOO_MANY_RECIPIENTS,
    max_columns=6,
)
CODES = {
    "unreadable_spreadsheet",
    "too_many_recipients",
    "too_many_columns",
    "file_too_large",
}


def refusal(data: bytes, rules: TableRules = RULES) -> str:
    with pytest.raises(DomainError) as refused:
        list(table_rows(data, rules))
    assert refused.value.attr == "file"
    return refused.value.code


def rows(data: bytes, rules: TableRules = RULES) -> list:
    return list(table_rows(data, rules))


def sheet(body: str) -> bytes:
    """A worksheet part with `body` inside `<sheetData>`."""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}">'
        f"<sheetData>{body}</sheetData></worksheet>"
    ).encode()


# --- files as writers make them are read ---------------------------------------------------------


def test_an_openpyxl_workbook_is_read_row_by_row_from_row_one():
    data = xlsx_bytes(numbered(3), above=[("제목",)])
    read = rows(data)
    assert [number for number, _cells in read] == [1, 2, 3, 4, 5]
    assert read[1][1] == list(HEADER)


def test_a_full_sheet_at_the_limits_is_read():
    rules = TableRules(
        max_rows=10_020,
        unreadable=DispatchErrorCode.UNREADABLE_SPREADSHEET,
        too_many_rows=DispatchErrorCode.TOO_MANY_RECIPIENTS,
    )
    assert len(rows(xlsx_bytes(numbered(10_019)), rules)) == 10_020
    wide = [tuple(f"c{i}" for i in range(26))]
    assert len(rows(xlsx_bytes(wide, header=None), rules)[0][1]) == 26


def test_other_parts_with_r_attributes_of_their_own_are_no_cells():
    """openpyxl's theme has `<a:fillToRect r="50000">`: outside any sheetData."""
    data = xlsx_bytes(numbered(2))
    theme = zipfile.ZipFile(io.BytesIO(data)).read("xl/theme/theme1.xml")
    assert b' r="50000"' in theme
    assert len(rows(data)) == 3


# --- every way of placing a cell past the limits is refused ---------------------------------------


@pytest.mark.parametrize(
    "body,code",
    [
        (f'<row r="41">{cell("A41", 1)}</row>', "too_many_recipients"),
        (f'<row r="2">{cell("A41", 1)}</row>', "too_many_recipients"),  # the cell's own row
        (f'<row r="2">{cell("G2", 1)}</row>', "too_many_columns"),
        (f'<row r="2">{cell("XFD1048576", 1)}</row>', "too_many_recipients"),
        (f'<row r="2">{cell("xfd2", 1)}</row>', "too_many_columns"),  # calamine reads any case
        (f'<row r="2">{cell("&#88;FD2", 1)}</row>', "too_many_columns"),  # an entity
        ('<row r="2"><c r="A2" s="0"/><c s="0" r="XFD2"><v>1</v></c></row>', "too_many_columns"),
        ("<row r='2'><c r='XFD2'><v>1</v></c></row>", "too_many_columns"),  # single quotes
        ('<row r="2"><c\tr="XFD2"><v>1</v></c></row>', "too_many_columns"),
        ('<row r="2"><c r = "XFD2"><v>1</v></c></row>', "too_many_columns"),
        ('<row r="2">' + "<c><v>1</v></c>" * 7 + "</row>", "too_many_columns"),  # implicit
        ('<row r="2">' + "<c/>" * 7 + "</row>", "too_many_columns"),
        ('<row r="39"/>' + "<row><c><v>1</v></c></row>" * 2, "too_many_recipients"),
        (f'<row r="2">{cell("A99999999", 1)}</row>', "unreadable_spreadsheet"),  # wraps around
        (f'<row r="2">{cell("AAAA2", 1)}</row>', "unreadable_spreadsheet"),
    ],
    ids=[
        "row",
        "cell-row",
        "column",
        "corner",
        "lowercase",
        "entity",
        "attribute-order",
        "single-quotes",
        "tab",
        "spaced-equals",
        "implicit-columns",
        "empty-cells",
        "implicit-rows",
        "long-row-number",
        "long-column",
    ],
)
def test_a_cell_past_the_limits_is_refused_however_it_is_written(body, code):
    assert refusal(raw_xlsx(header_row(HEADER) + body)) == code


def test_prefixed_elements_are_followed():
    body = (
        f'<x:worksheet xmlns:x="{MAIN_NS}"><x:sheetData><x:row r="2">'
        '<x:c r="XFD2"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>'
    )
    assert refusal(raw_xlsx("", sheet_xml=body.encode())) == "too_many_columns"


def test_reading_stops_at_the_row_cap():
    """The rows after the cap are never looked at: they are garbage here."""
    body = "".join(f'<row r="{n}">{cell(f"A{n}", 1)}</row>' for n in range(1, 20_000))
    data = raw_xlsx("", sheet_xml=sheet(body)[:-30] + b"\x00" * 2_000_000)
    assert refusal(data) == "too_many_recipients"


# --- the zip, the encodings, the strings ----------------------------------------------------------


@pytest.mark.parametrize(
    "members,code",
    [
        ({"content.xml": b"<office/>"}, "unreadable_spreadsheet"),  # an ods's part
        ({"xl/workbook.bin": b"\x00"}, "unreadable_spreadsheet"),  # an xlsb's part
        ({f"x/{i}.xml": b"<a/>" for i in range(201)}, "file_too_large"),
        ({"xl/big.xml": b"<a>" + b" " * (9 * 1024 * 1024) + b"</a>"}, "file_too_large"),
    ],
    ids=["ods", "xlsb", "members", "expanded"],
)
def test_zips_that_are_not_workbooks_we_check_are_refused(members, code):
    assert refusal(raw_xlsx(header_row(), members=members)) == code


def test_a_workbook_without_its_main_part_is_unreadable():
    data = raw_xlsx(header_row())
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            if info.filename != "xl/workbook.xml":
                target.writestr(info, source.read(info))
    assert refusal(buffer.getvalue()) == "unreadable_spreadsheet"


@pytest.mark.parametrize(
    "sheet_xml",
    [
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY c "XFD1">]><worksheet/>',
        sheet(header_row()).decode().encode("utf-16"),
        sheet(header_row()).decode().replace("UTF-8", "UTF-16").encode("utf-16-le"),
        sheet(header_row()).replace(b"UTF-8", b"ISO-2022-JP"),
    ],
    ids=["doctype", "utf16-bom", "utf16", "declared"],
)
def test_xml_that_could_hide_its_cells_is_unreadable(sheet_xml):
    assert refusal(raw_xlsx("", sheet_xml=sheet_xml)) == "unreadable_spreadsheet"


@pytest.mark.parametrize(
    "strings",
    [
        "<si><t>" + "가" * 2_000 + "</t></si>",
        "<x:si><x:t>" + "a" * 5_000 + "</x:t></x:si>",
        "<si>" + "<r><t>ab</t></r>" * 400 + "</si>",
    ],
    ids=["long", "prefixed", "rich-text-runs"],
)
def test_a_shared_string_over_its_cap_is_refused(strings):
    part = (
        f'<?xml version="1.0"?><sst xmlns="{MAIN_NS}" xmlns:x="{MAIN_NS}">{strings}</sst>'
    ).encode()
    data = raw_xlsx(header_row(), members={"xl/sharedStrings.xml": part})
    assert refusal(data) == "file_too_large"


def test_a_declared_count_of_strings_past_a_cell_each_is_refused():
    """calamine reserves room for `uniqueCount` strings before it reads one."""
    assert refusal(raw_xlsx(header_row(), sst_attributes=' uniqueCount="241"')) == "file_too_large"
    assert len(rows(raw_xlsx(header_row(), sst_attributes=' uniqueCount="240"'))) == 1


def test_a_workbook_listing_too_many_sheets_is_refused():
    sheets = "".join(f'<sheet name="s{i}" sheetId="{i}" r:id="rId1"/>' for i in range(1, 102))
    workbook = tabular_workbook(sheets)
    assert refusal(raw_xlsx(header_row(), workbook=workbook)) == "file_too_large"


def tabular_workbook(sheets: str) -> str:
    return (
        f'<?xml version="1.0"?><workbook xmlns="{MAIN_NS}" xmlns:r="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships">'
        f"<sheets>{sheets}</sheets></workbook>"
    )


def test_legacy_xls_is_unreadable():
    assert refusal(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512) == "unreadable_spreadsheet"


# --- CSV -----------------------------------------------------------------------------------------


def test_csv_rows_are_counted_blank_ones_included():
    assert len(rows(csv_bytes(numbered(39)))) == 40
    assert refusal(csv_bytes(numbered(39)) + b"\n") == "too_many_recipients"
    assert refusal(b"\n" * 41) == "too_many_recipients"


def test_csv_columns_past_the_cap_are_refused_trailing_empty_ones_ignored():
    assert rows(b"a,b,c,,,,,,,,\n") == [(1, ["a", "b", "c"])]
    assert refusal(b"a,b,c,d,e,f,g\n") == "too_many_columns"


def test_csv_is_utf8_or_cp949_text():
    assert rows("고객명\t금액\n".encode("cp949")) == [(1, ["고객명", "금액"])]
    assert refusal(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64) == "unreadable_spreadsheet"


# --- the header ----------------------------------------------------------------------------------


def test_the_header_is_found_below_a_title_in_any_order():
    names = {"name": ("고객명", "name"), "amount": ("금액",)}
    read = iter([(1, ["명단"]), (2, ["금 액", "NAME"]), (3, ["x", 1])])
    assert header_find(read, names, scan_rows=5, missing=lambda keys: AssertionError(keys)) == {
        "amount": 0,
        "name": 1,
    }
    assert next(read) == (3, ["x", 1])


def test_a_missing_header_names_the_columns_the_best_row_lacks():
    names = {"name": ("고객명",), "amount": ("금액",)}
    read = iter([(1, ["고객명"]), (2, ["x"])])
    with pytest.raises(LookupError) as missing:
        header_find(read, names, scan_rows=5, missing=lambda keys: LookupError(keys))
    assert missing.value.args == (["amount"],)


# --- generated structures: whatever the XML, nothing past the limits reaches calamine -------------

POSITIONS = st.one_of(st.integers(1, 60), st.sampled_from([1_048_576, 16_384, 99_999, 41, 7]))


@st.composite
def workbooks(draw):
    """A sheet of rows and cells, each written with or without its position, in one of the
    forms writers and attackers use; and the extent calamine could give its cells (its own
    placement rules: a cell's `r`, else one after the previous cell, rows likewise)."""
    form = draw(st.sampled_from(["canonical", "attribute-after", "single-quotes", "prefixed"]))
    prefix = "x:" if form == "prefixed" else ""
    quote = "'" if form == "single-quotes" else '"'
    xml, extent_rows, extent_columns, row_index = [], 0, 0, 0
    for _ in range(draw(st.integers(0, 6))):
        explicit_row = draw(st.booleans())
        if explicit_row:
            row_index = draw(POSITIONS)
        else:
            row_index += 1
        column = 0
        cells = []
        for _ in range(draw(st.integers(0, 8))):
            if draw(st.booleans()):
                column = draw(POSITIONS)
                cell_row = draw(st.sampled_from([row_index, draw(POSITIONS)]))
                letters = column_letters(column)
                position = f" r={quote}{letters}{cell_row}{quote}"
                if form == "attribute-after":
                    position = f" s={quote}0{quote}{position}"
            else:
                column += 1
                cell_row = row_index
                position = ""
            extent_rows, extent_columns = max(extent_rows, cell_row), max(extent_columns, column)
            cells.append(f"<{prefix}c{position}><{prefix}v>1</{prefix}v></{prefix}c>")
        row_attribute = f" r={quote}{row_index}{quote}" if explicit_row else ""
        extent_rows = max(extent_rows, row_index)
        xml.append(f"<{prefix}row{row_attribute}>{''.join(cells)}</{prefix}row>")
    namespace = f' xmlns:x="{MAIN_NS}"' if prefix else ""
    sheet_xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><{prefix}worksheet xmlns="{MAIN_NS}"{namespace}>'
        f"<{prefix}sheetData>{''.join(xml)}</{prefix}sheetData></{prefix}worksheet>"
    ).encode()
    return raw_xlsx("", sheet_xml=sheet_xml), extent_rows, extent_columns


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workbooks())
def test_a_generated_sheet_is_refused_with_a_code_or_within_the_limits(generated):
    data, extent_rows, extent_columns = generated
    tracemalloc.start()
    try:
        workbook_check(data, RULES)
    except DomainError as refused:
        assert refused.code in CODES
        return
    finally:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert peak < 4 * 1024 * 1024  # the check streams: two chunks, whatever the file
    # Accepted: every position calamine could use is within the limits, so its grid is too.
    assert extent_rows <= RULES.max_rows and extent_columns <= RULES.max_columns
    sheet_read = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    assert sheet_read.height <= RULES.max_rows and sheet_read.width <= RULES.max_columns


def test_the_check_reads_each_part_in_chunks():
    assert tabular.CHUNK_BYTES <= 1024 * 1024
    assert CommonErrorCode.TOO_MANY_COLUMNS == "too_many_columns"
