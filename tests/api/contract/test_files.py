"""The one way the API answers with a file, and writes an Excel export (api.files)."""

import datetime as dt
import io
from urllib.parse import quote

import openpyxl
from django.utils import timezone, translation

from api.files import Column, content_disposition, file_response, xlsx_write
from domain.purchases.models import Purchase


def test_an_ascii_name_is_a_plain_filename():
    assert content_disposition("a.pdf") == 'attachment; filename="a.pdf"'
    assert content_disposition('say "hi".pdf') == r'attachment; filename="say \"hi\".pdf"'


def test_a_korean_name_comes_encoded_after_its_ascii_fallback():
    name = "구매내역-20261122.xlsx"
    assert content_disposition(name, ascii_filename="purchases-20261122.xlsx") == (
        f"attachment; filename=\"purchases-20261122.xlsx\"; filename*=UTF-8''{quote(name)}"
    )
    assert content_disposition(name) == f"attachment; filename*=UTF-8''{quote(name)}"


def test_a_private_file_is_neither_sniffed_nor_kept_and_a_public_one_may_be_kept():
    private = file_response(io.BytesIO(b"x"), content_type="application/pdf", filename="a.pdf")
    assert private["Cache-Control"] == "private, no-store"
    assert private["X-Content-Type-Options"] == "nosniff"
    public = file_response(
        io.BytesIO(b"x"), content_type="application/pdf", filename="a.pdf", private=False
    )
    assert "Cache-Control" not in public
    assert public["X-Content-Type-Options"] == "nosniff"


def written(columns, rows):
    target = io.BytesIO()
    xlsx_write(target, title="시트", columns=columns, rows=rows)
    target.seek(0)
    return openpyxl.load_workbook(target).active


def test_rows_are_consumed_once_under_a_header_with_seoul_times_and_formats():
    moment = dt.datetime(2026, 11, 22, 0, 30, 15, 999_999, tzinfo=dt.UTC)
    columns = [
        Column("이름", lambda row: row[0]),
        Column("금액", lambda row: row[1], '#,##0"원"'),
        Column("시각", lambda row: row[2], "yyyy-mm-dd hh:mm:ss"),
    ]
    sheet = written(columns, iter([("가", 1_000, moment), ("나", 0, None)]))
    assert sheet.title == "시트"
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["이름", "금액", "시각"],
        ["가", 1_000, dt.datetime(2026, 11, 22, 9, 30, 15)],  # Asia/Seoul, to the second
        ["나", 0, None],
    ]
    assert sheet["B2"].number_format == '#,##0"원"'
    assert sheet["C2"].number_format == "yyyy-mm-dd hh:mm:ss"
    assert sheet.freeze_panes == "A2"
    assert timezone.get_current_timezone_name() == "Asia/Seoul"


def test_text_that_looks_like_a_formula_stays_text():
    """A company named "=HYPERLINK(…)" must not become a live formula in someone's Excel."""
    sheet = written([Column("입금자", lambda row: row)], ['=HYPERLINK("http://x")*', "=1+1"])
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [(cell.value, cell.data_type) for cell in cells] == [
        ('=HYPERLINK("http://x")*', "s"),
        ("=1+1", "s"),
    ]


def test_a_text_no_worksheet_holds_is_written_with_its_characters_replaced():
    """Text stored before the API refused control characters (domain.common.text): each one
    no kept text may hold becomes U+FFFD; tab and line breaks stay; the export never fails."""
    stored = ["탭\x0b세로탭", "\x00\x01\x1f\x7f\x85\ufffe\uffff", "줄\n바꿈\t탭\r"]
    sheet = written([Column("타이틀", lambda row: row)], stored)
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == [
        "탭\ufffd세로탭",
        "\ufffd" * 7,
        "줄\n바꿈\t탭\r",
    ]


def test_text_that_looks_like_excels_escape_is_read_back_as_written():
    """Excel (and calamine, the uploads' reader) decode `_x000B_` in a cell to U+000B; the writer
    escapes it (`_x005F_` is `_`) so the cell shows the stored text."""
    from python_calamine import CalamineWorkbook

    target = io.BytesIO()
    columns = [Column("이름", lambda row: row)]
    xlsx_write(target, title="시트", columns=columns, rows=["홍_x000B_길동", "a_x00_b", "_x1234_"])
    rows = CalamineWorkbook.from_filelike(io.BytesIO(target.getvalue())).get_sheet_by_index(0)
    assert [row[0] for row in rows.iter_rows()][1:] == ["홍_x000B_길동", "a_x00_b", "_x1234_"]


def test_a_column_of_choices_shows_their_labels_in_the_active_language():
    status = Column("상태", lambda row: row, labels=dict(Purchase.Status.choices))
    rows = ["approved", "pending", "approved"]
    with translation.override("ko"):
        korean = [row[0].value for row in written([status], rows).iter_rows(min_row=2)]
    with translation.override("en"):
        english = [row[0].value for row in written([status], rows).iter_rows(min_row=2)]
    assert korean == ["승인", "대기", "승인"]
    assert english == ["Approved", "Pending", "Approved"]
