"""Idempotency-Key on POST purchases/ (SPEC §14 retries): a retried request
never makes a second purchase."""

import pytest
from rest_framework.test import APIClient

from domain.purchases.models import Purchase
from tests.concurrency import run_concurrently
from tests.conftest import bearer_for, error_codes
from tests.factories.corporates import corporate_with_master

URL = "/api/v1/sites/onnuri-biz/purchases/"


def post(manager, amount: int, key: str):
    return APIClient().post(
        URL,
        {"amount": amount},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
        **bearer_for(manager.member),
    )


@pytest.mark.django_db
def test_a_retry_replays_the_first_purchase_and_another_body_is_refused():
    master = corporate_with_master(username="idemmaster")
    first = post(master, 2_000_000, "order-1")
    again = post(master, 2_000_000, "order-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    other = post(master, 3_000_000, "order-1")
    assert other.status_code == 409 and error_codes(other) == ["idempotency_key_reused"]
    assert Purchase.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_key_sent_ten_times_at_once_creates_one_purchase():
    master = corporate_with_master(username="idemracer")

    def send(_):
        response = post(master, 1_000_000, "same-order")
        return response.status_code, response.json()["id"]

    outcomes = run_concurrently(send, 10)
    assert Purchase.objects.count() == 1
    assert set(outcomes) == {(201, Purchase.objects.get().pk)}
