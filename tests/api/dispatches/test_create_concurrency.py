"""Concurrent creations against one purchase (SPEC §7.4): on PostgreSQL
50 requests race for one balance; never more than it is reserved, and balance + reserved
(+ sent, nothing yet) always equals the approved amount."""

import pytest
from rest_framework.test import APIClient

from domain.dispatches import create as create_module
from domain.dispatches.models import Dispatch, Recipient
from tests.concurrency import run_concurrently
from tests.conftest import bearer_for
from tests.factories.corporates import corporate_with_master
from tests.factories.dispatches import dispatch_send_token, recipients_of
from tests.factories.purchases import approved_purchase

URL = "/api/v1/sites/onnuri-biz/dispatches/"


def post(headers: dict, token: str, recipients: list[tuple[str, str, int]]):
    """An immediate dispatch, each thread with its own client."""
    return APIClient().post(
        URL,
        {
            "title": "설 선물",
            "send_type": "immediate",
            "body": "설 선물을 보내드립니다.",
            "recipients": [{"name": n, "mobile": m, "amount": a} for n, m, a in recipients],
            "verification_token": token,
        },
        format="json",
        **headers,
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fifty_concurrent_creations_never_reserve_more_than_the_balance(monkeypatch):
    monkeypatch.setattr(create_module, "async_task", lambda *args: None)
    master = corporate_with_master(username="racemaster", mobile="01055554444")
    purchase = approved_purchase(master, 1_000_000)
    tokens = [dispatch_send_token(master) for _ in range(50)]
    headers = bearer_for(master.member)

    def send(index):
        recipients = recipients_of(3, amount=10_000 * (1 + index % 4), start=index * 10)
        response = post(headers, tokens[index], recipients)
        if response.status_code != 201:
            return response.status_code, response.json()["errors"][0]["code"]
        return response.status_code, sum(amount for _, _, amount in recipients)

    outcomes = run_concurrently(send, 50)
    accepted = [total for status, total in outcomes if status == 201]
    refused = [code for status, code in outcomes if status != 201]
    assert set(refused) <= {"insufficient_single_purchase_balance"}
    purchase.refresh_from_db()
    assert purchase.reserved == sum(accepted) <= purchase.amount
    assert purchase.balance + purchase.reserved == purchase.amount
    assert Dispatch.objects.count() == len(accepted) and refused  # the balance ran out
    assert Recipient.objects.count() == 3 * len(accepted)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_creation_that_loses_the_first_purchase_to_a_race_draws_on_the_next(monkeypatch):
    """Ten creations of 30,000 at once against 100,000 (expiring first) and 100,000: the first
    purchase holds three, the losers move on to the second, which holds three more."""
    monkeypatch.setattr(create_module, "async_task", lambda *args: None)
    master = corporate_with_master(username="racemaster2", mobile="01055554444")
    first = approved_purchase(master, 100_000)
    second = approved_purchase(master, 100_000)
    tokens = [dispatch_send_token(master) for _ in range(10)]
    headers = bearer_for(master.member)

    def send(index):
        return post(headers, tokens[index], recipients_of(3, start=index * 10)).status_code

    outcomes = run_concurrently(send, 10)
    assert sorted(outcomes) == [201] * 6 + [400] * 4
    for purchase in (first, second):
        purchase.refresh_from_db()
        assert (purchase.balance, purchase.reserved) == (10_000, 90_000)
        assert Dispatch.objects.filter(purchase=purchase).count() == 3
