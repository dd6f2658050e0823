"""The gift app's request signatures (domain.dispatches.gift_app): what is
signed, the five-minute window, one use per signature, and the daily prune."""

import datetime as dt
import hashlib
import hmac

import pytest
from django.db import transaction
from django.utils import timezone

from domain.common.errors import AuthenticationFailed
from domain.dispatches.errors import DispatchErrorCode
from domain.dispatches.gift_app import (
    SIGNATURE_TOLERANCE,
    gift_app_sign,
    gift_app_signatures_prune,
    gift_app_verify,
)
from domain.dispatches.models import GiftAppSignature
from tests.concurrency import run_concurrently
from tests.factories.gifts import gift_app_secret

PATH = "/api/v1/sites/onnuri-biz/gifts/AbC123xyz/receive/"


def signed(at: dt.datetime, body: bytes = b"", **overrides) -> dict:
    """Verification arguments of a request signed at `at` (checked at `at` unless `now=`)."""
    stamp = str(int(at.timestamp()))
    values = {
        "site_slug": "onnuri-biz",
        "timestamp": stamp,
        "signature": gift_app_sign(
            secret=gift_app_secret(), timestamp=stamp, method="POST", path=PATH, body=body
        ),
        "method": "POST",
        "path": PATH,
        "body": body,
        "now": at,
    }
    return values | overrides


def test_the_signature_is_hmac_sha256_of_timestamp_method_path_and_body():
    body = b'{"a": 1}'
    expected = hmac.new(
        b"s3cret", b"1700000000\nPOST\n" + PATH.encode() + b"\n" + body, hashlib.sha256
    ).hexdigest()
    assert (
        gift_app_sign(secret="s3cret", timestamp="1700000000", method="POST", path=PATH, body=body)
        == expected
    )


@pytest.mark.django_db
def test_a_good_signature_is_recorded_once_until_it_would_be_stale():
    now = timezone.now()
    gift_app_verify(**signed(now))
    row = GiftAppSignature.objects.get()
    assert row.expires_at == dt.datetime.fromtimestamp(int(now.timestamp()), dt.UTC) + (
        SIGNATURE_TOLERANCE
    )
    with pytest.raises(AuthenticationFailed) as raised, transaction.atomic():
        gift_app_verify(**signed(now))
    assert raised.value.code == DispatchErrorCode.REPLAYED_SIGNATURE
    assert raised.value.status == 401


@pytest.mark.django_db
@pytest.mark.parametrize(
    "overrides,code",
    [
        ({"timestamp": None}, DispatchErrorCode.INVALID_SIGNATURE),
        ({"signature": None}, DispatchErrorCode.INVALID_SIGNATURE),
        ({"signature": "A" * 64}, DispatchErrorCode.INVALID_SIGNATURE),
        ({"site_slug": "yongin-library"}, DispatchErrorCode.INVALID_SIGNATURE),
        ({"method": "PUT"}, DispatchErrorCode.INVALID_SIGNATURE),
        ({"timestamp": "-1"}, DispatchErrorCode.INVALID_SIGNATURE),
        ({"timestamp": "1e3"}, DispatchErrorCode.INVALID_SIGNATURE),
        ({"timestamp": "9" * 40}, DispatchErrorCode.INVALID_SIGNATURE),
    ],
)
def test_refusals_record_nothing(overrides, code):
    with pytest.raises(AuthenticationFailed) as raised:
        gift_app_verify(**signed(timezone.now(), **overrides))
    assert raised.value.code == code
    assert not GiftAppSignature.objects.exists()


@pytest.mark.django_db
def test_the_window_is_five_minutes_either_way():
    now = timezone.now().replace(microsecond=0)
    for offset in (-SIGNATURE_TOLERANCE, SIGNATURE_TOLERANCE):
        gift_app_verify(**signed(now + offset, now=now))
    second = dt.timedelta(seconds=1)
    for offset in (-SIGNATURE_TOLERANCE - second, SIGNATURE_TOLERANCE + second):
        with pytest.raises(AuthenticationFailed) as raised:
            gift_app_verify(**signed(now + offset, now=now))
        assert raised.value.code == DispatchErrorCode.STALE_SIGNATURE


@pytest.mark.django_db
def test_uppercase_hex_is_the_same_signature():
    values = signed(timezone.now())
    gift_app_verify(**values | {"signature": values["signature"].upper()})
    with pytest.raises(AuthenticationFailed) as raised, transaction.atomic():
        gift_app_verify(**values)
    assert raised.value.code == DispatchErrorCode.REPLAYED_SIGNATURE


@pytest.mark.django_db
def test_the_prune_deletes_signatures_past_their_window_only():
    now = timezone.now()
    gift_app_verify(**signed(now - dt.timedelta(minutes=4), now=now))
    gift_app_verify(**signed(now, now=now))
    assert gift_app_signatures_prune(now=now + dt.timedelta(minutes=2)) == 1
    assert GiftAppSignature.objects.count() == 1
    assert gift_app_signatures_prune(now=now + dt.timedelta(minutes=6)) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_one_signature_sent_at_once_many_times_is_accepted_once():
    now = timezone.now()
    values = signed(now)

    def verify(index: int):
        with transaction.atomic():
            gift_app_verify(**values)
        return "ok"

    outcomes = run_concurrently(verify, 8)
    assert sorted(outcomes) == ["ok"] + [DispatchErrorCode.REPLAYED_SIGNATURE] * 7
