"""Test send (POST dispatches/test-send/; SPEC §7.4; manual 004 §3.1 ④ 테스트 발송): the message,
with its image, to the caller's own registered mobile through the outbox; no gift, no money;
at most 5 per 10 minutes per member."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from domain.common.uploads import private_storage
from domain.dispatches.models import Dispatch
from domain.messaging.backends import locmem
from domain.messaging.models import OutboxMessage
from domain.purchases.models import PurchaseEvent
from tests.conftest import bearer_for, error_codes
from tests.dispatch_images import image_bytes, image_file
from tests.factories.corporates import corporate_with_master, manager_create
from tests.factories.purchases import approved_purchase

pytestmark = pytest.mark.django_db

SITE = "onnuri-biz"
URL = f"/api/v1/sites/{SITE}/dispatches/test-send/"
MOBILE = "01055554444"


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    locmem.outbox.clear()
    yield
    locmem.outbox.clear()


@pytest.fixture
def master():
    return corporate_with_master(username="master01", mobile=MOBILE)


def post_test_send(api, manager, data=None, fmt="json"):
    data = data if data is not None else {"subject": "", "body": "설 선물을 보내드립니다."}
    return api.post(URL, data, format=fmt, **bearer_for(manager.member))


def test_the_message_reaches_the_callers_own_mobile_once(
    api, master, django_capture_on_commit_callbacks
):
    purchase = approved_purchase(master, 100_000)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_test_send(api, master)
    assert response.status_code == 202, response.json()
    assert response.json() == {"to": "0105****444", "kind": "sms"}
    [sent] = locmem.outbox
    assert (sent.to, sent.body, sent.kind) == (MOBILE, "설 선물을 보내드립니다.", "sms")
    assert OutboxMessage.objects.filter(purpose="dispatch_test_send").count() == 1
    purchase.refresh_from_db()
    assert (purchase.balance, purchase.reserved) == (100_000, 0)
    assert not Dispatch.objects.exists()
    assert PurchaseEvent.objects.filter(purchase=purchase).count() == 2  # requested, approved


def test_a_general_admin_gets_it_on_their_own_mobile(
    api, master, django_capture_on_commit_callbacks
):
    general = manager_create(
        corporate=master.corporate, username="general01", role="general", mobile="01066667777"
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert post_test_send(api, general).status_code == 202
    assert [m.to for m in locmem.outbox] == ["01066667777"]


def test_with_an_image_it_goes_as_an_mms_with_the_image(
    api, master, django_capture_on_commit_callbacks
):
    data = {"subject": "설 선물", "body": "설 선물을 보내드립니다.", "image": image_file()}
    with django_capture_on_commit_callbacks(execute=True):
        response = post_test_send(api, master, data, fmt="multipart")
    assert response.status_code == 202, response.json()
    assert response.json()["kind"] == "mms"
    [sent] = locmem.outbox
    assert (sent.kind, sent.subject) == ("mms", "설 선물")
    assert sent.image == image_bytes()  # read back through the private storage by the sender
    [queued] = OutboxMessage.objects.filter(purpose="dispatch_test_send")
    assert queued.image.startswith("dispatch-images/")
    assert private_storage().exists(queued.image)


@pytest.mark.parametrize(
    "data,code",
    [
        ({"body": "축하해요 🎉"}, "unsupported_character"),
        ({"body": "가" * 1001}, "message_too_long"),
        ({"body": " "}, "message_empty"),
        ({"body": "본문", "image": "PNG"}, "unsupported_file_type"),
    ],
)
def test_a_message_that_could_not_be_sent_is_refused_and_nothing_queued(api, master, data, code):
    fmt = "json"
    if data.get("image") == "PNG":
        data = {**data, "image": image_file("a.png", fmt="PNG")}
        fmt = "multipart"
    response = post_test_send(api, master, data, fmt=fmt)
    assert response.status_code == 400
    assert error_codes(response) == [code]
    assert not OutboxMessage.objects.exists()


def test_five_test_sends_per_ten_minutes(api, master):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert post_test_send(api, master).status_code == 202
    with time_machine.travel(start + dt.timedelta(minutes=4), tick=False):
        for _ in range(4):
            assert post_test_send(api, master).status_code == 202
        refused = post_test_send(api, master)
        assert refused.status_code == 429
        assert error_codes(refused) == ["test_send_limit"]
        # A place frees when the first send leaves the window: 6 minutes on.
        assert refused["Retry-After"] == "360"
    assert OutboxMessage.objects.count() == 5
    with time_machine.travel(start + dt.timedelta(minutes=10, seconds=1), tick=False):
        assert post_test_send(api, master).status_code == 202


def test_a_refused_message_does_not_count_on_the_limit(api, master):
    for _ in range(5):
        post_test_send(api, master, {"body": "🎉"})
    assert post_test_send(api, master).status_code == 202


def test_staff_and_anonymous_callers_are_refused(api, member_factory, site_of):
    staff = member_factory(site=site_of(SITE), username="operator2x", staff=True)
    assert api.post(URL, {"body": "안내"}, format="json", **bearer_for(staff)).status_code == 404
    assert api.post(URL, {"body": "안내"}, format="json").status_code == 401
    assert not OutboxMessage.objects.exists()
