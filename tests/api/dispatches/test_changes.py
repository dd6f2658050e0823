"""Changing a scheduled dispatch before it is sent: title, time, subject, body; removing
recipients (their amount returned); cancelling (all returned). An immediate one, or one already
sending, cannot be changed (SPEC §7.4; manual 004 §3.2 예약발송 변경)."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from domain.dispatches.models import Dispatch, DispatchEvent, Recipient
from domain.purchases.models import Purchase, PurchaseEvent
from tests.conftest import bearer_for, error_codes
from tests.factories.corporates import corporate_with_master, manager_create
from tests.factories.dispatches import dispatch_make, recipients_of
from tests.factories.purchases import approved_purchase

from .helpers import URL, scheduled, seoul, states

pytestmark = pytest.mark.django_db

Status = Dispatch.Status
Gift = Recipient.Status
APPROVED = 1_000_000


@pytest.fixture
def master():
    return corporate_with_master(username="master01", mobile="01055554444")


@pytest.fixture
def general(master):
    return manager_create(corporate=master.corporate, username="general01")


@pytest.fixture
def purchase(master):
    return approved_purchase(master, APPROVED)


def patch(api, member, dispatch, **data):
    return api.patch(f"{URL}{dispatch.pk}/", data, format="json", **bearer_for(member))


def remove(api, member, dispatch, ids):
    return api.post(
        f"{URL}{dispatch.pk}/recipients/remove/",
        {"recipients": ids},
        format="json",
        **bearer_for(member),
    )


def cancel(api, member, dispatch):
    return api.post(f"{URL}{dispatch.pk}/cancel/", **bearer_for(member))


def books(purchase: Purchase) -> tuple[int, int]:
    """(balance, reserved); with nothing sent, balance + reserved is the approved amount."""
    purchase.refresh_from_db()
    assert purchase.balance + purchase.reserved == purchase.amount
    return purchase.balance, purchase.reserved


def events(dispatch) -> list[str]:
    return list(DispatchEvent.objects.filter(dispatch=dispatch).values_list("type", flat=True))


# --- editing the message and the time ----------------------------------------------------------


def test_a_scheduled_dispatch_changes_title_time_subject_and_body(api, master, purchase):
    dispatch = scheduled(master, purchase)
    assert dispatch.kind == "sms"
    later = timezone.localtime() + dt.timedelta(days=3)
    response = patch(
        api,
        master.member,
        dispatch,
        title="설 선물 (변경)",
        scheduled_at=later.isoformat(),
        subject="설 인사",
        body="새해 복 많이 받으세요.",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "설 선물 (변경)"
    assert body["scheduled_at"] == later.isoformat()
    assert (body["subject"], body["body"]) == ("설 인사", "새해 복 많이 받으세요.")
    assert body["kind"] == "lms"  # a subject is carried by LMS only (SPEC §13)
    assert body["editable"] is True
    dispatch.refresh_from_db()
    assert dispatch.scheduled_at == later and dispatch.kind == "lms"
    event = DispatchEvent.objects.get(dispatch=dispatch, type="edited")
    assert event.actor == master.member
    assert sorted(event.parameters["changed"]) == ["body", "scheduled_at", "subject", "title"]
    assert books(purchase) == (APPROVED - 30_000, 30_000)  # no money moves


def test_the_kind_follows_the_new_body(api, master, purchase, settings):
    settings.GIFT_URL_BASE = "https://g.kr"  # links of 29 characters: short bodies stay SMS
    dispatch = scheduled(master, purchase)
    long = patch(api, master.member, dispatch, body="가" * 41)
    assert long.json()["kind"] == "lms"  # over 40 characters
    short = patch(api, master.member, dispatch, body="짧은 인사")
    assert short.json()["kind"] == "sms"
    assert events(dispatch) == ["edited", "edited"]


def test_the_kind_after_an_edit_counts_the_gift_link(api, master, purchase, settings):
    """As at creation: the recipients' text is the body and the claim link (SPEC §13)."""
    settings.GIFT_URL_BASE = "https://g.kr/"  # a 29-character link
    dispatch = scheduled(master, purchase)
    assert patch(api, master.member, dispatch, body="가" * 10).json()["kind"] == "sms"
    assert patch(api, master.member, dispatch, body="가" * 40).json()["kind"] == "lms"
    dispatch.refresh_from_db()
    assert dispatch.kind == "lms"


def test_a_general_admin_of_the_company_edits_too(api, master, general, purchase):
    dispatch = scheduled(master, purchase)
    assert patch(api, general.member, dispatch, title="변경").status_code == 200


@pytest.mark.parametrize(
    "data,code",
    [
        ({"body": "선물 🎁"}, "unsupported_character"),
        ({"subject": "가" * 21}, "subject_too_long"),
        ({"body": "   "}, "message_empty"),
        ({"body": "a" * 1001}, "max_length"),
        ({"title": ""}, "blank"),
    ],
)
def test_a_bad_message_is_a_coded_400_and_changes_nothing(api, master, purchase, data, code):
    dispatch = scheduled(master, purchase)
    response = patch(api, master.member, dispatch, **data)
    assert response.status_code == 400
    assert error_codes(response) == [code]
    dispatch.refresh_from_db()
    assert (dispatch.body, dispatch.subject, dispatch.kind) == (
        "설 선물을 보내드립니다.",
        "",
        "sms",
    )
    assert events(dispatch) == []


def test_a_time_in_the_past_is_refused(api, master, purchase):
    dispatch = scheduled(master, purchase)
    before = dispatch.scheduled_at
    for moment in (timezone.now() - dt.timedelta(minutes=1), timezone.now()):
        response = patch(api, master.member, dispatch, scheduled_at=moment.isoformat())
        assert response.status_code == 400
        assert error_codes(response) == ["scheduled_at_past"]
    dispatch.refresh_from_db()
    assert dispatch.scheduled_at == before
    assert events(dispatch) == []


def test_a_time_after_the_purchases_expiry_is_refused(api, master, purchase):
    """Its purchase would have expired by then (SPEC §7.3: nothing would be sent)."""
    dispatch = scheduled(master, purchase)
    Purchase.objects.filter(pk=purchase.pk).update(expires_at=timezone.now() + dt.timedelta(days=5))
    later = (timezone.now() + dt.timedelta(days=6)).isoformat()
    response = patch(api, master.member, dispatch, scheduled_at=later)
    assert response.status_code == 400
    assert error_codes(response) == ["scheduled_at_after_purchase_expiry"]
    assert events(dispatch) == []
    earlier = (timezone.now() + dt.timedelta(days=4)).isoformat()
    assert patch(api, master.member, dispatch, scheduled_at=earlier).status_code == 200


# --- not editable ------------------------------------------------------------------------------


def not_editable(api, member, dispatch):
    recipient = dispatch.recipients.order_by("row").first()
    for response in (
        patch(api, member, dispatch, title="변경"),
        remove(api, member, dispatch, [recipient.pk]),
        cancel(api, member, dispatch),
    ):
        assert response.status_code == 409, response.content
        assert error_codes(response) == ["dispatch_not_editable"]


def test_an_immediate_dispatch_cannot_be_changed_or_cancelled(api, master, purchase):
    dispatch = dispatch_make(manager=master, purchase=purchase, recipients=recipients_of(3))
    not_editable(api, master.member, dispatch)
    dispatch.refresh_from_db()
    assert (dispatch.status, dispatch.title, dispatch.recipient_count) == ("pending", "설 선물", 3)
    assert books(purchase) == (APPROVED - 30_000, 30_000)
    assert events(dispatch) == []


@pytest.mark.parametrize("status", [Status.SENDING, Status.COMPLETED])
def test_a_scheduled_dispatch_that_started_sending_cannot_be_changed(api, master, purchase, status):
    dispatch = states(scheduled(master, purchase), status, sent=1)
    not_editable(api, master.member, dispatch)
    assert set(dispatch.recipients.values_list("status", flat=True)) == {"sent", "queued"}


def test_a_scheduled_dispatch_whose_time_has_come_cannot_be_changed(api, master, purchase):
    at = seoul(2026, 12, 1, 9, 0)
    with time_machine.travel(at - dt.timedelta(days=1)):
        dispatch = scheduled(master, purchase, at=at)
    with time_machine.travel(at + dt.timedelta(seconds=1)):
        not_editable(api, master.member, dispatch)  # due: the worker is about to take it


def test_a_cancelled_dispatch_cannot_be_changed_again(api, master, purchase):
    dispatch = scheduled(master, purchase)
    assert cancel(api, master.member, dispatch).status_code == 200
    not_editable(api, master.member, dispatch)
    assert books(purchase) == (APPROVED, 0)


# --- removing recipients -----------------------------------------------------------------------


def test_removing_recipients_returns_their_amount(api, master, purchase):
    dispatch = scheduled(
        master,
        purchase,
        [
            ("김정호", "01041234190", 10_000),
            ("김현수", "01031234777", 20_000),
            ("서봉길", "01021234947", 5_000),
            ("나희정", "01091234040", 15_000),
        ],
    )
    assert books(purchase) == (APPROVED - 50_000, 50_000)
    first, second, third, fourth = dispatch.recipients.order_by("row")
    response = remove(api, master.member, dispatch, [second.pk, third.pk, second.pk])
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "pending"
    assert (body["recipient_count"], body["total"]) == (2, 25_000)
    assert body["states"]["waiting"] == {"count": 2, "amount": 25_000, "percent": "100.00"}
    assert books(purchase) == (APPROVED - 25_000, 25_000)
    assert dict(dispatch.recipients.values_list("pk", "status")) == {
        first.pk: "queued",
        second.pk: "removed",
        third.pk: "removed",
        fourth.pk: "queued",
    }
    event = DispatchEvent.objects.get(dispatch=dispatch, type="recipients_removed")
    assert event.amount == 25_000
    assert sorted(event.parameters["recipients"]) == sorted([second.pk, third.pk])
    assert event.actor == master.member
    released = PurchaseEvent.objects.get(purchase=purchase, type="released")
    assert (released.old_balance, released.new_balance) == (APPROVED - 50_000, APPROVED - 25_000)
    # The recipient list no longer shows them; the history counts what is left.
    listed = api.get(f"{URL}{dispatch.pk}/recipients/", **bearer_for(master.member)).json()
    assert sorted(row["id"] for row in listed["results"]) == sorted([first.pk, fourth.pk])
    row = api.get(URL, **bearer_for(master.member)).json()["results"][0]
    assert (row["recipient_count"], row["total"], row["counts"]["waiting"]) == (2, 25_000, 2)


def test_removing_every_recipient_cancels_the_dispatch(api, master, purchase):
    dispatch = scheduled(master, purchase, recipients_of(3, amount=7_000))
    ids = list(dispatch.recipients.values_list("pk", flat=True))
    response = remove(api, master.member, dispatch, ids)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "cancelled" and body["cancelled_at"]
    assert body["states"]["cancelled"] == {"count": 3, "amount": 21_000, "percent": "100.00"}
    assert books(purchase) == (APPROVED, 0)
    assert events(dispatch) == ["cancelled"]
    assert set(dispatch.recipients.values_list("status", flat=True)) == {"cancelled"}


def test_removing_an_unknown_or_foreign_recipient_changes_nothing(api, master, purchase):
    dispatch = scheduled(master, purchase)
    other = scheduled(master, purchase, recipients_of(1, start=50))
    mine = dispatch.recipients.first()
    for ids in ([mine.pk, other.recipients.get().pk], [mine.pk, 999_999]):
        response = remove(api, master.member, dispatch, ids)
        assert response.status_code == 404
        assert error_codes(response) == ["recipient_not_found"]
    assert remove(api, master.member, dispatch, [mine.pk]).status_code == 200
    again = remove(api, master.member, dispatch, [mine.pk])  # removed already
    assert error_codes(again) == ["recipient_not_found"]
    dispatch.refresh_from_db()
    assert (dispatch.recipient_count, dispatch.total) == (2, 20_000)
    assert books(purchase) == (APPROVED - 30_000, 30_000)


@pytest.mark.parametrize("data", [{}, {"recipients": []}, {"recipients": ["x"]}])
def test_a_remove_without_recipients_is_a_400(api, master, purchase, data):
    dispatch = scheduled(master, purchase)
    response = api.post(
        f"{URL}{dispatch.pk}/recipients/remove/", data, format="json", **bearer_for(master.member)
    )
    assert response.status_code == 400
    assert events(dispatch) == []


# --- cancelling --------------------------------------------------------------------------------


def test_cancelling_returns_everything(api, master, general, purchase):
    dispatch = scheduled(master, purchase, recipients_of(4, amount=12_000))
    keep = scheduled(master, purchase, recipients_of(1, start=10))
    assert books(purchase) == (APPROVED - 58_000, 58_000)
    response = cancel(api, general.member, dispatch)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "cancelled" and body["status_label"] == "취소"
    assert body["editable"] is False
    assert (body["recipient_count"], body["total"]) == (4, 48_000)  # what was cancelled
    assert books(purchase) == (APPROVED - 10_000, 10_000)  # the other dispatch keeps its hold
    event = DispatchEvent.objects.get(dispatch=dispatch)
    assert (event.type, event.old_status, event.new_status) == ("cancelled", "pending", "cancelled")
    assert event.amount == 48_000 and event.actor == general.member
    assert set(dispatch.recipients.values_list("status", flat=True)) == {"cancelled"}
    assert keep.recipients.get().status == "queued"
    summary = api.get(f"{URL}summary/", **bearer_for(master.member)).json()
    assert summary["scheduled_count"] == 1
    assert summary["sendable_balance"] == APPROVED - 10_000


def test_the_whole_flow_keeps_the_books(api, master, purchase):
    """Edit, remove one, remove another, cancel: at every step balance + reserved = approved."""
    dispatch = scheduled(master, purchase, recipients_of(5, amount=3_000))
    ids = list(dispatch.recipients.order_by("row").values_list("pk", flat=True))
    assert patch(api, master.member, dispatch, title="바뀐 제목").status_code == 200
    assert remove(api, master.member, dispatch, [ids[0]]).status_code == 200
    assert books(purchase) == (APPROVED - 12_000, 12_000)
    assert remove(api, master.member, dispatch, ids[1:3]).status_code == 200
    assert books(purchase) == (APPROVED - 6_000, 6_000)
    assert cancel(api, master.member, dispatch).status_code == 200
    assert books(purchase) == (APPROVED, 0)
    assert events(dispatch) == ["edited", "recipients_removed", "recipients_removed", "cancelled"]
    released = PurchaseEvent.objects.filter(purchase=purchase, type="released")
    assert sum(e.new_balance - e.old_balance for e in released) == 15_000
