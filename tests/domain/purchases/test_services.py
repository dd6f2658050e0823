"""Purchase services: limits under concurrency, approve/cancel races, expiry, usable balance and
the database's own guards (SPEC §7.3)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from domain.corporates.models import Corporate, CorporateManager
from domain.purchases.deadlines import business_day, deposit_deadline
from domain.purchases.models import Purchase, PurchaseEvent
from domain.purchases.services import (
    discount_for,
    purchase_approve,
    purchase_balance_usable,
    purchase_cancel,
    purchase_request,
    purchases_expire,
)
from tests.concurrency import run_concurrently
from tests.factories.corporates import corporate_with_master, manager_create
from tests.factories.members import MemberFactory

Status = Purchase.Status


def staff_of(corporate):
    return MemberFactory(site=corporate.site, username="operator9x", staff=True)


def scope(corporate):
    return Corporate.objects.filter(site=corporate.site)


@pytest.mark.parametrize(
    "amount,rate,room,expected",
    [
        (2_000_000, "5.00", 50_000_000, (2_000_000, 100_000)),
        (3_000_000, "10.00", 1_000_000, (1_000_000, 100_000)),
        (1_000, "3.33", 50_000_000, (1_000, 33)),
        (5_000_000, "10.00", 0, (0, 0)),
    ],
)
def test_discount_is_floored_on_the_part_within_the_discount_limit(amount, rate, room, expected):
    assert discount_for(amount=amount, rate=Decimal(rate), discount_room=room) == expected


def test_weekends_and_korean_holidays_are_not_business_days():
    assert business_day(dt.date(2026, 11, 20))  # Friday
    assert not business_day(dt.date(2026, 11, 21))  # Saturday
    assert not business_day(dt.date(2026, 9, 25))  # Chuseok
    assert not business_day(dt.date(2026, 10, 5))  # substitute for National Foundation Day
    seoul = timezone.get_current_timezone()
    at = dt.datetime(2026, 10, 2, 15, 0, tzinfo=seoul)  # Friday 15:00 sharp is too late
    assert deposit_deadline(at) == dt.datetime(2026, 10, 6, 15, 0, tzinfo=seoul)


@pytest.mark.django_db
def test_the_database_refuses_a_balance_beyond_the_amount_or_negative():
    master = corporate_with_master()
    purchase = purchase_request(manager=master, amount=1_000_000)
    for balance, reserved in [(-1, 0), (0, -1), (700_000, 300_001), (1_000_001, 0)]:
        with pytest.raises(IntegrityError), transaction.atomic():
            Purchase.objects.filter(pk=purchase.pk).update(balance=balance, reserved=reserved)
    for amount in (0, 1_500):
        with pytest.raises(IntegrityError), transaction.atomic():
            Purchase.objects.filter(pk=purchase.pk).update(amount=amount)


@pytest.mark.django_db
def test_an_expired_purchase_balance_is_not_usable():
    master = corporate_with_master()
    corporate = master.corporate
    purchase = purchase_request(manager=master, amount=1_000_000)
    assert purchase_balance_usable(purchase) == 0  # pending
    purchase_approve(
        corporates=scope(corporate), staff=staff_of(corporate), purchase_id=purchase.pk
    )
    purchase.refresh_from_db()
    assert purchase_balance_usable(purchase) == 1_000_000
    after = purchase.expires_at + dt.timedelta(seconds=1)
    assert purchase_balance_usable(purchase, now=after) == 0  # past its date, before the job
    assert purchases_expire(now=purchase.expires_at - dt.timedelta(days=1)) == []
    assert [p.pk for p in purchases_expire(now=after)] == [purchase.pk]
    purchase.refresh_from_db()
    assert purchase.status == Status.EXPIRED
    assert purchase_balance_usable(purchase, now=purchase.expires_at - dt.timedelta(days=1)) == 0
    event = PurchaseEvent.objects.get(purchase=purchase, type="expired")
    assert (event.old_status, event.new_status) == ("approved", "expired")
    assert purchases_expire(now=after) == []  # once


def test_the_expiry_job_is_scheduled_daily():
    from workers.schedules import PERIODIC

    job = next(job for job in PERIODIC if job.name == "purchases-expire")
    assert job.func == "workers.purchases.expire_purchases" and job.minutes == 24 * 60


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_concurrent_requests_never_accept_more_than_the_monthly_limit():
    master = corporate_with_master()
    corporate = master.corporate
    corporate.monthly_purchase_limit = 10_000_000
    corporate.monthly_discount_limit = 5_000_000
    corporate.save()
    managers = [master] + [
        manager_create(corporate=corporate, username=f"general{i:02d}") for i in range(19)
    ]

    def request(index):
        return purchase_request(
            manager=CorporateManager.objects.get(pk=managers[index].pk), amount=1_000_000
        ).pk

    outcomes = run_concurrently(request, 20)
    accepted = [o for o in outcomes if isinstance(o, int)]
    assert len(accepted) == 10
    assert sorted(set(outcomes) - set(accepted)) == ["monthly_limit_exceeded"]
    purchases = Purchase.objects.filter(corporate=corporate)
    assert sum(p.amount for p in purchases) == 10_000_000
    assert sum(p.discount_base for p in purchases) == 5_000_000


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_approve_and_cancel_end_in_exactly_one():
    master = corporate_with_master()
    corporate = master.corporate
    staff = staff_of(corporate)
    purchase = purchase_request(manager=master, amount=1_000_000)

    def act(index):
        if index % 2:
            return purchase_approve(
                corporates=scope(corporate), staff=staff, purchase_id=purchase.pk
            ).status
        return purchase_cancel(manager=master, purchase_id=purchase.pk).status

    outcomes = run_concurrently(act, 2)
    assert sorted(outcomes, key=str).count("invalid_transition") == 1
    purchase.refresh_from_db()
    assert purchase.status in (Status.APPROVED, Status.CANCELLED)
    assert [o for o in outcomes if o != "invalid_transition"] == [purchase.status]
    assert PurchaseEvent.objects.filter(purchase=purchase).exclude(type="requested").count() == 1
    assert purchase.balance == (1_000_000 if purchase.status == Status.APPROVED else 0)


@pytest.mark.django_db
def test_an_amount_past_won_max_is_refused_whatever_the_companys_limit():
    """The monthly limit is staff's setting; the amount's bound is not (domain.common.money)."""
    from domain.common.errors import DomainError
    from domain.common.money import WON_MAX

    manager = corporate_with_master(username="bigbuyer1")
    Corporate.objects.filter(pk=manager.corporate_id).update(monthly_purchase_limit=2**62)
    with pytest.raises(DomainError) as refused:
        purchase_request(manager=manager, amount=WON_MAX + 1_000)
    assert (refused.value.code, refused.value.attr) == ("invalid_purchase_amount", "amount")
    assert not Purchase.objects.exists()
    assert purchase_request(manager=manager, amount=WON_MAX).amount == WON_MAX
