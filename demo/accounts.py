"""Demo accounts for `make run` (README "Demo accounts"); never loaded in production."""

from datetime import date

from django.contrib.auth.hashers import make_password
from django.db import transaction

from domain.audit.services import RequestContext
from domain.consents.services import consents_agree_all_required
from domain.corporates.corporate_admins import MANAGER_KIND
from domain.members.models import Member
from domain.members.passwords import password_check
from domain.sites.models import Site

from .corporates import demo_corporate_ensure
from .purchases import demo_purchases_ensure

DEMO_MEMBER = {"username": "demomember", "password": "Sunny!Day42"}
DEMO_OPERATOR = {"username": "operator1", "password": "Night#Owl8031"}


def demo_accounts_ensure() -> list[tuple[str, str, str, str]]:
    """Create (or reset) one member and one operator per site, and on a site with corporates
    (onnuri-biz) an approved demo company whose master and general admin stand in for the
    member (a manager needs a company), with its purchases where the site has them; returns
    (site, role, ID, password)."""
    # Hashed once each, before the transaction (SQLite write lock).
    hashes = {c["username"]: make_password(c["password"]) for c in (DEMO_MEMBER, DEMO_OPERATOR)}
    created: list[tuple[Site, Member, list]] = []  # site, its operator, its rows
    with transaction.atomic():
        for site in Site.objects.filter(is_active=True):
            kind = site.rules.member_kinds[0].code
            roles = [("operator", DEMO_OPERATOR, {"kind": "staff", "is_staff": True})]
            if kind != MANAGER_KIND:
                roles.insert(0, ("member", DEMO_MEMBER, {"kind": kind, "is_staff": False}))
            rows, operator = [], None
            for role, creds, extra in roles:
                password_check(site=site, password=creds["password"], username=creds["username"])
                member, _ = Member.objects.update_or_create(
                    site=site,
                    username=creds["username"],
                    defaults={
                        **extra,
                        "name": "홍길동" if role == "member" else "운영자",
                        "birth_date": date(1990, 1, 1),
                        "gender": Member.Gender.MALE,
                        "mobile": "01012345678" if role == "member" else "01098765432",
                        "email": f"{creds['username']}@{site.slug}.example",
                        "status": Member.Status.ACTIVE,
                        "failed_login_count": 0,
                        "locked_until": None,
                    },
                )
                member.password = hashes[creds["username"]]
                member.save(update_fields=["password"])
                if not member.consent_records.exists():
                    consents_agree_all_required(
                        member=member, context=RequestContext(), source="sign_up"
                    )
                rows.append((site.slug, role, creds["username"], creds["password"]))
                if role == "operator":
                    operator = member
            created.append((site, operator, rows))
    result = []
    for site, operator, rows in created:
        result += rows
        if "corporates" in site.rules.features and site.rules.kind(MANAGER_KIND):
            result += demo_corporate_ensure(site=site, operator=operator)
            if "purchases" in site.rules.features:
                demo_purchases_ensure(site=site, operator=operator)
    return result
