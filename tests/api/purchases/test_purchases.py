"""Purchases over HTTP: request amounts and discounts, cancel, approve, refund, documents,
history, dashboard and scoping (SPEC §7.3, §8; manual 004 §2.1–2.2)."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from domain.messaging.backends import locmem
from domain.purchases.models import Purchase, PurchaseEvent
from tests.conftest import bearer_for, error_codes
from tests.factories.corporates import manager_create
from tests.factories.purchases import purchases_bulk

from . import URL, post, request_purchase

pytestmark = pytest.mark.django_db

Status = Purchase.Status


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    locmem.outbox.clear()
    yield
    locmem.outbox.clear()


@pytest.fixture
def corporate(master):
    return master.corporate


@pytest.fixture
def general(corporate):
    return manager_create(corporate=corporate, username="general01", role="general")


def terms(corporate, rate="5.00", discount_limit=50_000_000, purchase_limit=1_000_000_000):
    corporate.discount_rate = Decimal(rate)
    corporate.monthly_discount_limit = discount_limit
    corporate.monthly_purchase_limit = purchase_limit
    corporate.save()


# --- request -----------------------------------------------------------------------------------


def test_two_million_at_five_percent_asks_one_million_nine_hundred_thousand(api, master):
    terms(master.corporate, rate="5.00")
    response = request_purchase(api, master, 2_000_000)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["discount_rate"] == "5.00"
    assert body["discount_amount"] == 100_000
    assert body["deposit_amount"] == 1_900_000
    assert body["status"] == "pending" and body["balance"] == 0
    assert body["receiving_account"] == {
        "bank": "케이뱅크",
        "number": "700100",
        "holder": "비씨카드",
    }
    assert body["depositor_account"] == "700100*****"  # the account in use, masked
    assert body["depositor_bank_name"] == "케이뱅크"
    assert "*" in body["depositor"]
    assert body["documents_required"] is False and body["required_documents"] == []
    purchase = Purchase.objects.get()
    assert purchase.requested_by == master.member
    assert list(purchase.events.values_list("type", flat=True)) == ["requested"]


def test_discount_applies_only_up_to_the_remaining_discount_limit(api, master, general):
    terms(master.corporate, rate="10.00", discount_limit=2_000_000)
    assert request_purchase(api, master, 1_000_000).json()["discount_amount"] == 100_000
    # 1,000,000 of discount limit left: 1,000,000 at 10 %, 2,000,000 at full price.
    body = request_purchase(api, general, 3_000_000).json()
    assert body["discount_amount"] == 100_000
    assert body["deposit_amount"] == 2_900_000


def test_discount_is_floored_to_whole_won(api, master):
    terms(master.corporate, rate="3.33")
    body = request_purchase(api, master, 1_000).json()
    assert body["discount_amount"] == 33  # 33.3 → 33
    assert body["deposit_amount"] == 967


@pytest.mark.parametrize(
    "amount,code",
    [
        (0, "invalid_purchase_amount"),
        (-1000, "invalid_purchase_amount"),
        (1500, "invalid_purchase_amount"),
        ("12.5", "invalid"),  # not whole won: DRF's integer field
        (10**15 + 1_000, "max_value"),  # past WON_MAX: no column or sum overflows
        (2**70, "max_value"),
    ],
)
def test_amounts_not_positive_thousands_are_coded_400s(api, master, amount, code):
    response = request_purchase(api, master, amount)
    assert response.status_code == 400
    assert error_codes(response) == [code]
    assert not Purchase.objects.exists()


def test_zero_negative_and_1500_say_invalid_purchase_amount_in_english(api, master):
    for amount in (0, -1000, 1500):
        response = api.post(
            URL,
            {"amount": amount},
            format="json",
            HTTP_ACCEPT_LANGUAGE="en",
            **bearer_for(master.member),
        )
        assert response.status_code == 400
        assert error_codes(response) == ["invalid_purchase_amount"]


def test_above_the_monthly_purchase_limit_is_refused_with_the_remaining_amount(api, master):
    terms(master.corporate, purchase_limit=5_000_000)
    assert request_purchase(api, master, 3_000_000).status_code == 201
    response = request_purchase(api, master, 3_000_000)
    assert response.status_code == 400
    assert error_codes(response) == ["monthly_limit_exceeded"]
    assert response.json()["errors"][0]["remaining"] == 2_000_000
    assert "2,000,000원" in response.json()["errors"][0]["detail"]  # Korean by default
    assert request_purchase(api, master, 2_000_000).status_code == 201


def test_cancelled_purchases_give_the_limit_back_and_last_month_does_not_count(api, master):
    terms(master.corporate, purchase_limit=5_000_000)
    with time_machine.travel(
        dt.datetime(2026, 10, 31, 23, 0, tzinfo=timezone.get_current_timezone())
    ):
        assert request_purchase(api, master, 5_000_000).status_code == 201
    with time_machine.travel(
        dt.datetime(2026, 11, 1, 0, 30, tzinfo=timezone.get_current_timezone())
    ):
        first = request_purchase(api, master, 5_000_000).json()
        assert error_codes(request_purchase(api, master, 1_000)) == ["monthly_limit_exceeded"]
        assert post(api, master.member, first["id"], "cancel").status_code == 200
        assert request_purchase(api, master, 5_000_000).status_code == 201


def test_a_company_without_an_account_in_use_cannot_request(api, master):
    master.corporate.bank_accounts.update(status="deleted")
    response = request_purchase(api, master, 1_000_000)
    assert response.status_code == 409
    assert error_codes(response) == ["no_account_in_use"]


def test_staff_cannot_request_a_purchase(api, staff):
    response = api.post(URL, {"amount": 1_000}, format="json", **bearer_for(staff))
    assert response.status_code == 404


# --- the deposit deadline ----------------------------------------------------------------------


def seoul(*args):
    return dt.datetime(*args, tzinfo=timezone.get_current_timezone())


@pytest.mark.parametrize(
    "now,deadline",
    [
        (seoul(2026, 11, 18, 10, 0), "2026-11-18T15:00:00+09:00"),  # Wednesday morning
        (seoul(2026, 11, 20, 18, 0), "2026-11-23T15:00:00+09:00"),  # Friday evening → Monday
        (seoul(2026, 11, 21, 10, 0), "2026-11-23T15:00:00+09:00"),  # Saturday → Monday
        # 16:00 the day before Chuseok's eve (Wed 23 Sep 2026): Thu–Sat are Chuseok, Sunday
        # follows; the next business day is Monday 28 September.
        (seoul(2026, 9, 23, 16, 0), "2026-09-28T15:00:00+09:00"),
        # 2027: Chuseok Tue 14 – Thu 16 September → Friday 17 September.
        (seoul(2027, 9, 13, 16, 0), "2027-09-17T15:00:00+09:00"),
    ],
)
def test_the_deadline_skips_weekends_and_korean_public_holidays(api, master, now, deadline):
    with time_machine.travel(now):
        response = request_purchase(api, master, 1_000_000)
    assert response.status_code == 201
    assert response.json()["deposit_deadline"] == deadline


# --- large purchases ---------------------------------------------------------------------------


def test_ten_million_needs_documents_before_approval(api, master, staff):
    below = request_purchase(api, master, 9_999_000).json()
    assert below["documents_required"] is False
    body = request_purchase(api, master, 10_000_000).json()
    assert body["documents_required"] is True
    assert [d["code"] for d in body["required_documents"]] == [
        "agent_id_copy",
        "corporate_registry",
        "seal_certificate",
        "power_of_attorney",
    ]
    refused = post(api, staff, body["id"], "approve")
    assert refused.status_code == 409
    assert error_codes(refused) == ["documents_missing"]
    assert Purchase.objects.get(pk=body["id"]).status == Status.PENDING
    received = post(api, staff, body["id"], "documents-received")
    assert received.status_code == 200 and received.json()["documents_received_at"]
    approved = post(api, staff, body["id"], "approve")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    not_needed = post(api, staff, below["id"], "documents-received")
    assert error_codes(not_needed) == ["documents_not_required"]


# --- cancel, approve, refund -------------------------------------------------------------------


def test_cancel_while_pending_then_a_second_cancel_is_409(api, master):
    purchase = request_purchase(api, master, 1_000_000).json()
    first = post(api, master.member, purchase["id"], "cancel")
    assert first.status_code == 200 and first.json()["status"] == "cancelled"
    second = post(api, master.member, purchase["id"], "cancel")
    assert second.status_code == 409
    assert error_codes(second) == ["invalid_transition"]


def test_approve_sets_the_balance_a_five_year_expiry_and_texts_the_requester(
    api, master, general, staff, django_capture_on_commit_callbacks
):
    purchase = request_purchase(api, general, 2_000_000).json()
    with (
        time_machine.travel(seoul(2026, 11, 25, 10, 44), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = post(api, staff, purchase["id"], "approve")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "approved"
    assert body["balance"] == 2_000_000
    assert body["expires_at"] == "2031-11-25T10:44:00+09:00"
    assert [m.to for m in locmem.outbox] == [general.member.mobile]
    assert "2,000,000원" in locmem.outbox[0].body
    event = PurchaseEvent.objects.get(purchase_id=purchase["id"], type="approved")
    assert (event.old_status, event.new_status) == ("pending", "approved")
    assert (event.old_balance, event.new_balance) == (0, 2_000_000)
    assert event.actor == staff
    again = post(api, staff, purchase["id"], "approve")
    assert again.status_code == 409 and error_codes(again) == ["invalid_transition"]
    cancel = post(api, general.member, purchase["id"], "cancel")
    assert cancel.status_code == 409


def test_refund_zeroes_the_balance(api, master, staff):
    purchase = request_purchase(api, master, 1_000_000).json()
    post(api, staff, purchase["id"], "approve")
    response = post(api, staff, purchase["id"], "refund")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "refunded"
    assert body["balance"] == 0 and body["refund_amount"] == 1_000_000
    event = PurchaseEvent.objects.get(purchase_id=purchase["id"], type="refunded")
    assert (event.old_balance, event.new_balance) == (1_000_000, 0)


def test_refund_is_refused_while_part_of_the_balance_is_reserved(api, master, staff):
    purchase = request_purchase(api, master, 1_000_000).json()
    post(api, staff, purchase["id"], "approve")
    Purchase.objects.filter(pk=purchase["id"]).update(balance=700_000, reserved=300_000)
    response = post(api, staff, purchase["id"], "refund")
    assert response.status_code == 409
    assert error_codes(response) == ["balance_reserved"]
    assert Purchase.objects.get(pk=purchase["id"]).status == Status.APPROVED


def test_a_pending_purchase_cannot_be_refunded(api, master, staff):
    purchase = request_purchase(api, master, 1_000_000).json()
    response = post(api, staff, purchase["id"], "refund")
    assert response.status_code == 409 and error_codes(response) == ["invalid_transition"]


def test_managers_cannot_approve_or_refund(api, master):
    purchase = request_purchase(api, master, 1_000_000).json()
    for action in ("approve", "refund", "documents-received"):
        assert post(api, master.member, purchase["id"], action).status_code == 404


# --- history and dashboard ---------------------------------------------------------------------


def test_history_filters_by_period_status_and_company(api, master, other_master, staff):
    with time_machine.travel(seoul(2026, 11, 20, 10, 0)):
        old = request_purchase(api, master, 1_000_000).json()
    with time_machine.travel(seoul(2026, 11, 22, 10, 0)):
        today = request_purchase(api, master, 2_000_000).json()
        request_purchase(api, other_master, 3_000_000)
        post(api, master.member, old["id"], "cancel")
        mine = api.get(URL, **bearer_for(master.member)).json()
        assert [row["id"] for row in mine["results"]] == [today["id"], old["id"]]
        assert mine["results"][0]["depositor_account"].endswith("*****")
        only_today = api.get(URL, {"period": "today"}, **bearer_for(master.member)).json()
        assert [row["id"] for row in only_today["results"]] == [today["id"]]
        week = api.get(URL, {"period": "week"}, **bearer_for(master.member)).json()
        assert week["count"] == 2
        yesterday = api.get(URL, {"period": "yesterday"}, **bearer_for(master.member)).json()
        assert yesterday["count"] == 0
        ranged = api.get(
            URL, {"date_from": "2026-11-20", "date_to": "2026-11-21"}, **bearer_for(master.member)
        ).json()
        assert [row["id"] for row in ranged["results"]] == [old["id"]]
        cancelled = api.get(URL, {"status": "cancelled"}, **bearer_for(master.member)).json()
        assert [row["id"] for row in cancelled["results"]] == [old["id"]]
        by_amount = api.get(URL, {"ordering": "amount"}, **bearer_for(master.member)).json()
        assert [row["amount"] for row in by_amount["results"]] == [1_000_000, 2_000_000]
        everyone = api.get(URL, **bearer_for(staff)).json()
        assert everyone["count"] == 3
        company = api.get(URL, {"corporate": master.corporate_id}, **bearer_for(staff)).json()
        assert company["count"] == 2
        # A company filter naming another company shows a manager nothing of it.
        other = api.get(
            URL, {"corporate": other_master.corporate_id}, **bearer_for(master.member)
        ).json()
        assert other["count"] == 0


def test_page_size_is_at_most_100(api, master):
    response = api.get(URL, {"page_size": 500}, **bearer_for(master.member))
    assert response.status_code == 200


@pytest.mark.parametrize("caller", ["master", "staff"])
def test_the_list_costs_the_same_queries_at_page_size_10_and_100(api, master, staff, caller):
    purchases_bulk(master, 120)
    member = master.member if caller == "master" else staff
    api.get(URL, **bearer_for(member))  # warm the per-process caches (the site)
    counts = []
    for size in (10, 100):
        api.credentials()
        with CaptureQueriesContext(connection) as queries:
            response = api.get(URL, {"page_size": size}, **bearer_for(member))
        assert len(response.json()["results"]) == size
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_dashboard_shows_the_four_cards(api, master, staff):
    first = request_purchase(api, master, 1_000_000).json()
    second = request_purchase(api, master, 2_000_000).json()
    last = request_purchase(api, master, 3_000_000).json()
    post(api, staff, first["id"], "approve")
    post(api, staff, second["id"], "approve")
    post(api, staff, second["id"], "refund")
    post(api, master.member, last["id"], "cancel")
    body = api.get(f"{URL}summary/", **bearer_for(master.member)).json()
    assert body["balance"] == 1_000_000
    assert body["last_purchase_amount"] == 2_000_000  # the cancelled one is not a purchase
    assert body["last_purchase_at"] == second["created_at"]
    assert body["approved_total"] == 3_000_000
    assert body["registered_accounts"] == 1


# --- who sees what -----------------------------------------------------------------------------

ID_ENDPOINTS = [
    ("get", ""),
    ("post", "cancel/"),
    ("post", "approve/"),
    ("post", "refund/"),
    ("post", "documents-received/"),
]


@pytest.mark.parametrize("method,suffix", ID_ENDPOINTS)
@pytest.mark.parametrize("caller", ["other_master", "other_general", "other_site", "anonymous"])
def test_nobody_outside_the_company_or_staff_reaches_a_purchase(
    api, master, other_master, member_factory, site_of, method, suffix, caller
):
    purchase = request_purchase(api, master, 1_000_000).json()
    headers = {}
    if caller == "other_master":
        headers = bearer_for(other_master.member)
    elif caller == "other_general":
        general = manager_create(corporate=other_master.corporate, username="othergeneral1")
        headers = bearer_for(general.member)
    elif caller == "other_site":
        headers = bearer_for(member_factory(site=site_of("incheon-water"), username="watermember1"))
    response = getattr(api, method)(f"{URL}{purchase['id']}/{suffix}", **headers)
    if caller == "anonymous":
        assert response.status_code == 401
    else:
        assert response.status_code in (401, 404), response.content
    assert Purchase.objects.get(pk=purchase["id"]).status == Status.PENDING


def test_a_general_admin_of_the_company_sees_and_cancels_its_purchases(api, master, general):
    purchase = request_purchase(api, master, 1_000_000).json()
    assert api.get(f"{URL}{purchase['id']}/", **bearer_for(general.member)).status_code == 200
    assert post(api, general.member, purchase["id"], "cancel").status_code == 200
