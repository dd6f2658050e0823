"""Purchases for tests: approved through the real services (request as the company, approve as
staff), or rows in bulk for tests about lists and exports (not about the request rules: those go
through the service or the API)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from domain.corporates.models import Corporate, CorporateManager
from domain.purchases.models import Purchase
from domain.purchases.services import (
    purchase_approve,
    purchase_documents_received,
    purchase_request,
)
from tests.factories.members import MemberFactory


def site_operator(site, username: str = "operator7x"):
    from domain.members.models import Member

    existing = Member.objects.filter(site=site, username=username).first()
    return existing or MemberFactory(site=site, username=username, staff=True)


def approved_purchase(manager: CorporateManager, amount: int) -> Purchase:
    """A purchase of `amount` won by `manager`'s company, approved (balance = amount); the
    documents of a large one are marked received first."""
    purchase = purchase_request(manager=manager, amount=amount)
    corporate = manager.corporate
    review = {
        "corporates": Corporate.objects.filter(pk=corporate.pk),
        "staff": site_operator(corporate.site),
        "purchase_id": purchase.pk,
    }
    if purchase.documents_required:
        purchase_documents_received(**review)
    return purchase_approve(**review)


def purchases_bulk(
    manager: CorporateManager,
    count: int,
    *,
    created_at: dt.datetime | None = None,
    status: str = Purchase.Status.PENDING,
) -> list[Purchase]:
    """`count` purchases of 1,000 won at 5 % by `manager`'s company, one second apart (newest
    first at `created_at`, default now); approved ones carry their balance and expiry."""
    start = created_at or timezone.now()
    approved = status == Purchase.Status.APPROVED
    rows = []
    for n in range(count):
        moment = start - dt.timedelta(seconds=n)
        rows.append(
            Purchase(
                corporate=manager.corporate,
                requested_by=manager.member,
                amount=1_000 * (n + 1),
                discount_rate=Decimal("5.00"),
                discount_amount=50 * (n + 1),
                deposit_amount=950 * (n + 1),
                depositor_bank_code="089",
                depositor_account_masked="700100*****",
                depositor_holder=manager.corporate.name,
                deposit_deadline=moment,
                status=status,
                balance=1_000 * (n + 1) if approved else 0,
                approved_at=moment if approved else None,
                expires_at=moment + dt.timedelta(days=5 * 365) if approved else None,
                created_at=moment,
            )
        )
    return Purchase.objects.bulk_create(rows)
