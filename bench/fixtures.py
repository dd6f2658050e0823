"""Rows the load run and the served benchmark need, made in the server's database by the real
services; run in a process of its own with the server's settings, before the server starts:

    python -m bench.fixtures load-managers <count> <out.json>   # bench/load.py
    python -m bench.fixtures served <out.json>                  # bench/served.py

`load-managers`: `count` approved onnuri-biz companies (sample papers, the master's sandbox
verification, `operator1`'s approval — demo/corporates.py's way) each with an approved
purchase to send gifts from; writes the masters' credentials and mobiles.

`served`: what the served benchmark compares (README "Benchmarks"): a member of a globally
unique ID for simplejwt's stock login view (its ModelBackend looks the ID up across sites), a
full page of purchases and of dispatches for the demo company, and an access token of its master
minted here (the onnuri-biz login needs an SMS code, and the login is measured on its own).
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

LOAD_PASSWORD = "Load#Gift2024"  # the masters of the load run's companies
APPROVED_AMOUNT = 5_000_000  # won each load company may send gifts from
STOCK_USERNAME = "benchstockuser"  # globally unique: the stock view's lookup is site-blind
LIST_ROWS = 20  # a full first page (REST_FRAMEWORK PAGE_SIZE)


def hangul(n: int, syllables: int = 2) -> str:
    """`n` written as Hangul syllables (가, 각, ...): distinct names for distinct people."""
    chars = []
    for _ in range(syllables):
        n, rest = divmod(n, 11172)
        chars.append(chr(0xAC00 + rest))
    return "".join(reversed(chars))


def load_managers(count: int) -> list[dict]:
    from demo.corporates import sample_corporate_sign_up
    from domain.corporates.models import Corporate, CorporateManager
    from domain.corporates.review import corporate_approve
    from domain.members.models import Member
    from domain.purchases.services import purchase_approve, purchase_request
    from domain.sites.models import Site
    from tests.factories.corporates import business_number

    site = Site.objects.get(slug="onnuri-biz")
    operator = Member.objects.get(site=site, username="operator1")
    managers = []
    for i in range(count):
        mobile = f"0107{i:07d}"
        master = {
            "username": f"loadmaster{i:03d}",
            "password": LOAD_PASSWORD,
            "identity": {
                "name": "부하" + hangul(i),
                "birth_date": "1980-01-01",
                "gender": "male",
                "phone": mobile,
                "carrier": "SKT",
                "nationality": "domestic",
            },
            "department": "총무팀",
            "position": "과장",
        }
        company = {
            "name": f"(주)부하시험{i:03d}",
            "business_number": business_number(i),
            "representative_name": "박대표",
            "representative_phone": "0215331728",
            "bank_code": "089",
            "account_number": f"7001{i:010d}",
            "headcount": 45,
        }
        corporate = sample_corporate_sign_up(site=site, company=company, master=master)
        corporate_approve(site=site, staff=operator, corporate_id=corporate.pk)
        manager = CorporateManager.objects.select_related("member").get(corporate=corporate)
        purchase = purchase_request(manager=manager, amount=APPROVED_AMOUNT)
        purchase_approve(
            corporates=Corporate.objects.filter(pk=corporate.pk),
            staff=operator,
            purchase_id=purchase.pk,
        )
        managers.append({"username": master["username"], "password": LOAD_PASSWORD})
        managers[-1]["mobile"] = mobile
    return managers


def served() -> dict:
    from django.contrib.auth.hashers import make_password

    from api.authentication import SiteRefreshToken
    from demo.accounts import DEMO_MEMBER
    from demo.corporates import MASTER, demo_corporate
    from domain.corporates.models import CorporateManager
    from domain.dispatches.models import Dispatch
    from domain.members.models import Member
    from domain.purchases.models import Purchase
    from domain.purchases.services import purchase_request
    from domain.sites.models import Site

    library = Site.objects.get(slug="yongin-library")
    # The same password and hasher as the demo member our login is measured with.
    Member.objects.update_or_create(
        site=library,
        username=STOCK_USERNAME,
        defaults={
            "kind": library.rules.member_kinds[0].code,
            "name": "홍길동",
            "birth_date": date(1990, 1, 1),
            "gender": Member.Gender.MALE,
            "mobile": "01012345679",
            "status": Member.Status.ACTIVE,
            "password": make_password(DEMO_MEMBER["password"]),
        },
    )
    onnuri = Site.objects.get(slug="onnuri-biz")
    corporate = demo_corporate(site=onnuri)
    master = CorporateManager.objects.select_related("member", "corporate").get(
        corporate=corporate, member__username=MASTER["username"]
    )
    missing = LIST_ROWS - Purchase.objects.filter(corporate=corporate).count()
    for _ in range(max(0, missing)):
        purchase_request(manager=master, amount=10_000)
    _dispatches_ensure(master, LIST_ROWS - Dispatch.objects.filter(corporate=corporate).count())
    return {
        "stock_username": STOCK_USERNAME,
        "manager_access": str(SiteRefreshToken.for_member(master.member).access_token),
    }


def _dispatches_ensure(master, missing: int) -> None:
    """Scheduled dispatches of three recipients each from the demo company's approved purchase,
    reserved through the purchase ledger (the tests' helper: the dispatch list reads rows, not
    the create endpoint)."""
    from django.utils import timezone

    from domain.dispatches.models import Dispatch
    from domain.purchases.models import Purchase
    from tests.factories.dispatches import dispatch_make, recipients_of

    purchase = Purchase.objects.filter(
        corporate=master.corporate, status=Purchase.Status.APPROVED
    ).first()
    for n in range(max(0, missing)):
        dispatch_make(
            manager=master,
            purchase=purchase,
            recipients=recipients_of(3, start=3 * n),
            send_type=Dispatch.SendType.SCHEDULED,
            scheduled_at=timezone.now() + timedelta(days=30),
            title=f"벤치 선물 {n}",
        )


def main(argv: list[str]) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings.local")
    django.setup()
    if argv[:1] == ["load-managers"] and len(argv) == 3:
        result = load_managers(int(argv[1]))
    elif argv[:1] == ["served"] and len(argv) == 2:
        result = served()
    else:
        raise SystemExit(__doc__)
    Path(argv[-1]).write_text(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
