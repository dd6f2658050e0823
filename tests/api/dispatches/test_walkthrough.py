"""A dispatch from the Excel upload to each recipient's outcome, over HTTP (SPEC
§7.4; manual 004 §3.1–3.3): upload → create (scheduled) → edit → the
worker sends at the time → receive, refuse and reclaim → counts and balances add up. The gift
app's callbacks use the codes the worker really texted (read from the locmem backend)."""

import datetime as dt
import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from domain.dispatches.models import Dispatch, Recipient
from domain.messaging.backends import locmem
from domain.purchases.models import Purchase
from tests.conftest import bearer_for, error_codes
from tests.factories.corporates import corporate_with_master
from tests.factories.dispatches import dispatch_send_token
from tests.factories.gifts import gift_callback
from tests.factories.purchases import approved_purchase
from tests.factories.spreadsheets import xlsx_bytes
from workers.dispatches import send_due_dispatches

pytestmark = pytest.mark.django_db

SITE = "onnuri-biz"
URL = f"/api/v1/sites/{SITE}/dispatches/"
PEOPLE = [
    ("김정수", "010-1111-0001", 10_000),
    ("이영희", "010-1111-0002", 20_000),
    ("박민수", "010-1111-0003", 30_000),
    ("최지우", "010-1111-0004", 40_000),
    ("정하늘", "010-1111-0005", 50_000),
]


def books(purchase: Purchase) -> tuple[int, int]:
    purchase.refresh_from_db()
    return purchase.balance, purchase.reserved


def codes_texted() -> dict[str, str]:
    """mobile → the claim code in the link the worker texted to it."""
    return {m.to: re.search(r"/([a-z2-7]{16})$", m.body).group(1) for m in locmem.outbox}


def test_upload_create_edit_send_at_the_time_then_receive_refuse_and_reclaim(api):
    master = corporate_with_master(username="master01", mobile="01055554444")
    auth = bearer_for(master.member)
    purchase = approved_purchase(master, 1_000_000)
    locmem.outbox.clear()

    # 1. The Excel upload (manual 004 §3.1 엑셀 업로드).
    upload = api.post(
        f"{URL}recipients/upload/",
        {"file": SimpleUploadedFile("받는고객.xlsx", xlsx_bytes(PEOPLE))},
        format="multipart",
        **auth,
    )
    assert upload.status_code == 201, upload.json()
    assert (upload.json()["count"], upload.json()["total"]) == (5, 150_000)

    # 2. A scheduled dispatch from the upload, tomorrow at 09:00 Seoul time.
    at = (timezone.localtime() + dt.timedelta(days=1)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    created = api.post(
        URL,
        {
            "title": "창립기념 선물",
            "send_type": "scheduled",
            "scheduled_at": at.isoformat(),
            "subject": "",
            "body": "창립기념 선물입니다.",
            "upload": upload.json()["id"],
            "verification_token": dispatch_send_token(master),
        },
        format="json",
        **auth,
    )
    assert created.status_code == 201, created.json()
    dispatch_id = created.json()["id"]
    assert books(purchase) == (850_000, 150_000)

    # 3. Before sending: the title and the body change, one recipient is taken off.
    edited = api.patch(f"{URL}{dispatch_id}/", {"title": "창립 20주년 선물"}, format="json", **auth)
    assert edited.status_code == 200, edited.json()
    fifth = Recipient.objects.get(dispatch_id=dispatch_id, mobile="01011110005")
    removed = api.post(
        f"{URL}{dispatch_id}/recipients/remove/", {"recipients": [fifth.pk]}, format="json", **auth
    )
    assert removed.status_code == 200, removed.json()
    assert books(purchase) == (900_000, 100_000)

    # 4. The worker's periodic job does nothing before the time, and sends at it.
    with time_machine.travel(at - dt.timedelta(minutes=1)):
        send_due_dispatches()
    assert locmem.outbox == []
    with time_machine.travel(at + dt.timedelta(seconds=30)):
        send_due_dispatches()
    detail = api.get(f"{URL}{dispatch_id}/", **auth).json()
    assert detail["status"] == "completed"
    assert detail["title"] == "창립 20주년 선물"
    codes = codes_texted()
    assert sorted(codes) == ["01011110001", "01011110002", "01011110003", "01011110004"]
    assert all(m.body.startswith("창립기념 선물입니다.\n") for m in locmem.outbox)
    assert books(purchase) == (900_000, 0)  # 100,000 went out as gifts

    # 5. The gift app: one received, one refused (its amount returns); the company reclaims one.
    assert gift_callback(api, codes["01011110001"], "receive").status_code == 200
    assert gift_callback(api, codes["01011110002"], "refuse").status_code == 200
    assert books(purchase) == (920_000, 0)
    third = Recipient.objects.get(dispatch_id=dispatch_id, mobile="01011110003")
    reclaimed = api.post(
        f"{URL}{dispatch_id}/reclaim/", {"recipients": [third.pk]}, format="json", **auth
    )
    assert reclaimed.status_code == 200, reclaimed.json()
    assert books(purchase) == (950_000, 0)
    # A reclaimed gift is gone from the app; a received one cannot be refused afterwards.
    gone = gift_callback(api, codes["01011110003"], "receive")
    assert (gone.status_code, error_codes(gone)) == (404, ["gift_not_found"])
    decided = gift_callback(api, codes["01011110001"], "refuse")
    assert (decided.status_code, error_codes(decided)) == (409, ["gift_already_decided"])

    # 6. Counts and money add up: in the detail, the history and the books.
    detail = api.get(f"{URL}{dispatch_id}/", **auth).json()
    states = {name: (s["count"], s["amount"]) for name, s in detail["states"].items()}
    assert states["received"] == (1, 10_000)
    assert states["refused"] == (1, 20_000)
    assert states["reclaimed"] == (1, 30_000)
    assert states["unreceived"] == (1, 40_000)
    row = api.get(URL, **auth).json()["results"][0]
    assert row["id"] == dispatch_id
    assert (row["recipient_count"], row["total"]) == (4, 100_000)
    counts = row["counts"]
    assert (counts["received"], counts["refused"], counts["reclaimed"], counts["unreceived"]) == (
        1,
        1,
        1,
        1,
    )
    still_out = sum(
        Recipient.objects.filter(
            dispatch_id=dispatch_id, status__in=[Recipient.Status.SENT, Recipient.Status.RECEIVED]
        ).values_list("amount", flat=True)
    )
    balance, reserved = books(purchase)
    assert balance + reserved + still_out == purchase.amount == 1_000_000
    assert Dispatch.objects.get(pk=dispatch_id).status == Dispatch.Status.COMPLETED


def test_an_immediate_dispatch_cannot_be_edited(api):
    master = corporate_with_master(username="master02", mobile="01055553333")
    approved_purchase(master, 100_000)
    auth = bearer_for(master.member)
    created = api.post(
        URL,
        {
            "title": "즉시 선물",
            "send_type": "immediate",
            "body": "선물입니다.",
            "recipients": [{"name": "김정수", "mobile": "01011110001", "amount": 10_000}],
            "verification_token": dispatch_send_token(master),
        },
        format="json",
        **auth,
    )
    assert created.status_code == 201, created.json()
    edited = api.patch(f"{URL}{created.json()['id']}/", {"title": "바꿈"}, format="json", **auth)
    assert (edited.status_code, error_codes(edited)) == (409, ["dispatch_not_editable"])


def test_a_scheduled_dispatch_past_its_purchases_expiry_fails_and_its_money_is_released(api):
    """SPEC §7.3, §7.4: an expired purchase's balance is not usable. A time after the end of
    the purchase's five years is refused at creation; a dispatch due just before it whose
    sending comes only after it (the worker was down) sends nothing: it fails with a coded
    reason, its reservation goes back to the (expired) purchase, nothing is spent."""
    master = corporate_with_master(username="master03", mobile="01055552222")
    auth = bearer_for(master.member)
    purchase = approved_purchase(master, 100_000)
    expiry = timezone.localtime(purchase.expires_at)

    def schedule(at: dt.datetime):
        return api.post(
            URL,
            {
                "title": "5년 뒤 선물",
                "send_type": "scheduled",
                "scheduled_at": at.isoformat(),
                "body": "선물입니다.",
                "recipients": [
                    {"name": "김정수", "mobile": "01011110001", "amount": 10_000},
                    {"name": "이영희", "mobile": "01011110002", "amount": 20_000},
                ],
                "verification_token": dispatch_send_token(master),
            },
            format="json",
            **auth,
        )

    too_late = schedule(expiry + dt.timedelta(hours=1))
    assert error_codes(too_late) == ["scheduled_at_after_purchase_expiry"]
    assert books(purchase) == (100_000, 0)
    created = schedule((expiry - dt.timedelta(minutes=2)).replace(second=0, microsecond=0))
    assert created.status_code == 201, created.json()
    dispatch_id = created.json()["id"]
    assert books(purchase) == (70_000, 30_000)
    locmem.outbox.clear()

    with time_machine.travel(expiry + dt.timedelta(seconds=30)):  # the worker comes back late
        send_due_dispatches()
    assert locmem.outbox == []
    assert books(purchase) == (100_000, 0)  # released, not spent; unusable now
    assert not purchase.events.filter(type="spent").exists()

    detail = api.get(f"{URL}{dispatch_id}/", **auth)
    assert detail.status_code == 200, detail.json()
    body = detail.json()
    assert (body["status"], body["failure_reason"]) == ("failed", "purchase_expired")
    assert body["states"]["failed"] == {"count": 2, "amount": 30_000, "percent": "100.00"}
    assert body["progress"] == {"sent": 0, "failed": 2, "total": 2}
    english = api.get(f"{URL}{dispatch_id}/", HTTP_ACCEPT_LANGUAGE="en", **auth).json()
    assert english["failure_reason_label"] == "The purchase expired before the sending time"
    assert body["failure_reason_label"] == "발송 시각 전에 구매 유효기간이 끝남"
    listed = api.get(URL, {"status": "failed"}, **auth).json()["results"]
    assert [row["id"] for row in listed] == [dispatch_id]
