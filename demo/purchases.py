"""The onnuri-biz demo company's purchases for `make run` (README "Demo accounts"); never loaded
in production.

Made by the real services, as a company buys (manual 004 §2.1–2.2; SPEC §7.3): the demo master
requests a purchase and `operator1` approves it as after its deposit, so the dashboard shows a
balance to send gifts from; a second request waits for its deposit. Made once: a company that
already has purchases (these, or ones made through the API since) gets none added.
"""

from __future__ import annotations

from django.db import transaction

from domain.corporates.models import Corporate, CorporateManager
from domain.members.models import Member
from domain.purchases.models import Purchase
from domain.purchases.services import purchase_approve, purchase_request

from .corporates import demo_corporate

APPROVED_AMOUNT = 5_000_000  # won; approved: the dashboard's balance
PENDING_AMOUNT = 1_000_000  # won; waiting for its deposit


def demo_purchases_ensure(*, site, operator: Member) -> None:
    """An approved and a pending purchase of the demo company of `site`, unless it has any."""
    corporate = demo_corporate(site=site)
    if corporate is None or corporate.status != Corporate.Status.APPROVED:
        return
    with transaction.atomic():
        # Under the company's lock, as purchase_request takes it: two seeders make one set.
        Corporate.objects.select_for_update().get(pk=corporate.pk)
        if Purchase.objects.filter(corporate=corporate).exists():
            return
        master = CorporateManager.objects.select_related("member").get(
            corporate=corporate, role=CorporateManager.Role.MASTER
        )
        purchase = purchase_request(manager=master, amount=APPROVED_AMOUNT)
        purchase_approve(
            corporates=Corporate.objects.filter(pk=corporate.pk),
            staff=operator,
            purchase_id=purchase.pk,
        )
        purchase_request(manager=master, amount=PENDING_AMOUNT)
