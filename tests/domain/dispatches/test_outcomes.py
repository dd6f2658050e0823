"""Recipient outcomes and reclaim as services (domain.dispatches.outcomes):
under concurrent calls a gift is decided once and its amount returned at most once."""

import pytest

from domain.dispatches.errors import DispatchErrorCode
from domain.dispatches.models import Dispatch, DispatchEvent, DispatchEventType, Recipient
from domain.dispatches.outcomes import gift_receive, gift_refuse, recipients_reclaim
from domain.purchases.models import PurchaseEvent, PurchaseEventType
from domain.sites.models import Site
from tests.concurrency import run_concurrently
from tests.factories.corporates import corporate_with_master
from tests.factories.gifts import dispatch_sent
from tests.factories.purchases import approved_purchase

Status = Recipient.Status


def sent_dispatch(count: int = 2):
    master = corporate_with_master(username="outcomes01")
    purchase = approved_purchase(master, 100_000)
    codes = [f"Race{index:04d}" for index in range(count)]
    return master, purchase, dispatch_sent(manager=master, purchase=purchase, codes=codes)


@pytest.mark.django_db
def test_receive_and_refuse_lock_and_move_one_recipient_each():
    _, purchase, dispatch = sent_dispatch()
    site = Site.objects.get(slug="onnuri-biz")
    received = gift_receive(site=site, code="Race0000")
    refused = gift_refuse(site=site, code="Race0001")
    assert (received.status, refused.status) == (Status.RECEIVED, Status.REFUSED)
    purchase.refresh_from_db()
    assert purchase.balance == 90_000
    types = list(DispatchEvent.objects.filter(dispatch=dispatch).values_list("type", flat=True))
    assert types == [DispatchEventType.RECEIVED, DispatchEventType.REFUSED]


@pytest.mark.django_db
def test_a_code_of_another_site_is_not_found():
    sent_dispatch()
    with pytest.raises(Exception) as raised:
        gift_receive(site=Site.objects.get(slug="yongin-library"), code="Race0000")
    assert raised.value.code == DispatchErrorCode.GIFT_NOT_FOUND


@pytest.mark.django_db
def test_an_over_long_code_is_not_found_without_hashing_it():
    sent_dispatch()
    with pytest.raises(Exception) as raised:
        gift_receive(site=Site.objects.get(slug="onnuri-biz"), code="x" * 10_000)
    assert raised.value.code == DispatchErrorCode.GIFT_NOT_FOUND


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_refusals_of_one_gift_return_its_amount_once():
    _, purchase, dispatch = sent_dispatch()
    site = Site.objects.get(slug="onnuri-biz")

    def refuse(index: int):
        return gift_refuse(site=site, code="Race0000").status

    outcomes = run_concurrently(refuse, 6)
    assert sorted(outcomes) == [DispatchErrorCode.GIFT_ALREADY_DECIDED] * 5 + [Status.REFUSED]
    purchase.refresh_from_db()
    assert (purchase.balance, purchase.reserved) == (90_000, 0)
    returns = PurchaseEvent.objects.filter(purchase=purchase, type=PurchaseEventType.RETURNED)
    assert returns.count() == 1
    assert DispatchEvent.objects.filter(dispatch=dispatch, type="refused").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_reclaim_racing_refusals_and_receipts_decides_each_gift_once():
    master, purchase, dispatch = sent_dispatch(count=2)
    site = Site.objects.get(slug="onnuri-biz")
    chosen = list(dispatch.recipients.order_by("row").values_list("pk", flat=True))
    dispatches = Dispatch.objects.filter(corporate=master.corporate)

    def act(index: int):
        if index % 3 == 0:
            return recipients_reclaim(
                dispatches=dispatches, dispatch_id=dispatch.pk, recipient_ids=chosen, actor=None
            ).count
        if index % 3 == 1:
            return gift_refuse(site=site, code="Race0000").status
        return gift_receive(site=site, code="Race0001").status

    outcomes = run_concurrently(act, 6)
    final = list(dispatch.recipients.order_by("row").values_list("status", flat=True))
    purchase.refresh_from_db()
    if 2 in outcomes:  # the reclaim came first: both reclaimed, every callback refused
        assert final == [Status.RECLAIMED, Status.RECLAIMED]
        assert outcomes.count(DispatchErrorCode.GIFT_NOT_FOUND) == 4
    else:  # a callback came first: the reclaim was refused as a whole, each gift decided once
        assert outcomes.count(DispatchErrorCode.RECIPIENT_NOT_RECLAIMABLE) == 2
        assert outcomes.count(DispatchErrorCode.GIFT_ALREADY_DECIDED) == 2
        assert final == [Status.REFUSED, Status.RECEIVED]
    given_back = sum(
        r.amount
        for r in dispatch.recipients.all()
        if r.status in (Status.REFUSED, Status.RECLAIMED)
    )
    assert purchase.balance == 80_000 + given_back
    assert purchase.reserved == 0
