"""Creating a dispatch over HTTP (POST dispatches/; SPEC §7.4, §13, §14; manual 004 §3.1): the
message, the recipients (inline or an upload), the sender's SMS-code verification, one purchase
chosen by the server and the total reserved on it, in one go."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from domain.dispatches import create as create_module
from domain.dispatches.models import Dispatch, DispatchEvent, Recipient, RecipientUpload
from domain.purchases.models import Purchase, PurchaseEvent, PurchaseEventType
from tests.conftest import bearer_for, error_codes, sms_code_from_outbox
from tests.dispatch_images import image_file
from tests.factories.corporates import corporate_with_master, manager_create
from tests.factories.dispatches import dispatch_send_token, recipients_of
from tests.factories.members import MemberFactory
from tests.factories.purchases import approved_purchase

pytestmark = pytest.mark.django_db

SITE = "onnuri-biz"
URL = f"/api/v1/sites/{SITE}/dispatches/"
MASTER_MOBILE = "01055554444"


@pytest.fixture
def master():
    return corporate_with_master(username="master01", mobile=MASTER_MOBILE)


@pytest.fixture
def general(master):
    return manager_create(
        corporate=master.corporate, username="general01", role="general", mobile="01066667777"
    )


@pytest.fixture
def sent_tasks(monkeypatch):
    """The background jobs enqueued (after commit) by the create service."""
    tasks = []
    monkeypatch.setattr(create_module, "async_task", lambda *args: tasks.append(args))
    return tasks


def rows(count: int, amount: int = 10_000, start: int = 0) -> list[dict]:
    return [
        {"name": name, "mobile": mobile, "amount": value}
        for name, mobile, value in recipients_of(count, amount, start)
    ]


def body(token: str | None, **overrides) -> dict:
    data = {
        "title": "설 선물",
        "send_type": "immediate",
        "subject": "",
        "body": "설 선물을 보내드립니다.",
        "recipients": rows(3),
    }
    if token is not None:
        data["verification_token"] = token
    data.update(overrides)
    return data


def create(api, manager, data: dict, fmt: str = "json", **headers):
    return api.post(URL, data, format=fmt, **bearer_for(manager.member), **headers)


def in_future(**delta) -> str:
    return (timezone.localtime() + dt.timedelta(**delta)).isoformat()


def books(purchase: Purchase) -> tuple[int, int]:
    purchase.refresh_from_db()
    return purchase.balance, purchase.reserved


# --- creating ----------------------------------------------------------------------------------


def test_an_immediate_dispatch_reserves_its_total_and_starts_after_commit(
    api, master, sent_tasks, django_capture_on_commit_callbacks
):
    purchase = approved_purchase(master, 100_000)
    with django_capture_on_commit_callbacks(execute=True):
        response = create(api, master, body(dispatch_send_token(master)))
    assert response.status_code == 201, response.json()
    answer = response.json()
    dispatch = Dispatch.objects.get()
    assert answer["id"] == dispatch.pk
    assert (answer["status"], answer["send_type"]) == ("pending", "immediate")
    assert answer["kind"] == "lms"  # with its link (the default base): over 40 characters
    assert (answer["total"], answer["recipient_count"]) == (30_000, 3)
    assert dispatch.purchase == purchase and dispatch.requested_by == master.member
    assert abs(dispatch.scheduled_at - timezone.now()) < dt.timedelta(minutes=1)
    assert books(purchase) == (70_000, 30_000)
    assert list(dispatch.recipients.values_list("row", "name", "mobile", "amount", "status")) == [
        (1, "수신자0000", "01090000000", 10_000, "queued"),
        (2, "수신자0001", "01090000001", 10_000, "queued"),
        (3, "수신자0002", "01090000002", 10_000, "queued"),
    ]
    event = DispatchEvent.objects.get()
    assert (event.type, event.amount, event.actor) == ("created", 30_000, master.member)
    reserved = PurchaseEvent.objects.get(type=PurchaseEventType.RESERVED)
    assert reserved.parameters["dispatch"] == dispatch.pk
    assert sent_tasks == [("workers.dispatches.dispatch_send", dispatch.pk)]


def test_a_scheduled_dispatch_waits_for_its_time(api, master, sent_tasks):
    approved_purchase(master, 100_000)
    when = in_future(days=1)
    data = body(
        dispatch_send_token(master),
        send_type="scheduled",
        scheduled_at=when,
        subject="설 선물",
        recipients=[
            {"name": "홍길동", "mobile": "010-0000-0000", "amount": "10,000"},
            {"name": "은누리", "mobile": "01011111111", "amount": 50_000},
        ],
    )
    response = create(api, master, data)
    assert response.status_code == 201, response.json()
    answer = response.json()
    assert (answer["send_type"], answer["kind"], answer["total"]) == ("scheduled", "lms", 60_000)
    assert dt.datetime.fromisoformat(answer["scheduled_at"]) == dt.datetime.fromisoformat(when)
    assert sorted(Recipient.objects.values_list("mobile", flat=True)) == [
        "01000000000",
        "01011111111",
    ]
    assert sent_tasks == []  # the due-dispatch job starts it at its time


def test_the_sender_proves_their_own_phone_over_http(
    api, master, sent_tasks, django_capture_on_commit_callbacks
):
    """The whole client flow: an SMS code to the registered mobile, confirmed, then sent."""
    approved_purchase(master, 100_000)
    headers = bearer_for(master.member)
    with django_capture_on_commit_callbacks(execute=True):
        started = api.post(
            f"/api/v1/sites/{SITE}/verifications/",
            {"purpose": "dispatch_send", "method": "sms_code"},
            format="json",
            **headers,
        )
    confirmed = api.post(
        f"/api/v1/sites/{SITE}/verifications/{started.json()['id']}/confirm/",
        {"code": sms_code_from_outbox()},
        format="json",
        **headers,
    )
    token = confirmed.json()["verification_token"]
    assert create(api, master, body(token)).status_code == 201


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("가" * 10, "sms"),  # 40 characters with the link: still an SMS
        ("가" * 11, "lms"),  # 41 with the link
        ("가" * 40, "lms"),  # an SMS on its own (80 bytes, 40 characters), not with the link
    ],
)
def test_the_kind_shown_at_creation_is_the_kind_sent_link_included(
    api, master, sent_tasks, settings, text, kind
):
    """SPEC §13: each recipient's text is the body, a newline and the claim link; the kind is
    that text's. A short link base (13 characters; a link is 29) leaves room for a short SMS."""
    from domain.dispatches.sending import dispatch_send
    from domain.messaging.backends import locmem

    settings.GIFT_URL_BASE = "https://g.kr/"
    approved_purchase(master, 100_000)
    response = create(api, master, body(dispatch_send_token(master), body=text, recipients=rows(1)))
    assert response.status_code == 201, response.json()
    assert response.json()["kind"] == kind
    locmem.reset()
    dispatch_send(dispatch_id=response.json()["id"])
    (message,) = locmem.outbox
    assert len(message.body) == len(text) + 1 + 29
    assert message.kind == kind


def test_a_jpg_makes_an_mms_and_is_kept_privately(api, master, sent_tasks, settings):
    approved_purchase(master, 100_000)
    data = body(dispatch_send_token(master), image=image_file())
    data["recipients"] = json.dumps(data["recipients"])  # multipart: the list as JSON text
    response = create(api, master, data, fmt="multipart")
    assert response.status_code == 201, response.json()
    dispatch = Dispatch.objects.get()
    assert dispatch.kind == "mms" and response.json()["kind"] == "mms"
    assert dispatch.image.startswith("dispatch-images/") and dispatch.image.endswith(".jpg")
    assert (settings.PRIVATE_MEDIA_ROOT / dispatch.image).exists()


def test_a_general_admin_may_create(api, general, sent_tasks):
    approved_purchase(general, 100_000)
    assert create(api, general, body(dispatch_send_token(general))).status_code == 201


# --- which purchase ----------------------------------------------------------------------------


def expiring(purchase: Purchase, days: int) -> Purchase:
    Purchase.objects.filter(pk=purchase.pk).update(
        expires_at=timezone.now() + dt.timedelta(days=days)
    )
    return purchase


def test_the_purchase_expiring_first_among_those_that_cover_the_total_is_drawn_on(
    api, master, sent_tasks
):
    late_big = expiring(approved_purchase(master, 1_000_000), days=300)
    first_small = expiring(approved_purchase(master, 20_000), days=10)  # cannot cover 30,000
    second = expiring(approved_purchase(master, 50_000), days=20)
    third = expiring(approved_purchase(master, 80_000), days=30)
    gone = expiring(approved_purchase(master, 900_000), days=-1)  # expired: never drawn on
    response = create(api, master, body(dispatch_send_token(master)))
    assert response.status_code == 201, response.json()
    assert Dispatch.objects.get().purchase == second
    assert books(second) == (20_000, 30_000)
    for untouched in (late_big, first_small, third, gone):
        assert books(untouched)[1] == 0


def test_a_scheduled_dispatch_draws_on_a_purchase_still_valid_at_its_time(api, master, sent_tasks):
    """An expired purchase's money is not usable (SPEC §7.3): the one expiring first is passed
    over when it expires before the sending time."""
    ends_first = expiring(approved_purchase(master, 100_000), days=2)
    lasts = expiring(approved_purchase(master, 100_000), days=300)
    data = body(dispatch_send_token(master), send_type="scheduled", scheduled_at=in_future(days=3))
    response = create(api, master, data)
    assert response.status_code == 201, response.json()
    assert Dispatch.objects.get().purchase == lasts
    assert books(ends_first) == (100_000, 0)


def test_a_time_after_every_purchases_expiry_is_refused_and_moves_no_money(api, master, sent_tasks):
    purchase = expiring(approved_purchase(master, 100_000), days=2)
    data = body(dispatch_send_token(master), send_type="scheduled", scheduled_at=in_future(days=3))
    response = create(api, master, data)
    assert response.status_code == 400
    assert error_codes(response) == ["scheduled_at_after_purchase_expiry"]
    assert response.json()["errors"][0]["attr"] == "scheduled_at"
    assert books(purchase) == (100_000, 0)
    assert not Dispatch.objects.exists()


def test_the_manuals_split_500000_into_300000_and_200000(api, master, sent_tasks):
    """Manual 004 §3.1 ※ 참고: balances of 300,000 and 200,000 cannot send 500,000 at once."""
    big = approved_purchase(master, 300_000)
    small = approved_purchase(master, 200_000)
    token = dispatch_send_token(master)
    refused = create(api, master, body(token, recipients=rows(5, amount=100_000)))
    assert refused.status_code == 400
    assert error_codes(refused) == ["insufficient_single_purchase_balance"]
    assert refused.json()["errors"][0]["largest_sendable"] == 300_000
    assert "300,000" in refused.json()["errors"][0]["detail"]
    # The refused call used nothing up, its token included.
    first = create(api, master, body(token, recipients=rows(3, amount=100_000)))
    assert first.status_code == 201, first.json()
    second = create(
        api,
        master,
        body(dispatch_send_token(master), recipients=rows(2, amount=100_000, start=10)),
    )
    assert second.status_code == 201, second.json()
    assert books(big) == (0, 300_000) and books(small) == (0, 200_000)
    assert [d.purchase for d in Dispatch.objects.order_by("id")] == [big, small]


def test_another_companys_purchases_are_never_drawn_on(api, master, sent_tasks):
    other = corporate_with_master(username="othermaster1", business_number="2208162517")
    theirs = approved_purchase(other, 1_000_000)
    response = create(api, master, body(dispatch_send_token(master)))
    assert error_codes(response) == ["insufficient_single_purchase_balance"]
    assert response.json()["errors"][0]["largest_sendable"] == 0
    assert books(theirs) == (1_000_000, 0)


# --- refusals: a code, no money moved, nothing written -----------------------------------------


TOKEN = "verification_token"


def assert_nothing_happened(purchase: Purchase, settings) -> None:
    assert books(purchase) == (purchase.amount, 0)
    assert not PurchaseEvent.objects.filter(type=PurchaseEventType.RESERVED).exists()
    assert not Dispatch.objects.exists() and not Recipient.objects.exists()
    assert not DispatchEvent.objects.exists()
    assert not (settings.PRIVATE_MEDIA_ROOT / "dispatch-images").exists()


@pytest.mark.parametrize(
    "overrides,code,attr",
    [
        ({"send_type": "scheduled", "scheduled_at": "PAST"}, "scheduled_at_past", "scheduled_at"),
        ({"send_type": "scheduled"}, "scheduled_at_required", "scheduled_at"),
        ({"body": "설 선물 😀 드립니다"}, "unsupported_character", "body"),
        ({"body": "가" * 1001}, "message_too_long", "body"),
        ({"subject": "가" * 21}, "subject_too_long", "subject"),
        ({"title": " "}, "title_required", "title"),
        ({"title": "가" * 101}, "title_too_long", "title"),
        ({"image": "PNG"}, "unsupported_file_type", "image"),
        ({"image": "400KB"}, "file_too_large", "image"),
        ({"image": "WIDE"}, "image_too_large", "image"),
        ({"recipients": rows(11, amount=100_000)}, "insufficient_single_purchase_balance", None),
        ({"recipients": []}, "no_recipients", "recipients"),
        ({"recipients": rows(10_001, amount=1_000)}, "invalid_recipients", "recipients"),
        (
            {"recipients": [{"name": "", "mobile": "0212345678", "amount": 1500}]},
            "invalid_recipients",
            "recipients",
        ),
        ({"verification_token": "not-a-token"}, "verification_token_invalid", TOKEN),
        ({"verification_token": None}, "verification_token_invalid", TOKEN),
    ],
)
def test_a_refused_dispatch_moves_no_money_and_writes_nothing(
    api, master, sent_tasks, settings, overrides, code, attr
):
    purchase = approved_purchase(master, 1_000_000)
    data = body(dispatch_send_token(master), **overrides)
    fmt = "json"
    if overrides.get("scheduled_at") == "PAST":
        data["scheduled_at"] = in_future(minutes=-1)
    if overrides.get("verification_token", "") is None:
        del data["verification_token"]
    if "image" in overrides:
        data["image"] = {
            "PNG": image_file("gift.png", fmt="PNG"),
            "400KB": image_file(pad_to=400 * 1024),
            "WIDE": image_file(size=(1501, 100)),
        }[overrides["image"]]
        data["recipients"] = json.dumps(data["recipients"])
        fmt = "multipart"
    response = create(api, master, data, fmt=fmt)
    assert response.status_code == 400, response.json()
    assert error_codes(response) == [code]
    assert response.json()["errors"][0]["attr"] == attr
    assert_nothing_happened(purchase, settings)


def test_the_emoji_is_named_in_the_answer(api, master, sent_tasks):
    approved_purchase(master, 100_000)
    response = create(api, master, body(dispatch_send_token(master), body="축하해요 🎉"))
    [error] = response.json()["errors"]
    assert error["character"] == "🎉" and "🎉" in error["detail"]


def test_10001_rows_are_refused_with_too_many_recipients(api, master, sent_tasks):
    approved_purchase(master, 100_000)
    response = create(api, master, body(dispatch_send_token(master), recipients=rows(10_001)))
    [error] = response.json()["errors"]
    assert error["code"] == "invalid_recipients"
    assert [e["code"] for e in error["row_errors"]] == ["too_many_recipients"]
    assert error["row_errors"][0]["row"] == 10_001


def test_row_errors_name_the_row_the_column_and_the_code(api, master, sent_tasks):
    approved_purchase(master, 100_000)
    data = body(
        dispatch_send_token(master),
        recipients=[
            {"name": "홍길동", "mobile": "01000000000", "amount": 10_000},
            {"name": "", "mobile": "0212345678", "amount": 1_500},
            {"name": "은누리", "mobile": "010-0000-0000", "amount": 10_000},
        ],
    )
    [error] = create(api, master, data).json()["errors"]
    assert [(e["row"], e["column"], e["code"]) for e in error["row_errors"]] == [
        (2, "name", "name_required"),
        (2, "mobile", "invalid_phone"),
        (2, "amount", "invalid_gift_amount"),
        (3, "mobile", "duplicate_mobile"),
    ]


def test_typed_rows_with_a_control_character_or_a_gift_over_the_maximum_are_row_errors(api, master):
    """The typed list goes through the upload's check: a NUL in a name (PostgreSQL cannot keep
    it) and gifts whose total passes a bigint (both were 500s) are row errors."""
    purchase = approved_purchase(master, 100_000)
    data = body(
        dispatch_send_token(master),
        recipients=[
            {"name": "홍\u0000길동", "mobile": "01000000000", "amount": 10_000},
            {"name": "은누리", "mobile": "01011111111", "amount": 5 * 10**18},
            {"name": "김정수", "mobile": "01022222222", "amount": 5 * 10**18},
        ],
    )
    response = create(api, master, data)
    assert response.status_code == 400, response.content
    [error] = response.json()["errors"]
    assert (error["code"], error["attr"]) == ("invalid_recipients", "recipients")
    assert [(e["row"], e["column"], e["code"]) for e in error["row_errors"]] == [
        (1, "name", "invalid_characters"),
        (2, "amount", "gift_amount_too_large"),
        (3, "amount", "gift_amount_too_large"),
    ]
    assert not Dispatch.objects.exists() and books(purchase) == (100_000, 0)


def test_a_used_token_cannot_send_again(api, master, sent_tasks):
    purchase = approved_purchase(master, 100_000)
    token = dispatch_send_token(master)
    assert create(api, master, body(token)).status_code == 201
    again = create(api, master, body(token, recipients=rows(2, start=5)))
    assert again.status_code == 400
    assert error_codes(again) == ["verification_token_used"]
    assert Dispatch.objects.count() == 1 and books(purchase) == (70_000, 30_000)


def test_a_token_of_another_manager_is_refused(api, master, general, sent_tasks):
    purchase = approved_purchase(master, 100_000)
    theirs = create(api, master, body(dispatch_send_token(general)))
    assert theirs.status_code == 400
    assert error_codes(theirs) == ["verification_token_wrong_phone"]
    assert books(purchase) == (100_000, 0) and not Dispatch.objects.exists()


# --- recipients from an upload -----------------------------------------------------------------


def upload_of(manager, count: int = 2) -> RecipientUpload:
    kept = [{"row": index + 2, **row} for index, row in enumerate(rows(count))]
    return RecipientUpload.objects.create(
        corporate=manager.corporate,
        rows=kept,
        count=count,
        total=10_000 * count,
        expires_at=timezone.now() + dt.timedelta(days=1),
    )


def test_an_upload_gives_the_recipients(api, master, sent_tasks):
    purchase = approved_purchase(master, 100_000)
    upload = upload_of(master, 4)
    data = body(dispatch_send_token(master), upload=upload.pk)
    del data["recipients"]
    response = create(api, master, data)
    assert response.status_code == 201, response.json()
    assert response.json()["recipient_count"] == 4 and books(purchase) == (60_000, 40_000)
    assert list(Recipient.objects.values_list("row", flat=True)) == [2, 3, 4, 5]


def test_another_companys_upload_is_not_found(api, master, sent_tasks):
    purchase = approved_purchase(master, 100_000)
    other = corporate_with_master(username="othermaster1", business_number="2208162517")
    data = body(dispatch_send_token(master), upload=upload_of(other).pk)
    del data["recipients"]
    response = create(api, master, data)
    assert response.status_code == 404 and error_codes(response) == ["upload_not_found"]
    assert books(purchase) == (100_000, 0) and not Dispatch.objects.exists()


def test_recipients_and_an_upload_together_are_refused(api, master, sent_tasks):
    approved_purchase(master, 100_000)
    response = create(api, master, body(dispatch_send_token(master), upload=upload_of(master).pk))
    assert response.status_code == 400 and error_codes(response) == ["invalid"]
    assert not Dispatch.objects.exists()


# --- retries, cost, who may ----------------------------------------------------------------------


def test_a_retried_request_with_the_same_key_creates_one_dispatch(api, master, sent_tasks):
    purchase = approved_purchase(master, 100_000)
    data = body(dispatch_send_token(master))
    first = create(api, master, data, HTTP_IDEMPOTENCY_KEY="dispatch-1")
    again = create(api, master, data, HTTP_IDEMPOTENCY_KEY="dispatch-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Dispatch.objects.count() == 1 and books(purchase) == (70_000, 30_000)
    other = create(api, master, {**data, "title": "다른 발송"}, HTTP_IDEMPOTENCY_KEY="dispatch-1")
    assert other.status_code == 409 and error_codes(other) == ["idempotency_key_reused"]


def test_ten_or_a_thousand_recipients_cost_the_same_queries(
    api, master, sent_tasks, django_assert_num_queries
):
    approved_purchase(master, 9_000_000)
    warm = body(dispatch_send_token(master), recipients=rows(10, amount=1_000, start=5_000))
    ten = body(dispatch_send_token(master), recipients=rows(10, amount=1_000))
    thousand = body(dispatch_send_token(master), recipients=rows(1_000, amount=1_000, start=100))
    assert create(api, master, warm).status_code == 201  # per-process caches filled
    with CaptureQueriesContext(connection) as captured:
        assert create(api, master, ten).status_code == 201
    with django_assert_num_queries(len(captured)):
        assert create(api, master, thousand).status_code == 201
    assert Recipient.objects.count() == 1_020


def test_staff_and_members_of_other_sites_cannot_create(api, master, member_factory, site_of):
    approved_purchase(master, 100_000)
    staff = member_factory(site=site_of(SITE), username="operator2x", staff=True)
    library = MemberFactory(site=site_of("yongin-library"), username="reader01")
    assert api.post(URL, body("x"), format="json", **bearer_for(staff)).status_code == 404
    assert api.post(URL, body("x"), format="json", **bearer_for(library)).status_code in (401, 404)
    assert api.post(URL, body("x"), format="json").status_code == 401
    assert not Dispatch.objects.exists()
