"""The gift app tells the server what a recipient did, over signed callbacks (SPEC §7.4; manual
004 §3): `gifts/{code}/receive/` and `gifts/{code}/refuse/`.

No member calls these: the gift app signs each request with its site's secret (HMAC-SHA256 over
timestamp, method, path and body; README "Gift app callbacks"). A wrong, missing, stale or
replayed signature is a 401 and changes nothing; a refused gift's amount goes back to its
purchase while the purchase is valid.
"""

import datetime as dt
import time

import pytest
import time_machine
import yaml

from backend.settings.base import BASE_DIR
from domain.dispatches.models import DispatchEvent, DispatchEventType, Recipient
from domain.purchases.models import Purchase, PurchaseEvent, PurchaseEventType
from tests.conftest import bearer_for, error_codes
from tests.factories.corporates import corporate_with_master
from tests.factories.dispatches import dispatch_make, recipients_of
from tests.factories.gifts import (
    dispatch_sent,
    gift_app_headers,
    gift_app_secret,
    gift_callback,
    gift_path,
)
from tests.factories.purchases import approved_purchase

pytestmark = pytest.mark.django_db

Status = Recipient.Status
CODES = ["GiftCode0001", "GiftCode0002", "GiftCode0003"]


@pytest.fixture
def master():
    return corporate_with_master(username="giftmaster1")


@pytest.fixture
def purchase(master):
    return approved_purchase(master, 100_000)


@pytest.fixture
def dispatch(master, purchase):
    return dispatch_sent(manager=master, purchase=purchase, codes=CODES, amount=10_000)


def books(purchase: Purchase) -> tuple[int, int, int]:
    """(balance, reserved, sent and not given back) of the purchase; they add up to its amount."""
    purchase.refresh_from_db()
    sent = sum(
        r.amount
        for r in Recipient.objects.filter(
            dispatch__purchase=purchase, status__in=[Status.SENT, Status.RECEIVED]
        )
    )
    assert purchase.balance + purchase.reserved + sent == purchase.amount
    return purchase.balance, purchase.reserved, sent


def state(dispatch) -> dict:
    """Everything a refused callback must leave as it was."""
    purchase = Purchase.objects.get(pk=dispatch.purchase_id)
    return {
        "recipients": list(dispatch.recipients.values_list("pk", "status", "outcome_at")),
        "purchase": (purchase.balance, purchase.reserved),
        "events": DispatchEvent.objects.filter(dispatch=dispatch).count(),
        "purchase_events": PurchaseEvent.objects.filter(purchase=purchase).count(),
    }


# --- the happy paths -------------------------------------------------------------------------


def test_receive_marks_the_gift_received_and_moves_no_money(api, dispatch, purchase):
    assert books(purchase) == (70_000, 0, 30_000)
    response = gift_callback(api, CODES[0], "receive")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "received"
    assert body["amount"] == 10_000
    assert body["outcome_at"].endswith("+09:00")
    recipient = Recipient.objects.get(dispatch=dispatch, row=1)
    assert recipient.status == Status.RECEIVED
    assert recipient.outcome_at is not None
    assert books(purchase) == (70_000, 0, 30_000)
    event = DispatchEvent.objects.get(dispatch=dispatch, type=DispatchEventType.RECEIVED)
    assert (event.old_status, event.new_status, event.amount) == ("sent", "received", 0)
    assert event.parameters == {"recipient": recipient.pk, "gift_amount": 10_000}
    assert event.actor is None


def test_refuse_returns_the_amount_to_the_purchase(api, dispatch, purchase):
    response = gift_callback(api, CODES[1], "refuse")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "refused"
    recipient = Recipient.objects.get(dispatch=dispatch, row=2)
    assert recipient.status == Status.REFUSED
    assert books(purchase) == (80_000, 0, 20_000)
    event = DispatchEvent.objects.get(dispatch=dispatch, type=DispatchEventType.REFUSED)
    assert (event.old_status, event.new_status, event.amount) == ("sent", "refused", 10_000)
    assert event.parameters == {"recipient": recipient.pk, "gift_amount": 10_000}
    returned = PurchaseEvent.objects.get(purchase=purchase, type=PurchaseEventType.RETURNED)
    assert returned.parameters["amount"] == 10_000
    assert returned.parameters["dispatch"] == dispatch.pk


def test_the_books_add_up_after_receive_refuse_and_receive(api, dispatch, purchase):
    assert gift_callback(api, CODES[0], "receive").status_code == 200
    assert gift_callback(api, CODES[1], "refuse").status_code == 200
    assert gift_callback(api, CODES[2], "receive").status_code == 200
    assert books(purchase) == (80_000, 0, 20_000)
    assert sorted(dispatch.recipients.values_list("status", flat=True)) == [
        "received",
        "received",
        "refused",
    ]


def test_a_gift_refused_after_its_purchase_expired_returns_nothing(api, dispatch, purchase):
    purchase.refresh_from_db()
    with time_machine.travel(purchase.expires_at + dt.timedelta(days=1), tick=False):
        response = gift_callback(api, CODES[1], "refuse")
    assert response.status_code == 200, response.content
    assert Recipient.objects.get(dispatch=dispatch, row=2).status == Status.REFUSED
    purchase.refresh_from_db()
    assert (purchase.balance, purchase.reserved) == (70_000, 0)
    assert not PurchaseEvent.objects.filter(purchase=purchase, type=PurchaseEventType.RETURNED)
    event = DispatchEvent.objects.get(dispatch=dispatch, type=DispatchEventType.REFUSED)
    assert event.amount == 0


def test_english_is_answered_on_request(api, dispatch):
    path = gift_path("NoSuchCode", "receive")
    response = api.post(path, HTTP_ACCEPT_LANGUAGE="en", **gift_app_headers(path))
    assert response.status_code == 404
    assert response.json()["errors"][0]["detail"] == "There is no such gift."


# --- what the gift app cannot do twice, or at all ----------------------------------------------


@pytest.mark.parametrize("first,then", [("receive", "refuse"), ("refuse", "receive")])
def test_a_decided_gift_is_a_409_with_its_status(api, dispatch, purchase, first, then):
    assert gift_callback(api, CODES[0], first).status_code == 200
    before = state(dispatch)
    response = gift_callback(api, CODES[0], then)
    assert response.status_code == 409
    assert error_codes(response) == ["gift_already_decided"]
    assert response.json()["errors"][0]["gift_status"] == f"{first}d"
    assert state(dispatch) == before


def test_an_unknown_code_is_a_404(api, dispatch):
    before = state(dispatch)
    response = gift_callback(api, "NoSuchCode", "receive")
    assert response.status_code == 404
    assert error_codes(response) == ["gift_not_found"]
    assert state(dispatch) == before


def test_a_code_not_sent_yet_is_a_404(api, master, purchase):
    from domain.dispatches.claim_codes import claim_code_hash

    dispatch = dispatch_make(manager=master, purchase=purchase, recipients=recipients_of(1))
    Recipient.objects.filter(dispatch=dispatch).update(claim_code_hash=claim_code_hash("Queued1"))
    response = gift_callback(api, "Queued1", "receive")
    assert response.status_code == 404
    assert error_codes(response) == ["gift_not_found"]
    assert dispatch.recipients.get().status == Status.QUEUED


def test_a_gift_whose_batch_is_not_recorded_yet_is_a_409_until_it_is(
    api, master, purchase, monkeypatch
):
    """A worker died after the gateway took the batch (tests/faults): the recipient holds the
    texted code while the batch waits for its lease to end. The gift app gets a coded 409 it
    can retry, not the 404 that says the code is wrong; once the batch is recorded, the gift is
    received."""
    from django.utils import timezone

    from domain.dispatches import sending
    from domain.messaging.backends import locmem

    locmem.reset()
    dispatch = dispatch_make(manager=master, purchase=purchase, recipients=recipients_of(1))

    def killed(*args, **kwargs):
        raise RuntimeError("worker killed")

    with monkeypatch.context() as patched:
        patched.setattr(sending, "_batch_record", killed)
        with pytest.raises(RuntimeError, match="worker killed"):
            sending.dispatch_send(dispatch_id=dispatch.pk)
    code = locmem.outbox[-1].body.rsplit("/", 1)[1]
    before = state(dispatch)
    for action in ("receive", "refuse"):
        response = gift_callback(api, code, action)
        assert response.status_code == 409
        assert error_codes(response) == ["gift_not_ready"]
    assert state(dispatch) == before

    later = timezone.now() + sending.SENDING_LEASE + dt.timedelta(seconds=1)
    with time_machine.travel(later):
        assert sending.dispatches_send_due() == 1  # sent again under its key: not delivered twice
        received = gift_callback(api, code, "receive")
    assert received.status_code == 200, received.json()
    assert len(locmem.outbox) == 1
    assert dispatch.recipients.get().status == Status.RECEIVED


def test_a_reclaimed_gift_disappears_from_the_gift_app(api, dispatch, master, purchase):
    recipient = Recipient.objects.get(dispatch=dispatch, row=3)
    reclaimed = api.post(
        f"/api/v1/sites/onnuri-biz/dispatches/{dispatch.pk}/reclaim/",
        {"recipients": [recipient.pk]},
        format="json",
        **bearer_for(master.member),
    )
    assert reclaimed.status_code == 200, reclaimed.content
    before = state(dispatch)
    for action in ("receive", "refuse"):
        response = gift_callback(api, CODES[2], action)
        assert response.status_code == 404
        assert error_codes(response) == ["gift_not_found"]
    assert state(dispatch) == before
    assert books(purchase) == (80_000, 0, 20_000)


def test_a_code_is_looked_up_on_its_own_site_only(api, dispatch):
    response = gift_callback(api, CODES[0], "receive", site="yongin-library")
    assert response.status_code == 404
    assert error_codes(response) == ["feature_not_available"]
    assert Recipient.objects.get(dispatch=dispatch, row=1).status == Status.SENT


# --- signatures --------------------------------------------------------------------------------


@pytest.mark.parametrize("minutes", [-6, 6])
def test_a_timestamp_more_than_five_minutes_off_is_stale(api, dispatch, minutes):
    before = state(dispatch)
    stamp = int(time.time()) + minutes * 60
    response = gift_callback(api, CODES[1], "refuse", timestamp=stamp)
    assert response.status_code == 401
    assert error_codes(response) == ["stale_signature"]
    assert state(dispatch) == before


def test_a_timestamp_four_minutes_old_is_fine(api, dispatch):
    response = gift_callback(api, CODES[0], "receive", timestamp=int(time.time()) - 240)
    assert response.status_code == 200, response.content


def test_a_signature_with_another_secret_is_refused(api, dispatch):
    before = state(dispatch)
    response = gift_callback(api, CODES[1], "refuse", secret="not-the-gift-app-secret-" + "x" * 20)
    assert response.status_code == 401
    assert error_codes(response) == ["invalid_signature"]
    assert state(dispatch) == before


def test_a_signature_is_bound_to_its_code_action_and_body(api, dispatch):
    """A signature seen on one request cannot be moved to another code, action or body."""
    before = state(dispatch)
    signed = gift_app_headers(gift_path(CODES[0], "receive"))
    for path in (gift_path(CODES[1], "receive"), gift_path(CODES[0], "refuse")):
        response = api.post(path, **signed)
        assert response.status_code == 401, path
        assert error_codes(response) == ["invalid_signature"]
    response = api.generic(
        "POST",
        gift_path(CODES[0], "receive"),
        b'{"note": "added"}',
        content_type="application/json",
        **signed,
    )
    assert response.status_code == 401
    assert state(dispatch) == before


@pytest.mark.parametrize(
    "drop,change",
    [
        ("HTTP_X_GIFT_SIGNATURE", {}),
        ("HTTP_X_GIFT_TIMESTAMP", {}),
        (None, {"HTTP_X_GIFT_TIMESTAMP": "yesterday"}),
        (None, {"HTTP_X_GIFT_SIGNATURE": "zz" * 32}),
        (None, {"HTTP_X_GIFT_SIGNATURE": ""}),
    ],
    ids=["no-signature", "no-timestamp", "timestamp-not-a-number", "not-hex", "empty"],
)
def test_missing_or_malformed_headers_are_an_invalid_signature(api, dispatch, drop, change):
    before = state(dispatch)
    path = gift_path(CODES[1], "refuse")
    headers = gift_app_headers(path) | change
    headers.pop(drop, None)
    response = api.post(path, **headers)
    assert response.status_code == 401
    assert error_codes(response) == ["invalid_signature"]
    assert state(dispatch) == before


def test_no_headers_at_all_is_an_invalid_signature_even_with_a_members_token(api, dispatch, master):
    response = api.post(gift_path(CODES[0], "receive"), **bearer_for(master.member))
    assert response.status_code == 401
    assert error_codes(response) == ["invalid_signature"]
    assert Recipient.objects.get(dispatch=dispatch, row=1).status == Status.SENT


def test_a_replayed_request_is_refused_and_changes_nothing(api, dispatch, purchase):
    path = gift_path(CODES[1], "refuse")
    headers = gift_app_headers(path)
    first = api.post(path, **headers)
    assert first.status_code == 200, first.content
    before = state(dispatch)
    replayed = api.post(path, **headers)
    assert replayed.status_code == 401
    assert error_codes(replayed) == ["replayed_signature"]
    assert state(dispatch) == before
    assert books(purchase) == (80_000, 0, 20_000)  # given back once


def test_a_signed_request_refused_for_its_gift_may_be_sent_again(api, dispatch):
    """A refusal rolls back the signature's record with everything else: the same request
    gets the same answer, not `replayed_signature` (the gift app may retry what it sent)."""
    path = gift_path(CODES[0], "receive")
    now = int(time.time())
    assert gift_callback(api, CODES[0], "receive", timestamp=now - 1).status_code == 200
    headers = gift_app_headers(path, timestamp=now)  # another request (another signature)
    for _ in range(2):
        response = api.post(path, **headers)
        assert error_codes(response) == ["gift_already_decided"]


def test_the_previous_secret_still_signs_while_it_is_rotated(api, dispatch, settings):
    old = gift_app_secret()
    settings.GIFT_APP_SECRETS = {"onnuri-biz": ["rotated-new-gift-app-secret-" + "n" * 20, old]}
    assert gift_callback(api, CODES[0], "receive", secret=old).status_code == 200
    new = settings.GIFT_APP_SECRETS["onnuri-biz"][0]
    assert gift_callback(api, CODES[1], "receive", secret=new).status_code == 200
    settings.GIFT_APP_SECRETS = {"onnuri-biz": [new]}
    response = gift_callback(api, CODES[2], "receive", secret=old)
    assert error_codes(response) == ["invalid_signature"]


def test_a_site_without_a_secret_refuses_every_callback(api, dispatch, settings):
    secret = gift_app_secret()
    settings.GIFT_APP_SECRETS = {}
    response = gift_callback(api, CODES[0], "receive", secret=secret)
    assert response.status_code == 401
    assert error_codes(response) == ["invalid_signature"]


# --- the contract ------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["receive", "refuse"])
def test_the_schema_documents_the_signature_headers_and_codes(action):
    schema = yaml.safe_load((BASE_DIR / "schema.yml").read_text())
    operation = schema["paths"][f"/api/v1/sites/{{site}}/gifts/{{code}}/{action}/"]["post"]
    headers = {p["name"]: p for p in operation["parameters"] if p["in"] == "header"}
    assert headers["X-Gift-Timestamp"]["required"] is True
    assert headers["X-Gift-Signature"]["required"] is True
    assert "HMAC-SHA256" in headers["X-Gift-Signature"]["description"]
    unauthorized = operation["responses"]["401"]["description"]
    for code in ("invalid_signature", "stale_signature", "replayed_signature"):
        assert f"`{code}`" in unauthorized
    assert "`gift_not_found`" in operation["responses"]["404"]["description"]
    assert "`gift_already_decided`" in operation["responses"]["409"]["description"]
    assert {} in operation["security"] and len(operation["security"]) == 1  # no member login
