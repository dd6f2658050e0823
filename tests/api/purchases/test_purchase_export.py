"""The purchase history as an Excel file (SPEC §7.3 "Excel download", §11 `purchases/export/`;
manual 004 §2.1–2.2 구매내역 and its 액셀 다운로드 button).

The export is the list: the same callers, filters and ordering, every page, one row per purchase
with the manual's columns under its Korean headers.
"""

import datetime as dt
import io
from decimal import Decimal
from urllib.parse import quote

import openpyxl
import pytest
import time_machine
import yaml
from django.utils import timezone

from backend.settings.base import BASE_DIR
from domain.purchases.models import Purchase
from tests.conftest import bearer_for, error_codes
from tests.factories.corporates import manager_create
from tests.factories.purchases import purchases_bulk

from . import URL, post, request_purchase

pytestmark = pytest.mark.django_db

EXPORT = f"{URL}export/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# manual 004 §2.1–2.2, the 구매내역 table, left to right.
HEADERS = (
    "번호",
    "상태",
    "구매일시",
    "입금자",
    "입금계좌",
    "입금금액",
    "할인율",
    "충전금액",
    "잔액",
    "유효기간",
)


def seoul(*args):
    return dt.datetime(*args, tzinfo=timezone.get_current_timezone())


def download(api, member, query=None, **headers):
    """The export's answer and its sheet's rows (headers first)."""
    response = api.get(EXPORT, query or {}, **bearer_for(member), **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == XLSX
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return response, list(book.active.iter_rows(values_only=True))


def exported(api, member, query=None) -> list[tuple]:
    _, rows = download(api, member, query)
    assert rows[0] == HEADERS
    return rows[1:]


def listed(api, member, query=None) -> list[dict]:
    """Every page of GET purchases/ with `query`."""
    rows, page = [], 1
    while True:
        response = api.get(
            URL, {**(query or {}), "page": page, "page_size": 100}, **bearer_for(member)
        )
        assert response.status_code == 200, response.content
        rows += response.json()["results"]
        if not response.json()["next"]:
            return rows
        page += 1


def seoul_wall_time(stamp: str | None) -> dt.datetime | None:
    """A +09:00 timestamp of the list as the Excel cell holds it: Seoul wall time, seconds."""
    if stamp is None:
        return None
    moment = dt.datetime.fromisoformat(stamp)
    assert moment.utcoffset() == dt.timedelta(hours=9)
    return moment.replace(tzinfo=None, microsecond=0)


def as_exported(row: dict) -> tuple:
    """A list row in the export's columns and cell types."""
    return (
        row["number"],
        row["status_label"],
        seoul_wall_time(row["created_at"]),
        row["depositor"],
        f"{row['depositor_bank_name']} / {row['depositor_account']}",
        row["deposit_amount"],
        Decimal(row["discount_rate"]) / 100,
        row["amount"],
        row["balance"],
        seoul_wall_time(row["expires_at"]),
    )


def normalised(rows: list[tuple]) -> list[tuple]:
    """Cells as compared: the rate read back as a Decimal (Excel keeps binary floats)."""
    return [(*row[:6], Decimal(str(row[6])), *row[7:]) for row in rows]


def assert_export_is_the_list(api, member, query=None) -> list[tuple]:
    rows = exported(api, member, query)
    assert normalised(rows) == [as_exported(row) for row in listed(api, member, query)]
    return rows


@pytest.fixture
def history(api, master, other_master, staff):
    """Purchases of two companies on 20 and 22 November 2026 in every state, seen on the 22nd;
    the master's company has more than one page of them."""
    with time_machine.travel(seoul(2026, 11, 20, 10, 0), tick=False):
        old = request_purchase(api, master, 1_000_000).json()
    with time_machine.travel(seoul(2026, 11, 22, 9, 0), tick=False):
        approved = request_purchase(api, master, 2_000_000).json()
        post(api, staff, approved["id"], "approve")
        refunded = request_purchase(api, master, 3_000_000).json()
        post(api, staff, refunded["id"], "approve")
        post(api, staff, refunded["id"], "refund")
        request_purchase(api, other_master, 4_000_000)
        post(api, master.member, old["id"], "cancel")
    purchases_bulk(master, 120, created_at=seoul(2026, 11, 21, 23, 59, 59))
    purchases_bulk(master, 3, created_at=seoul(2026, 11, 19, 12), status=Purchase.Status.APPROVED)
    with time_machine.travel(seoul(2026, 11, 22, 18, 0)):
        yield {"old": old["id"], "approved": approved["id"], "refunded": refunded["id"]}


# --- the file ----------------------------------------------------------------------------------


def test_the_export_opens_with_openpyxl_and_matches_the_list_row_for_row(api, master, history):
    response, rows = download(api, master.member)
    assert rows[0] == HEADERS
    body = rows[1:]
    assert len(body) == 126 == len(listed(api, master.member))  # more than a page of the list
    assert normalised(body) == [as_exported(row) for row in listed(api, master.member)]
    by_number = {row[0]: row for row in body}
    approved = by_number[history["approved"]]
    assert approved[1] == "승인"
    assert approved[2] == dt.datetime(2026, 11, 22, 9, 0)  # Seoul wall time
    assert approved[3].endswith("*") and approved[4] == "케이뱅크 / 700100*****"
    deposit, rate, amount, balance = approved[5:9]
    assert (deposit, amount, balance) == (1_900_000, 2_000_000, 2_000_000)
    assert all(type(cell) is int for cell in (deposit, amount, balance))  # won, not floats
    assert Decimal(str(rate)) == Decimal("0.05")
    assert approved[9] == dt.datetime(2031, 11, 22, 9, 0)
    assert by_number[history["old"]][1] == "취소" and by_number[history["old"]][9] is None
    refunded = by_number[history["refunded"]]
    assert (refunded[1], refunded[8]) == ("환불", 0)


def test_the_file_is_an_attachment_with_a_korean_name_and_an_ascii_fallback(api, master, history):
    response, _ = download(api, master.member)
    korean = quote("구매내역-20261122.xlsx")
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"purchases-20261122.xlsx\"; filename*=UTF-8''{korean}"
    )
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_sheet_shows_won_and_seoul_times_as_the_manual_does(api, master, history):
    response = api.get(EXPORT, **bearer_for(master.member))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.title == "구매내역"
    row = sheet[2]
    assert row[2].number_format == "yyyy-mm-dd hh:mm:ss"
    assert {row[i].number_format for i in (5, 7, 8)} == {'#,##0"원"'}
    assert row[6].number_format == "0.00%"


@pytest.mark.parametrize("accept", [XLSX, "application/json", "*/*", "text/html"])
def test_the_export_answers_whatever_the_accept_header(api, master, history, accept):
    _, rows = download(api, master.member, HTTP_ACCEPT=accept)
    assert rows[0] == HEADERS and len(rows) == 127


def test_a_bad_filter_is_a_json_400_even_when_asking_for_excel(api, master):
    response = api.get(EXPORT, {"status": "lost"}, HTTP_ACCEPT=XLSX, **bearer_for(master.member))
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert error_codes(response) == ["invalid_choice"]


def test_headers_and_states_follow_the_language_asked_for(api, master, history):
    _, rows = download(api, master.member, HTTP_ACCEPT_LANGUAGE="en")
    assert rows[0][:3] == ("No.", "Status", "Purchased at")
    assert {row[1] for row in rows[1:]} == {"Pending", "Approved", "Cancelled", "Refunded"}


# --- the list's filters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query,count",
    [
        ({"period": "today"}, 2),
        ({"period": "yesterday"}, 120),
        ({"period": "week"}, 126),
        ({"period": "all"}, 126),
        ({"status": "approved"}, 4),
        ({"status": "cancelled"}, 1),
        ({"date_from": "2026-11-19", "date_to": "2026-11-20"}, 4),
        ({"date_from": "2026-11-21"}, 122),
        ({"date_to": "2026-11-19"}, 3),
        ({"period": "week", "status": "pending"}, 120),
        ({"ordering": "amount"}, 126),
        ({"ordering": "-expires_at", "status": "approved"}, 4),
    ],
)
def test_the_export_takes_the_lists_filters_and_ordering(api, master, history, query, count):
    rows = assert_export_is_the_list(api, master.member, query)
    assert len(rows) == count


def test_staff_export_the_whole_site_or_one_company(api, master, other_master, staff, history):
    everyone = assert_export_is_the_list(api, staff)
    assert len(everyone) == 127
    company = assert_export_is_the_list(api, staff, {"corporate": other_master.corporate_id})
    assert [row[7] for row in company] == [4_000_000]
    both = assert_export_is_the_list(
        api, staff, {"corporate": master.corporate_id, "status": "refunded"}
    )
    assert [row[0] for row in both] == [history["refunded"]]


# --- who gets what -----------------------------------------------------------------------------


def test_a_manager_of_another_company_gets_only_their_own(api, master, other_master, history):
    general = manager_create(corporate=other_master.corporate, username="othergeneral1")
    for member in (other_master.member, general.member):
        own = assert_export_is_the_list(api, member)
        assert [row[7] for row in own] == [4_000_000]
        # Naming the other company in the filter shows nothing of it.
        assert exported(api, member, {"corporate": master.corporate_id}) == []


def test_a_general_admin_exports_the_companys_purchases(api, master, history):
    general = manager_create(corporate=master.corporate, username="general01")
    assert len(assert_export_is_the_list(api, general.member)) == 126


def test_anonymous_is_401(api, history):
    response = api.get(EXPORT)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")


def test_a_member_of_another_site_is_refused(api, member_factory, site_of, history):
    stranger = member_factory(site=site_of("incheon-water"), username="watermember1")
    response = api.get(EXPORT, **bearer_for(stranger))
    assert response.status_code == 401  # a token of another site (SPEC §14: tokens carry it)
    assert error_codes(response) == ["token_site_mismatch"]


def test_a_plain_member_of_the_site_exports_nothing(api, member_factory, site_of, history):
    plain = member_factory(site=site_of("onnuri-biz"), username="plainone1")
    response = api.get(EXPORT, **bearer_for(plain))
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


# --- cost --------------------------------------------------------------------------------------


@pytest.mark.parametrize("caller", ["master", "staff"])
def test_the_export_costs_the_same_queries_for_5_and_50_purchases(
    api, master, staff, caller, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    member = master.member if caller == "master" else staff
    purchases_bulk(master, 5)
    api.get(EXPORT, **bearer_for(member))  # warm the per-process caches (the site)
    with CaptureQueriesContext(connection) as five:
        assert len(exported(api, member)) == 5
    purchases_bulk(master, 45, created_at=timezone.now() - dt.timedelta(hours=1))
    with django_assert_num_queries(len(five)):
        assert len(exported(api, member)) == 50


# --- the contract ------------------------------------------------------------------------------


def test_the_schema_documents_an_excel_file_and_the_lists_filters():
    paths = yaml.safe_load((BASE_DIR / "schema.yml").read_text())["paths"]
    operation = paths["/api/v1/sites/{site}/purchases/export/"]["get"]
    assert operation["responses"]["200"]["content"] == {
        XLSX: {"schema": {"type": "string", "format": "binary"}}
    }
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"period", "date_from", "date_to", "status", "corporate", "ordering"} <= names
    assert "page" not in names
