"""The recipients template and the Excel upload over HTTP (manual 004 §3.1
엑셀 양식 다운로드 / 엑셀 업로드)."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from domain.dispatches.models import RecipientUpload
from tests.conftest import bearer_for, error_codes
from tests.factories.corporates import corporate_with_master, manager_create, onnuri
from tests.factories.spreadsheets import csv_bytes, numbered, understated_xlsx, xlsx_bytes

pytestmark = pytest.mark.django_db

SITE = "onnuri-biz"
TEMPLATE = f"/api/v1/sites/{SITE}/dispatches/template/"
UPLOAD = f"/api/v1/sites/{SITE}/dispatches/recipients/upload/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MANUAL_ROWS = [("홍길동", "01000000000", 10_000), ("은누리", "01011111111", 50_000)]


@pytest.fixture
def master():
    return corporate_with_master(username="master01", mobile="01055554444")


@pytest.fixture
def general(master):
    return manager_create(corporate=master.corporate, username="general01")


@pytest.fixture
def staff(member_factory, site_of):
    return member_factory(site=site_of(SITE), username="operator2x", staff=True)


@pytest.fixture
def outsider(member_factory, site_of):
    """An onnuri-biz account with no role in any company."""
    return member_factory(site=site_of(SITE), username="nobody01", kind="corporate_manager")


def upload(api, manager, data: bytes, name: str = "받는고객.xlsx"):
    member = getattr(manager, "member", manager)
    return api.post(
        UPLOAD, {"file": SimpleUploadedFile(name, data)}, format="multipart", **bearer_for(member)
    )


def row_errors(response) -> list[tuple[int, str, str]]:
    [error] = response.json()["errors"]
    return [(e["row"], e["column"], e["code"]) for e in error["row_errors"]]


# --- the template --------------------------------------------------------------------------------


def test_the_template_has_the_manuals_columns_an_example_and_a_text_mobile_column(api, master):
    response = api.get(TEMPLATE, **bearer_for(master.member))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment;")
    assert ".xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("고객명", "휴대폰 번호", "금액")
    assert rows[1:] == [tuple(row) for row in MANUAL_ROWS]
    # Text, so Excel keeps the leading 0 of what is typed in the column.
    assert sheet.column_dimensions["B"].number_format == "@"
    assert sheet["B2"].number_format == "@" and sheet["B2"].data_type == "s"


def test_the_template_can_be_uploaded_as_it_is(api, master):
    template = b"".join(api.get(TEMPLATE, **bearer_for(master.member)).streaming_content)
    response = upload(api, master, template)
    assert response.status_code == 201, response.content
    assert response.json()["count"] == 2 and response.json()["total"] == 60_000


@pytest.mark.parametrize(
    "caller,status", [("master", 200), ("general", 200), ("staff", 200), ("outsider", 404)]
)
def test_who_may_download_the_template(api, request, caller, status):
    member = request.getfixturevalue(caller)
    response = api.get(TEMPLATE, **bearer_for(getattr(member, "member", member)))
    assert response.status_code == status


def test_anonymous_gets_401(api):
    assert api.get(TEMPLATE).status_code == 401
    refused = api.post(UPLOAD, {"file": SimpleUploadedFile("a.xlsx", b"x")}, format="multipart")
    assert refused.status_code == 401
    assert RecipientUpload.objects.count() == 0


# --- a good upload -------------------------------------------------------------------------------


def test_a_good_xlsx_is_kept_for_a_day_and_answered_normalised(api, master):
    data = xlsx_bytes([("홍길동", "010-0000-0000", "10,000"), MANUAL_ROWS[1]])
    response = upload(api, master, data)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["count"] == 2 and body["total"] == 60_000
    assert body["rows"] == [
        {"row": 2, "name": "홍길동", "mobile": "01000000000", "amount": 10_000},
        {"row": 3, "name": "은누리", "mobile": "01011111111", "amount": 50_000},
    ]
    assert body["file_name"] == "받는고객.xlsx"
    created = dt.datetime.fromisoformat(body["created_at"])
    assert dt.datetime.fromisoformat(body["expires_at"]) - created == dt.timedelta(days=1)
    stored = RecipientUpload.objects.get(pk=body["id"])
    assert stored.corporate == master.corporate and stored.uploaded_by == master.member
    assert (stored.count, stored.total, stored.rows) == (2, 60_000, body["rows"])


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp949"])
def test_a_csv_in_utf8_with_or_without_bom_or_cp949_is_read(api, general, encoding):
    response = upload(api, general, csv_bytes(MANUAL_ROWS, encoding=encoding), name="고객.csv")
    assert response.status_code == 201, response.content
    assert [(r["name"], r["mobile"]) for r in response.json()["rows"]] == [
        ("홍길동", "01000000000"),
        ("은누리", "01011111111"),
    ]


def test_the_content_decides_not_the_file_name(api, master):
    response = upload(api, master, csv_bytes(MANUAL_ROWS), name="recipients.xlsx")
    assert response.status_code == 201, response.content
    assert response.json()["count"] == 2


def test_excel_numeric_mobiles_without_the_leading_zero_are_accepted(api, master):
    response = upload(api, master, xlsx_bytes([("김정수", 1012345678, 10_000)]))
    assert response.status_code == 201, response.content
    assert response.json()["rows"][0]["mobile"] == "01012345678"


def test_the_header_is_found_below_a_title_in_any_order_with_english_names(api, master):
    def sheet(*rows):
        return xlsx_bytes(
            rows, header=("Amount", "Mobile", "비고", "Name"), above=[("설 선물 명단",), ()]
        )

    # Excel's rows: title 1, blank 2, header 3, then the data from row 4.
    good = upload(api, master, sheet((20_000, "01012345678", "메모", "김정수")))
    assert good.status_code == 201, good.content
    assert good.json()["rows"] == [
        {"row": 4, "name": "김정수", "mobile": "01012345678", "amount": 20_000}
    ]
    refused = upload(
        api,
        master,
        sheet(("", None, None, None), (20_000, "01012345678", "", "김정수"), (5_000, "x", "", "")),
    )
    assert refused.status_code == 400
    assert row_errors(refused) == [(6, "name", "name_required"), (6, "mobile", "invalid_phone")]


# --- refusals: per row, nothing stored -----------------------------------------------------------


@pytest.mark.parametrize(
    "row,column,code",
    [
        (("", "01012345678", 10_000), "name", "name_required"),
        (("김정수", "0101234", 10_000), "mobile", "invalid_phone"),
        (("김정수", "02-123-4567", 10_000), "mobile", "invalid_phone"),
        (("김정수", "01012345678", 0), "amount", "invalid_gift_amount"),
        (("김정수", "01012345678", -1_000), "amount", "invalid_gift_amount"),
        (("김정수", "01012345678", 1_500), "amount", "invalid_gift_amount"),
        (("김정수", "01011111111", 10_000), "mobile", "duplicate_mobile"),  # row 3's mobile
    ],
)
def test_each_bad_row_is_named_with_its_row_column_and_code(api, master, row, column, code):
    response = upload(api, master, xlsx_bytes([MANUAL_ROWS[1], row]))
    assert response.status_code == 400
    assert error_codes(response) == ["invalid_recipients"]
    [error] = response.json()["errors"]
    assert error["attr"] == "file"
    assert [(e["row"], e["column"], e["code"]) for e in error["row_errors"]] == [(3, column, code)]
    assert error["row_errors"][0]["detail"]  # a message to show beside the row
    assert RecipientUpload.objects.count() == 0


@pytest.mark.parametrize("name", ["홍_x0000_길동", "홍_x000B_길동", "홍_x0085_길동"])
def test_a_name_cell_that_reads_as_a_control_character_is_a_row_error(api, master, name):
    """An xlsx cell's `_x0000_` is a NUL once read (Excel's escape), which PostgreSQL cannot
    keep (the upload's jsonb rows refused it with a 500): a name with a control character is
    the row's `invalid_characters`, and nothing is kept."""
    response = upload(api, master, xlsx_bytes([MANUAL_ROWS[0], (name, "01022223333", 10_000)]))
    assert response.status_code == 400, response.content
    assert error_codes(response) == ["invalid_recipients"]
    assert row_errors(response) == [(3, "name", "invalid_characters")]
    assert response.json()["errors"][0]["row_errors"][0]["detail"] == (
        "이름에 쓸 수 없는 문자(제어 문자)가 있습니다."
    )
    assert RecipientUpload.objects.count() == 0


def test_a_csv_name_with_a_control_character_is_a_row_error(api, master):
    data = csv_bytes([("홍\x01길동", "01022223333", 10_000)])
    response = upload(api, master, data, name="a.csv")
    assert row_errors(response) == [(2, "name", "invalid_characters")]


def test_gifts_over_the_maximum_are_row_errors_before_any_total_overflows(api, master):
    """Two gifts of 5×10¹⁸ won add up past a bigint (the upload's total was a 500): each gift is
    at most the site's `dispatch_max_gift_amount` (10,000,000 won by default)."""
    huge = 5 * 10**18
    rows = [("김정수", "01012345678", huge), ("박정수", "01012345679", huge)]
    response = upload(api, master, xlsx_bytes(rows))
    assert response.status_code == 400, response.content
    assert error_codes(response) == ["invalid_recipients"]
    assert row_errors(response) == [
        (2, "amount", "gift_amount_too_large"),
        (3, "amount", "gift_amount_too_large"),
    ]
    assert response.json()["errors"][0]["row_errors"][0]["detail"] == (
        "선물 금액은 1인당 10,000,000원 이하로 입력해 주세요."
    )
    assert RecipientUpload.objects.count() == 0
    at_most = upload(api, master, xlsx_bytes([("김정수", "01012345678", 10_000_000)]))
    assert at_most.status_code == 201, at_most.content


def test_the_gift_maximum_is_the_sites_setting(api, master):
    site = onnuri()
    site.policy = {**site.policy, "dispatch_max_gift_amount": 50_000}
    site.save()
    assert upload(api, master, xlsx_bytes(MANUAL_ROWS)).status_code == 201
    refused = upload(api, master, xlsx_bytes([("김정수", "01012345678", 51_000)]))
    assert row_errors(refused) == [(2, "amount", "gift_amount_too_large")]


def test_row_errors_are_in_korean_by_default_and_english_on_request(api, master):
    data = xlsx_bytes([MANUAL_ROWS[0], MANUAL_ROWS[0]])
    korean = upload(api, master, data).json()["errors"][0]["row_errors"][0]["detail"]
    assert korean == "이 휴대폰 번호는 이미 2행에 있습니다."
    amount = upload(api, master, xlsx_bytes([("김정수", "01012345678", 1_500)])).json()
    assert (
        amount["errors"][0]["detail"]
        == "받는 고객 정보에 오류가 1건 있습니다. 표시된 행을 고쳐 주세요."
    )
    assert amount["errors"][0]["row_errors"][0]["detail"] == (
        "선물 금액은 1,000원 단위의 양수로 입력해 주세요."
    )
    english = api.post(
        UPLOAD,
        {"file": SimpleUploadedFile("a.xlsx", data)},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
        **bearer_for(master.member),
    )
    assert english.json()["errors"][0]["row_errors"][0]["detail"] == (
        "This mobile number is already on row 2."
    )


def test_ten_thousand_and_one_rows_are_too_many_and_nothing_is_kept(api, master):
    response = upload(api, master, xlsx_bytes(numbered(10_001)))
    assert response.status_code == 400
    assert error_codes(response) == ["too_many_recipients"]
    assert row_errors(response) == [(10_002, "", "too_many_recipients")]
    assert RecipientUpload.objects.count() == 0


def test_ten_thousand_rows_are_accepted(api, master):
    response = upload(api, master, csv_bytes(numbered(10_000, amount=1_000)), name="a.csv")
    assert response.status_code == 201
    assert (response.json()["count"], response.json()["total"]) == (10_000, 10_000_000)


def test_the_limit_is_the_sites_setting(api, master):
    site = onnuri()
    site.policy = {**site.policy, "dispatch_max_recipients": 2}
    site.save()
    assert upload(api, master, xlsx_bytes(MANUAL_ROWS)).status_code == 201
    refused = upload(api, master, xlsx_bytes(numbered(3)))
    assert error_codes(refused) == ["too_many_recipients"]
    assert row_errors(refused) == [(4, "", "too_many_recipients")]


def test_a_file_without_the_columns_is_refused_naming_the_missing_ones(api, master):
    response = upload(api, master, xlsx_bytes([("홍길동", 10_000)], header=("고객명", "금액")))
    assert response.status_code == 400
    assert error_codes(response) == ["missing_columns"]
    assert response.json()["errors"][0]["missing"] == ["mobile"]
    headless = upload(api, master, xlsx_bytes(MANUAL_ROWS, header=None))
    assert error_codes(headless) == ["missing_columns"]
    assert headless.json()["errors"][0]["missing"] == ["name", "mobile", "amount"]


def test_a_header_without_rows_is_refused(api, master):
    response = upload(api, master, xlsx_bytes([("", "", "")]))
    assert response.status_code == 400
    assert error_codes(response) == ["no_recipients"]


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,  # an image named .xlsx
        xlsx_bytes(MANUAL_ROWS)[:300],  # a cut-off xlsx
        b"PK\x03\x04" + b"\x00" * 200,  # a broken zip
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
        bytes(range(256)) * 4,  # binary
        understated_xlsx(numbered(2_000)),  # the reader stops at the declared size
    ],
    ids=["png", "truncated-xlsx", "broken-zip", "pdf", "binary", "understated-size"],
)
def test_a_file_that_is_no_spreadsheet_is_refused(api, master, data):
    response = upload(api, master, data)
    assert response.status_code == 400
    assert error_codes(response) == ["unreadable_spreadsheet"]
    assert RecipientUpload.objects.count() == 0


def test_an_empty_file_is_refused(api, master):
    response = upload(api, master, b"")
    assert response.status_code == 400
    assert error_codes(response) == ["file_empty"]


def test_a_file_over_the_cap_is_refused(api, master, monkeypatch):
    from domain.dispatches import uploads

    monkeypatch.setattr(uploads, "UPLOAD_MAX_BYTES", 1_000)
    response = upload(api, master, xlsx_bytes(numbered(200)))
    assert response.status_code == 400
    assert error_codes(response) == ["file_too_large"]


def test_a_spreadsheet_that_expands_past_the_cap_is_refused_before_it_is_parsed(
    api, master, monkeypatch
):
    """A 20 MB zip can hold gigabytes of sheet XML (a zip bomb): the members' sizes are added
    up first; the reader itself refuses a member larger than its declared size."""
    from domain.common import tabular

    monkeypatch.setattr(tabular, "MAX_EXPANDED_BYTES", 20_000)
    response = upload(api, master, xlsx_bytes(numbered(500)))
    assert response.status_code == 400
    assert error_codes(response) == ["file_too_large"]
    assert RecipientUpload.objects.count() == 0


@pytest.mark.parametrize("caller,status", [("staff", 404), ("outsider", 404), ("general", 201)])
def test_only_the_companys_admins_may_upload(api, request, caller, status):
    request.getfixturevalue("master")
    member = request.getfixturevalue(caller)
    assert upload(api, member, xlsx_bytes(MANUAL_ROWS)).status_code == status


def test_an_upload_costs_the_same_queries_for_10_and_1000_rows(api, master):
    upload(api, master, xlsx_bytes(numbered(1)))  # warm the per-process caches
    counts = []
    for size in (10, 1_000):
        data = xlsx_bytes(numbered(size))
        with CaptureQueriesContext(connection) as queries:
            response = upload(api, master, data)
        assert response.json()["count"] == size
        counts.append(len(queries))
    assert counts[0] == counts[1]
