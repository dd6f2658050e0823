"""The create service's choice of purchase when a race is lost (domain.dispatches.create;
SPEC §7.4): the candidates are read unlocked, so the first may be drained by a concurrent
dispatch before its lock is taken; it then refuses under the lock and the next one is used."""

import pytest

from domain.dispatches import create as create_module
from domain.dispatches.create import dispatch_create
from domain.dispatches.models import Dispatch, Recipient
from domain.purchases import ledger
from tests.factories.corporates import corporate_with_master
from tests.factories.dispatches import dispatch_send_token, recipients_of
from tests.factories.purchases import approved_purchase

pytestmark = pytest.mark.django_db


def create(manager, count: int = 3):
    return dispatch_create(
        manager=manager,
        site=manager.corporate.site,
        title="설 선물",
        send_type=Dispatch.SendType.IMMEDIATE,
        scheduled_at=None,
        subject="",
        body="설 선물을 보내드립니다.",
        image=None,
        recipients=[{"name": n, "mobile": m, "amount": a} for n, m, a in recipients_of(count)],
        upload_id=None,
        verification_token=dispatch_send_token(manager),
    )


def test_a_candidate_drained_before_its_lock_gives_way_to_the_next(monkeypatch):
    monkeypatch.setattr(create_module, "async_task", lambda *args: None)
    manager = corporate_with_master(mobile="01055554444")
    first = approved_purchase(manager, 50_000)
    second = approved_purchase(manager, 50_000)
    real_reserve = ledger.purchase_reserve
    tried = []

    def reserve_after_a_rival(**kwargs):
        tried.append(kwargs["purchase_id"])
        if len(tried) == 1:  # a concurrent dispatch drained it before our lock: refused
            raise kwargs["refusal"]
        return real_reserve(**kwargs)

    monkeypatch.setattr(create_module, "purchase_reserve", reserve_after_a_rival)
    dispatch = create(manager)
    assert tried == [first.pk, second.pk]
    assert dispatch.purchase == second
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.balance, first.reserved) == (50_000, 0)
    assert (second.balance, second.reserved) == (20_000, 30_000)
    # The attempt on the first candidate left nothing behind (its savepoint rolled back).
    assert Dispatch.objects.count() == 1 and Recipient.objects.count() == 3
    assert list(Dispatch.objects.values_list("id", flat=True)) == [dispatch.pk]
