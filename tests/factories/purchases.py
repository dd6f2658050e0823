"""Approved purchases through the real services (request as the company, approve as staff)."""

from __future__ import annotations

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
