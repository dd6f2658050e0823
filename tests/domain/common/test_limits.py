"""The one limiter: windows, refusals, rollback, stored keys, cleanup (SPEC §14)."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from domain.common.errors import DomainError
from domain.common.limits import Limit, limit_buckets_prune, limit_take
from domain.common.models import LimitBucket

pytestmark = pytest.mark.django_db

LIMITS = (
    Limit(1, timedelta(seconds=30), lambda: DomainError("too_soon")),
    Limit(3, timedelta(hours=1), lambda: DomainError("hourly")),
)


def take(key="01012345678", scope="test", now=None):
    with transaction.atomic():
        limit_take(scope=scope, key=key, limits=LIMITS, now=now)


def code_of(call) -> str | None:
    try:
        call()
    except DomainError as exc:
        return exc.code
    return None


def test_each_window_is_counted_and_the_first_used_up_one_answers():
    now = timezone.now()
    assert code_of(lambda: take(now=now)) is None
    assert code_of(lambda: take(now=now + timedelta(seconds=10))) == "too_soon"
    assert code_of(lambda: take(now=now + timedelta(minutes=1))) is None
    assert code_of(lambda: take(now=now + timedelta(minutes=2))) is None
    assert code_of(lambda: take(now=now + timedelta(minutes=3))) == "hourly"
    assert code_of(lambda: take(now=now + timedelta(minutes=61))) is None
    # Only uses inside the longest window are kept: minutes 2 and 61.
    assert len(LimitBucket.objects.get().hits) == 2


def test_scopes_and_keys_are_counted_apart():
    now = timezone.now()
    take(now=now)
    assert code_of(lambda: take(scope="other", now=now)) is None
    assert code_of(lambda: take(key="01099998888", now=now)) is None
    assert LimitBucket.objects.count() == 3


def test_a_rolled_back_use_is_given_back():
    now = timezone.now()
    with pytest.raises(RuntimeError), transaction.atomic():
        limit_take(scope="test", key="k", limits=LIMITS, now=now)
        raise RuntimeError("the caller failed")
    assert code_of(lambda: take(key="k", now=now)) is None


def test_the_key_is_stored_only_as_a_keyed_hash():
    take(key="01012345678")
    bucket = LimitBucket.objects.get()
    assert "01012345678" not in str(bucket.__dict__) and len(bucket.key_hash) == 64


def test_prune_drops_only_buckets_past_every_window():
    now = timezone.now()
    take(key="old", now=now - timedelta(days=3))
    take(key="new", now=now)
    assert limit_buckets_prune(now=now) == 1
    assert LimitBucket.objects.count() == 1


def test_the_fuzz_profile_factor_multiplies_every_count(settings):
    """backend.settings.fuzz raises per-key limits (README "Fuzzing") so a fuzzer that repeats
    a phone number reaches the code behind them; the default factor 1 keeps SPEC §14's."""
    now = timezone.now()
    settings.LIMIT_COUNT_FACTOR = 2
    assert code_of(lambda: take(now=now)) is None
    assert code_of(lambda: take(now=now + timedelta(seconds=1))) is None
    assert code_of(lambda: take(now=now + timedelta(seconds=2))) == "too_soon"
