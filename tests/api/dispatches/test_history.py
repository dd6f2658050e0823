"""Dispatch history, detail, recipients, dashboard and Excel export over HTTP (SPEC §7.4, §13
masking; manual 004 §3.1 발송현황/발송내역, §3.2 발송내역 상세정보)."""

import datetime as dt
import io

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from domain.dispatches.models import Dispatch, Recipient
from domain.purchases.models import Purchase
from tests.conftest import bearer_for, error_codes
from tests.factories.corporates import corporate_with_master, manager_create
from tests.factories.dispatches import dispatch_make, recipients_of
from tests.factories.purchases import approved_purchase

from .helpers import URL, scheduled, seoul, states

pytestmark = pytest.mark.django_db

Status = Dispatch.Status
Gift = Recipient.Status
EXCEL = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZERO_COUNTS = {
    "waiting": 0,
    "sent": 0,
    "unreceived": 0,
    "received": 0,
    "reclaimed": 0,
    "refused": 0,
    "failed": 0,
    "cancelled": 0,
}


@pytest.fixture
def master():
    return corporate_with_master(username="master01", mobile="01055554444")


@pytest.fixture
def purchase(master):
    return approved_purchase(master, 1_000_000)


@pytest.fixture
def staff(member_factory, site_of):
    return member_factory(site=site_of("onnuri-biz"), username="operator2x", staff=True)


@pytest.fixture
def other_master():
    return corporate_with_master(username="othermaster1", business_number="2208162517")


def get(api, member, path="", **params):
    return api.get(f"{URL}{path}", params, **bearer_for(member))


# --- history -----------------------------------------------------------------------------------


def test_a_history_row_has_the_manuals_columns_counted_per_recipient_state(api, master, purchase):
    dispatch = dispatch_make(
        manager=master, purchase=purchase, recipients=recipients_of(7, amount=5_000)
    )
    states(dispatch, received=1, sent=2, reclaimed=1, refused=1, failed=1, queued=1)
    response = get(api, master.member)
    assert response.status_code == 200, response.content
    row = response.json()["results"][0]
    assert row["number"] == dispatch.pk
    assert (row["status"], row["status_label"]) == ("completed", "완료")
    assert (row["send_type"], row["send_type_label"]) == ("immediate", "즉시발송")
    assert row["title"] == "설 선물"
    assert row["requester"] == "홍길*"  # 신청인, masked (SPEC §13)
    assert row["recipient_count"] == 7 and row["total"] == 35_000  # 발송, 금액
    assert row["counts"] == {
        **ZERO_COUNTS,
        "waiting": 1,
        "sent": 5,  # messages out: unreceived + received + reclaimed + refused
        "unreceived": 2,
        "received": 1,
        "reclaimed": 1,
        "refused": 1,
        "failed": 1,
    }


def test_history_filters_by_period_dates_status_and_send_type(api, master, purchase):
    with time_machine.travel(seoul(2026, 11, 20, 10, 0)):
        old = dispatch_make(manager=master, purchase=purchase, recipients=recipients_of(1))
    with time_machine.travel(seoul(2026, 11, 22, 9, 0)):
        later = scheduled(master, purchase, recipients_of(2))
        now = dispatch_make(manager=master, purchase=purchase, recipients=recipients_of(1))
        states(old, sent=1)

        def ids(**params):
            response = get(api, master.member, **params)
            assert response.status_code == 200, response.content
            return [row["id"] for row in response.json()["results"]]

        assert ids() == [now.pk, later.pk, old.pk]
        assert ids(period="today") == [now.pk, later.pk]
        assert ids(period="yesterday") == []
        assert ids(period="week") == [now.pk, later.pk, old.pk]
        assert ids(date_from="2026-11-20", date_to="2026-11-21") == [old.pk]
        assert ids(status="completed") == [old.pk]
        assert ids(send_type="scheduled") == [later.pk]
        assert ids(send_type="immediate", period="today") == [now.pk]
        refused = get(api, master.member, send_type="later", period="decade")
        assert refused.status_code == 400
        assert sorted(error_codes(refused)) == ["invalid_choice", "invalid_choice"]


def test_staff_see_every_company_of_the_site_and_filter_by_company(
    api, master, purchase, other_master, staff
):
    mine = dispatch_make(manager=master, purchase=purchase, recipients=recipients_of(1))
    theirs = dispatch_make(
        manager=other_master,
        purchase=approved_purchase(other_master, 100_000),
        recipients=recipients_of(1),
    )
    everyone = get(api, staff).json()
    assert [row["id"] for row in everyone["results"]] == [theirs.pk, mine.pk]
    company = get(api, staff, corporate=master.corporate_id).json()
    assert [row["id"] for row in company["results"]] == [mine.pk]
    # A manager naming another company sees nothing of it.
    assert get(api, master.member, corporate=other_master.corporate_id).json()["count"] == 0
    assert [row["id"] for row in get(api, master.member).json()["results"]] == [mine.pk]


@pytest.mark.parametrize("caller", ["master", "staff"])
def test_the_history_costs_the_same_queries_at_page_size_10_and_100(
    api, master, purchase, staff, caller
):
    for index in range(110):
        dispatch = dispatch_make(
            manager=master,
            purchase=purchase,
            recipients=recipients_of(2, amount=1_000, start=index * 2),
        )
        if index % 3 == 0:
            states(dispatch, received=1, sent=1)
    member = master.member if caller == "master" else staff
    get(api, member)  # warm the per-process caches (the site)
    counts = []
    for size in (10, 100):
        api.credentials()
        with CaptureQueriesContext(connection) as queries:
            response = get(api, member, page_size=size)
        assert len(response.json()["results"]) == size
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- detail and recipients ---------------------------------------------------------------------


def test_the_detail_shows_counts_amounts_and_percentages_per_state(api, master, purchase):
    dispatch = scheduled(
        master,
        purchase,
        [
            ("김정호", "01041234190", 10_000),
            ("김현수", "01031234777", 10_000),
            ("서봉길", "01021234947", 5_000),
            ("나희정", "01091234040", 20_000),
            ("안경민", "01041234354", 15_000),
            ("조영희", "01081234189", 10_000),
        ],
    )
    Dispatch.objects.filter(pk=dispatch.pk).update(subject="설 선물", kind="lms")
    states(dispatch, received=1, sent=2, reclaimed=1, refused=1, failed=1)
    response = get(api, master.member, f"{dispatch.pk}/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == dispatch.pk
    assert (body["subject"], body["body"]) == ("설 선물", "설 선물을 보내드립니다.")
    assert body["has_image"] is False
    assert body["purchase"] == purchase.pk
    assert body["recipient_count"] == 6 and body["total"] == 70_000
    assert body["states"]["received"] == {"count": 1, "amount": 10_000, "percent": "16.67"}
    assert body["states"]["unreceived"] == {"count": 2, "amount": 15_000, "percent": "33.33"}
    assert body["states"]["reclaimed"] == {"count": 1, "amount": 20_000, "percent": "16.67"}
    assert body["states"]["refused"] == {"count": 1, "amount": 15_000, "percent": "16.67"}
    assert body["states"]["failed"] == {"count": 1, "amount": 10_000, "percent": "16.67"}
    assert body["states"]["waiting"] == {"count": 0, "amount": 0, "percent": "0.00"}
    assert body["progress"] == {"sent": 5, "failed": 1, "total": 6}
    assert body["editable"] is False  # completed


def test_the_detail_shows_progress_while_sending(api, master, purchase):
    dispatch = dispatch_make(manager=master, purchase=purchase, recipients=recipients_of(4))
    states(dispatch, Status.SENDING, sent=3, sending=1)
    body = get(api, master.member, f"{dispatch.pk}/").json()
    assert body["status"] == "sending"
    assert body["progress"] == {"sent": 3, "failed": 0, "total": 4}
    assert body["states"]["waiting"] == {"count": 1, "amount": 10_000, "percent": "25.00"}


def test_a_pending_scheduled_dispatch_is_editable_and_all_waiting(api, master, purchase):
    dispatch = scheduled(master, purchase, recipients_of(3, amount=25_000))
    body = get(api, master.member, f"{dispatch.pk}/").json()
    assert body["editable"] is True
    assert body["states"]["waiting"] == {"count": 3, "amount": 75_000, "percent": "100.00"}
    immediate = dispatch_make(manager=master, purchase=purchase, recipients=recipients_of(1))
    assert get(api, master.member, f"{immediate.pk}/").json()["editable"] is False


def test_the_recipient_list_is_masked_paginated_and_filtered_by_state(api, master, purchase):
    dispatch = dispatch_make(
        manager=master,
        purchase=purchase,
        recipients=[("김정호", "01041234190", 10_000), ("남궁민수", "01031234777", 5_000)],
    )
    states(dispatch, received=1, sent=1)
    response = get(api, master.member, f"{dispatch.pk}/recipients/")
    assert response.status_code == 200, response.content
    rows = response.json()["results"]
    assert [(r["number"], r["name"], r["mobile"], r["amount"], r["status"]) for r in rows] == [
        (2, "남궁**", "0103****777", 5_000, "sent"),
        (1, "김정*", "0104****190", 10_000, "received"),
    ]
    assert rows[0]["status_label"] == "미수령"
    assert "01041234190" not in response.content.decode()
    unreceived = get(api, master.member, f"{dispatch.pk}/recipients/", status="sent").json()
    assert [r["number"] for r in unreceived["results"]] == [2]


@pytest.mark.parametrize("caller", ["master", "staff"])
def test_the_recipient_list_costs_the_same_queries_at_page_size_10_and_100(
    api, master, purchase, staff, caller
):
    dispatch = dispatch_make(
        manager=master, purchase=purchase, recipients=recipients_of(120, amount=1_000)
    )
    member = master.member if caller == "master" else staff
    path = f"{dispatch.pk}/recipients/"
    get(api, member, path)
    counts = []
    for size in (10, 100):
        api.credentials()
        with CaptureQueriesContext(connection) as queries:
            response = get(api, member, path, page_size=size)
        assert len(response.json()["results"]) == size
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- dashboard ---------------------------------------------------------------------------------


def test_the_dashboard_shows_the_four_cards(api, master, purchase):
    expired = approved_purchase(master, 500_000)
    Purchase.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    with time_machine.travel(seoul(2026, 11, 20, 10, 0), tick=False):
        first = dispatch_make(manager=master, purchase=purchase, recipients=recipients_of(3))
        states(first, received=1, sent=1, failed=1)
    with time_machine.travel(seoul(2026, 11, 30, 18, 35), tick=False):
        last = dispatch_make(manager=master, purchase=purchase, recipients=recipients_of(2))
        states(last, sent=1, refused=1)
    scheduled(master, purchase, recipients_of(2))  # 발송예약
    cancelled = scheduled(master, purchase, recipients_of(1))
    api.post(f"{URL}{cancelled.pk}/cancel/", **bearer_for(master.member))
    dispatch_make(manager=master, purchase=purchase, recipients=recipients_of(1))  # not started
    response = get(api, master.member, "summary/")
    assert response.status_code == 200, response.content
    body = response.json()
    purchase.refresh_from_db()
    assert body["sendable_balance"] == purchase.balance == 1_000_000 - 80_000
    assert body["scheduled_count"] == 1
    assert body["last_dispatch_count"] == 2
    assert body["last_dispatch_at"] == "2026-11-30T18:35:00+09:00"
    assert body["cumulative_count"] == 4  # gifts whose message went out (not the failed one)


def test_an_empty_dashboard(api, master):
    body = get(api, master.member, "summary/").json()
    assert body == {
        "sendable_balance": 0,
        "scheduled_count": 0,
        "last_dispatch_count": None,
        "last_dispatch_at": None,
        "cumulative_count": 0,
    }


def test_staff_read_the_dashboard_of_the_site_or_of_one_company(
    api, master, purchase, other_master, staff
):
    scheduled(master, purchase)
    scheduled(other_master, approved_purchase(other_master, 100_000))
    assert get(api, staff, "summary/").json()["scheduled_count"] == 2
    one = get(api, staff, "summary/", corporate=master.corporate_id).json()
    assert one["scheduled_count"] == 1
    assert one["sendable_balance"] == 1_000_000 - 30_000


# --- export ------------------------------------------------------------------------------------

HEADERS = [
    "번호",
    "상태",
    "발송타입",
    "등록일자",
    "발송일시",
    "타이틀",
    "신청인",
    "발송",
    "수령",
    "미수령",
    "회수",
    "고객거절",
    "금액",
]


def workbook_rows(response) -> list[tuple]:
    assert response.status_code == 200
    assert response["Content-Type"] == EXCEL
    assert "attachment" in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).active
    return list(sheet.iter_rows(values_only=True))


def local(stamp: str) -> dt.datetime:
    return dt.datetime.fromisoformat(stamp).replace(tzinfo=None)


def as_exported(row: dict) -> tuple:
    counts = row["counts"]
    return (
        row["number"],
        row["status_label"],
        row["send_type_label"],
        local(row["created_at"]).replace(hour=0, minute=0, second=0, microsecond=0),
        local(row["scheduled_at"]).replace(second=0, microsecond=0),
        row["title"],
        row["requester"],
        row["recipient_count"],
        counts["received"],
        counts["unreceived"],
        counts["reclaimed"],
        counts["refused"],
        row["total"],
    )


def test_the_export_matches_the_history_row_for_row(api, master, purchase):
    with time_machine.travel(seoul(2026, 11, 20, 10, 0)):
        done = dispatch_make(manager=master, purchase=purchase, recipients=recipients_of(4))
        states(done, received=1, sent=1, reclaimed=1, refused=1)
    with time_machine.travel(seoul(2026, 11, 22, 9, 0)):
        scheduled(master, purchase, recipients_of(2), title="예약 선물")
        dispatch_make(manager=master, purchase=purchase, recipients=recipients_of(1))
        listed = get(api, master.member, page_size=100).json()["results"]
        rows = workbook_rows(get(api, master.member, "export/"))
        assert list(rows[0]) == HEADERS
        assert rows[1:] == [as_exported(row) for row in listed]
        assert rows[3][1:3] == ("완료", "즉시발송")
        assert rows[3][8:13] == (1, 1, 1, 1, 40_000)
        # The same filters as the history.
        scheduled_only = get(api, master.member, send_type="scheduled").json()["results"]
        rows = workbook_rows(get(api, master.member, "export/", send_type="scheduled"))
        assert rows[1:] == [as_exported(row) for row in scheduled_only]
        assert len(rows) == 2


def test_staff_export_every_company_or_one(api, master, purchase, other_master, staff):
    dispatch_make(manager=master, purchase=purchase, recipients=recipients_of(1))
    dispatch_make(
        manager=other_master,
        purchase=approved_purchase(other_master, 100_000),
        recipients=recipients_of(1),
    )
    assert len(workbook_rows(get(api, staff, "export/"))) == 3
    assert len(workbook_rows(get(api, staff, "export/", corporate=master.corporate_id))) == 2


def test_an_empty_export_has_the_headers(api, master):
    assert workbook_rows(get(api, master.member, "export/")) == [tuple(HEADERS)]


# --- who sees what -----------------------------------------------------------------------------

COLLECTION_ENDPOINTS = ["", "summary/", "export/"]
ID_ENDPOINTS = [
    ("get", ""),
    ("get", "recipients/"),
    ("patch", ""),
    ("post", "recipients/remove/"),
    ("post", "cancel/"),
]


@pytest.mark.parametrize("path", COLLECTION_ENDPOINTS)
def test_anonymous_callers_get_401_on_the_collection(api, path):
    assert api.get(f"{URL}{path}").status_code == 401


@pytest.mark.parametrize("method,suffix", ID_ENDPOINTS)
@pytest.mark.parametrize("caller", ["other_master", "other_general", "other_site", "anonymous"])
def test_nobody_outside_the_company_reaches_a_dispatch(
    api, master, purchase, other_master, member_factory, site_of, method, suffix, caller
):
    dispatch = scheduled(master, purchase)
    recipient = dispatch.recipients.first()
    headers = {}
    if caller == "other_master":
        headers = bearer_for(other_master.member)
    elif caller == "other_general":
        general = manager_create(corporate=other_master.corporate, username="othergeneral1")
        headers = bearer_for(general.member)
    elif caller == "other_site":
        headers = bearer_for(member_factory(site=site_of("incheon-water"), username="watermember1"))
    data = {"recipients": [recipient.pk]} if suffix == "recipients/remove/" else {"title": "x"}
    response = getattr(api, method)(f"{URL}{dispatch.pk}/{suffix}", data, format="json", **headers)
    if caller == "anonymous":
        assert response.status_code == 401
    elif caller == "other_site":
        assert response.status_code in (401, 404), response.content
    else:
        assert response.status_code == 404, response.content
        assert error_codes(response) == ["dispatch_not_found"]
    dispatch.refresh_from_db()
    assert (dispatch.status, dispatch.title, dispatch.recipient_count) == ("pending", "설 선물", 3)


@pytest.mark.parametrize("suffix", ["", "recipients/"])
def test_staff_read_a_dispatch_of_any_company(api, master, purchase, staff, suffix):
    dispatch = scheduled(master, purchase)
    assert get(api, staff, f"{dispatch.pk}/{suffix}").status_code == 200


@pytest.mark.parametrize("method,suffix", [m for m in ID_ENDPOINTS if m[0] != "get"])
def test_staff_cannot_change_a_dispatch(api, master, purchase, staff, method, suffix):
    dispatch = scheduled(master, purchase)
    recipient = dispatch.recipients.first()
    data = {"recipients": [recipient.pk]} if suffix == "recipients/remove/" else {"title": "x"}
    response = getattr(api, method)(
        f"{URL}{dispatch.pk}/{suffix}", data, format="json", **bearer_for(staff)
    )
    assert response.status_code == 404
    dispatch.refresh_from_db()
    assert (dispatch.status, dispatch.title) == ("pending", "설 선물")


def test_an_unknown_dispatch_is_dispatch_not_found(api, master):
    response = get(api, master.member, "999999/")
    assert response.status_code == 404
    assert error_codes(response) == ["dispatch_not_found"]
