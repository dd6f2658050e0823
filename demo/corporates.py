"""The onnuri-biz demo company for `make run` (README "Demo accounts"); never loaded in production.

Made by the real services, as a company comes to exist (manual 004 §1): its sign-up with papers
and the master's sandbox verification, the operator's approval (the sign-up bank account goes in
use), the master's invitation of a general admin, who joins from the SMS link. The events,
consents, audit rows and SMS are theirs. Idempotent: a later run only resets the passwords.
"""

from __future__ import annotations

import io
import re

from django.contrib.auth.hashers import make_password
from django.db import transaction

from domain.consents.selectors import consent_documents_current
from domain.corporates.corporate_admins import MANAGER_KIND
from domain.corporates.invitations import (
    InvitationAcceptData,
    invitation_accept,
    invitation_create,
)
from domain.corporates.models import Corporate, CorporateManager
from domain.corporates.review import corporate_approve
from domain.corporates.signup import CorporateSignUpData, corporate_sign_up
from domain.members.models import Member
from domain.messaging.models import OutboxMessage
from domain.sites.manual import render_manual
from domain.verifications.models import Verification
from domain.verifications.providers.sandbox import SANDBOX_CODE
from domain.verifications.services import verification_confirm, verification_start

COMPANY = {
    "name": "(주)온누리데모",
    "business_number": "1234500003",  # a valid check digit (SPEC §13)
    "representative_name": "박대표",
    "representative_phone": "0215331728",
    "bank_code": "089",  # 케이뱅크, as in manual 004's screens
    "account_number": "70010012345678",
    "headcount": 45,
}
# role label, login, verified person (sandbox identity, SPEC §12), department, position
MASTER = {
    "role": "master",
    "username": "demomaster",
    "password": "Gift#Card2024",
    "identity": {
        "name": "김온누",
        "birth_date": "1985-03-15",
        "gender": "male",
        "phone": "01055550001",
        "carrier": "SKT",
        "nationality": "domestic",
    },
    "department": "총무팀",
    "position": "과장",
}
ADMIN = {
    "role": "general-admin",
    "username": "demoadmin",
    "password": "Gift#Send2024",
    "identity": {
        "name": "이상품",
        "birth_date": "1992-07-20",
        "gender": "female",
        "phone": "01055550002",
        "carrier": "KT",
        "nationality": "domestic",
    },
    "department": "인사팀",
    "position": "대리",
}
JOIN_LINK_RE = re.compile(r"/join/([A-Za-z0-9_-]+)")


def demo_corporate_ensure(*, site, operator: Member) -> list[tuple[str, str, str, str]]:
    """The approved demo company of `site`, its master and general admin (created once);
    their passwords and lockout reset. Returns (site, role, ID, password) of each."""
    hashes = {d["username"]: make_password(d["password"]) for d in (MASTER, ADMIN)}
    with transaction.atomic():
        corporate = demo_corporate(site=site) or _sign_up(site)
        if corporate.status == Corporate.Status.PENDING_REVIEW:
            corporate_approve(site=site, staff=operator, corporate_id=corporate.pk)
        if not Member.objects.filter(site=site, username=ADMIN["username"]).exists():
            _admin_join(site, corporate)
        return _passwords_reset(site, corporate, hashes)


def demo_corporate(*, site) -> Corporate | None:
    """The demo company of `site`, if it was made (a rejected one does not count)."""
    return (
        Corporate.objects.filter(site=site, business_number=COMPANY["business_number"])
        .exclude(status=Corporate.Status.REJECTED)
        .first()
    )


def _document(title: str, company: dict) -> io.BytesIO:
    """A real, readable PDF standing in for a scanned paper (PDF by content, SPEC §14)."""
    text = f"{company['name']} ({company['business_number']})\n\n데모용 견본 서류입니다."
    return io.BytesIO(render_manual(title=title, text=text))


def _verification_token(site, purpose: str, identity: dict) -> str:
    started = verification_start(site=site, purpose=purpose, method="mobile")
    return verification_confirm(
        site=site,
        verification_id=started.verification.pk,
        payload={"code": SANDBOX_CODE, "identity": identity},
    ).token


def _agreements(site) -> list[dict]:
    """The required sign-up documents, agreed (the optional ones are left unanswered)."""
    return [
        {"document": d.code, "version": d.version, "agreed": True}
        for d in consent_documents_current(site=site, kind=MANAGER_KIND)
        if d.required
    ]


def _sign_up(site) -> Corporate:
    return sample_corporate_sign_up(site=site, company=COMPANY, master=MASTER)


def sample_corporate_sign_up(*, site, company: dict, master: dict) -> Corporate:
    """A company signs up as manual 004 §1.1 has it, with sample papers and the master's sandbox
    verification; `company` and `master` are shaped like COMPANY and MASTER. Used for the demo
    company and for the load run's companies (bench/fixtures.py)."""
    return corporate_sign_up(
        site=site,
        data=CorporateSignUpData(
            company_name=company["name"],
            business_number=company["business_number"],
            representative_name=company["representative_name"],
            representative_phone=company["representative_phone"],
            registration_certificate=_document("사업자등록증 (견본)", company),
            bank_code=company["bank_code"],
            account_number=company["account_number"],
            account_holder=company["name"],
            bankbook=_document("통장사본 (견본)", company),
            headcount_document_type=Corporate.HeadcountDocument.SUBSCRIBER_LIST,
            headcount_document=_document("사업장 가입자별 부과내역 (견본)", company),
            headcount=company["headcount"],
            department=master["department"],
            position=master["position"],
            email=f"{master['username']}@{site.slug}.example",
            username=master["username"],
            password=master["password"],
            password_confirm=master["password"],
            verification_token=_verification_token(
                site, Verification.Purpose.SIGN_UP, master["identity"]
            ),
            consents=_agreements(site),
        ),
    )


def _admin_join(site, corporate: Corporate) -> None:
    """The master invites the admin (멤버 추가), who joins from the texted link (manual 004
    §1.2): the link's token is read from the SMS, as the invitee would."""
    master = CorporateManager.objects.select_related("member").get(
        corporate=corporate, role=CorporateManager.Role.MASTER
    )
    person = ADMIN["identity"]
    invitation = invitation_create(
        manager=master,
        name=person["name"],
        department=ADMIN["department"],
        position=ADMIN["position"],
        mobile=person["phone"],
    )
    sms = OutboxMessage.objects.filter(
        channel=OutboxMessage.Channel.SMS, to=invitation.mobile, purpose="invitation"
    ).latest("pk")
    invitation_accept(
        site=site,
        token=JOIN_LINK_RE.search(sms.body).group(1),
        data=InvitationAcceptData(
            company_name=corporate.name,
            business_number=corporate.business_number,
            email=f"{ADMIN['username']}@{site.slug}.example",
            username=ADMIN["username"],
            password=ADMIN["password"],
            password_confirm=ADMIN["password"],
            verification_token=_verification_token(site, Verification.Purpose.INVITATION, person),
            consents=_agreements(site),
        ),
    )


def _passwords_reset(site, corporate: Corporate, hashes: dict) -> list[tuple[str, str, str, str]]:
    """The demo managers still in the company and active, with their demo password again."""
    rows = []
    for demo in (MASTER, ADMIN):
        manager = (
            CorporateManager.objects.select_related("member")
            .filter(corporate=corporate, member__username=demo["username"])
            .first()
        )
        if manager is None or manager.member.status != Member.Status.ACTIVE:
            continue  # deleted or withdrawn through the API: a fresh database brings it back
        member = manager.member
        member.password = hashes[demo["username"]]
        member.failed_login_count = 0
        member.locked_until = None
        member.password_change_required = False
        member.temporary_password_expires_at = None
        member.save(
            update_fields=[
                "password",
                "failed_login_count",
                "locked_until",
                "password_change_required",
                "temporary_password_expires_at",
                "updated_at",
            ]
        )
        role = "master" if manager.role == CorporateManager.Role.MASTER else "general-admin"
        rows.append((site.slug, role, member.username, demo["password"]))
    return rows
