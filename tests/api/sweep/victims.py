"""The permission sweep's victims: one factory per resource of schema.yml.

A resource is an operation's path up to its last object parameter (tests.schema_operations):
`purchases/{id}` serves `GET purchases/{id}/` and every `POST purchases/{id}/<action>/`. Each
factory makes, in the test's database, objects owned by a victim — a company of onnuri-biz with a
master and a general admin, or members of the other sites — and returns them as `Victim`s: the
path values that address them and the members close to them (who are refused wherever the
capability table does not give them the operation's capability). An operation whose resource
has no factory here fails the sweep, by name: a new endpoint is covered as soon as it exists,
or the suite is red.

How a caller proves it may act (`Credential`):
- ROLE: a member's token, the capability the view declares, and the object's scope;
- PATH_SECRET: holding the path's value is the credential (an invitation link's token): a
  wrong value, or the right one on another site, must find nothing;
- SIGNED: a partner server's HMAC signature (the gift app's callbacks, SPEC §9 table "POST
  sites/{site}/gifts/{code}/receive/"): without a valid signature, 401 whoever calls.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from functools import cached_property

from django.db import models
from django.utils import timezone

from domain.common.hashing import keyed_hash
from domain.common.uploads import store_private_upload
from domain.corporates.invitations import TOKEN_PURPOSE, invitation_create
from domain.corporates.models import BankAccount, CorporateManager
from domain.members.models import Guardianship, Member, NameChangeRequest
from domain.purchases.deposits import deposit_statement_upload
from domain.purchases.services import purchase_request
from domain.sites.models import Site
from domain.verifications.services import verification_start
from tests.api.corporates import pdf_file
from tests.conftest import SITE_SLUGS
from tests.factories.corporates import corporate_with_master, manager_create
from tests.factories.dispatches import dispatch_make
from tests.factories.members import MemberFactory
from tests.factories.purchases import approved_purchase, site_operator

ONNURI = "onnuri-biz"


class Credential(StrEnum):
    ROLE = "role"
    PATH_SECRET = "path secret"
    SIGNED = "signed"


@dataclass
class Victim:
    site: Site
    values: dict[str, object]  # path parameter → value addressing the object
    obj: models.Model  # whose data must not reach a refused caller
    # Members close to the object (its company's managers, its owner, a guardian): each is
    # refused where the capability table does not grant it the operation's capability.
    insiders: dict[str, Member] = field(default_factory=dict)
    # Further callers unrelated to the object (another guardian): always refused.
    outsiders: dict[str, Member] = field(default_factory=dict)


@dataclass(frozen=True)
class Target:
    make: Callable[[World], list[Victim]]
    credential: Credential = Credential.ROLE
    # Bodies better than the schema's minimal one, by operationId (a real recipient id, so a
    # refusal that failed would really remove someone).
    bodies: dict[str, Callable[[Victim], dict]] = field(default_factory=dict)
    # SIGNED: the headers of a valid signature for (victim, method, path, body), for the call
    # that proves the victim's values address something.
    sign: Callable[[Victim, str, str, bytes], dict] | None = None


class World:
    """The victim's side and everyone else, made on first use (SITE_SLUGS: the four sites)."""

    def site(self, slug: str) -> Site:
        return Site.objects.get(slug=slug)

    def other_site(self, site: Site) -> Site:
        return self.site(next(slug for slug in SITE_SLUGS if slug != site.slug))

    def staff(self, site: Site) -> Member:
        return site_operator(site, username=f"sweepop{site.pk}")

    def member(self, site: Site) -> Member:
        """A member of `site` with no relation to any victim."""
        found = Member.objects.filter(site=site, username=f"sweeper{site.pk}").first()
        return found or MemberFactory(site=site, username=f"sweeper{site.pk}")

    @cached_property
    def master(self) -> CorporateManager:
        master = corporate_with_master(
            username="victimmaster", business_number="1248100998", mobile="01077770001"
        )
        corporate = master.corporate
        corporate.name = "(주)피해자상사"
        path = _private_pdf("sweep-docs")
        corporate.registration_certificate = corporate.headcount_document = path
        corporate.save()
        BankAccount.objects.filter(corporate=corporate).update(bankbook=path)
        return master

    @cached_property
    def general(self) -> CorporateManager:
        return manager_create(
            corporate=self.master.corporate,
            username="victimgeneral",
            role="general",
            mobile="01077770002",
        )

    @cached_property
    def rival(self) -> CorporateManager:
        """The master of another approved company of onnuri-biz."""
        return corporate_with_master(
            username="rivalmaster", business_number="2208162517", mobile="01077770003"
        )

    def company(self) -> dict[str, Member]:
        return {"master": self.master.member, "general admin": self.general.member}

    def outsiders(self, site: Site) -> dict[str, Member]:
        found = {"a member of the site": self.member(site)}
        if "corporates" in site.rules.features:
            found["another company's master"] = self.rival.member
        return found


def _private_pdf(folder: str) -> str:
    return store_private_upload(file=pdf_file(), folder=folder).path


def _invite(world: World, *, name: str, mobile: str):
    return invitation_create(
        manager=world.master, name=name, department="총무팀", position="사원", mobile=mobile
    )


def _company_victim(world: World, obj: models.Model, **values) -> Victim:
    return Victim(
        site=world.master.corporate.site, values=values, obj=obj, insiders=world.company()
    )


# --- factories, one per resource ----------------------------------------------------------


def bank_accounts(world: World) -> list[Victim]:
    pending = BankAccount.objects.create(
        corporate=world.master.corporate,
        bank_code="004",
        number="98765432101",
        holder="(주)피해자상사",
        bankbook=_private_pdf("sweep-bankbooks"),
        bankbook_content_type="application/pdf",
    )
    in_use = world.master.corporate.bank_accounts.get(status=BankAccount.Status.IN_USE)
    return [
        _company_victim(world, pending, id=pending.pk),
        _company_victim(world, in_use, id=in_use.pk),
    ]


def corporate_member_entries(world: World) -> list[Victim]:
    """An entry of the 멤버 list: a general admin (`admin-<n>`) and a pending invitation
    (`invitation-<n>`)."""
    general = world.general
    invitation = _invite(world, name="김피초대", mobile="01077770004")
    return [
        _company_victim(world, general, id=f"admin-{general.pk}"),
        _company_victim(world, invitation, id=f"invitation-{invitation.pk}"),
    ]


def corporates(world: World) -> list[Victim]:
    corporate = world.master.corporate
    return [_company_victim(world, corporate, id=corporate.pk)]


def purchases(world: World) -> list[Victim]:
    pending = purchase_request(manager=world.master, amount=1_230_000)
    return [_company_victim(world, pending, id=pending.pk)]


def deposit_statements(world: World) -> list[Victim]:
    """A statement of the receiving account with a row proposed for the victim's purchase."""
    purchase = purchase_request(manager=world.master, amount=1_230_000)
    site = world.master.corporate.site
    rows = f"거래일시,입금자명,입금액\n2030-01-02 12:00,피해자상사,{purchase.deposit_amount}\n"
    file = io.BytesIO(rows.encode())
    file.name = "sweep-statement.csv"
    statement = deposit_statement_upload(site=site, staff=world.staff(site), file=file)
    return [_company_victim(world, statement, id=statement.pk)]


def dispatches(world: World) -> list[Victim]:
    """A scheduled dispatch (changeable, cancellable) with two recipients."""
    dispatch = dispatch_make(
        manager=world.master,
        purchase=approved_purchase(world.master, 500_000),
        recipients=[("김피수신", "01077771001", 10_000), ("이피수신", "01077771002", 20_000)],
        send_type="scheduled",
        scheduled_at=timezone.now() + timedelta(days=2),
        title="피해자 설 선물",
    )
    return [_company_victim(world, dispatch, id=dispatch.pk)]


def _first_recipient(victim: Victim) -> dict:
    return {"recipients": [victim.obj.recipients.order_by("row").first().pk]}


INVITATION_TOKEN = "sweep-invitation-link-token-0123456789abcdef"


def invitation_links(world: World) -> list[Victim]:
    invitation = _invite(world, name="김링크", mobile="01077770005")
    # A known link token (the real one travels only by SMS).
    invitation.token_hash = keyed_hash(INVITATION_TOKEN, purpose=TOKEN_PURPOSE)
    invitation.save(update_fields=["token_hash"])
    return [_company_victim(world, invitation, token=INVITATION_TOKEN)]


def wards(world: World) -> list[Victim]:
    """A child of yongin-library and its verified guardian; another guardian with its own
    child must not reach it."""
    site = world.site("yongin-library")

    def family(prefix: str, digit: str) -> tuple[Member, Member]:
        guardian = MemberFactory(site=site, username=f"{prefix}parent", ci_hash=digit * 64)
        child = MemberFactory(site=site, username=f"{prefix}child", kind="child", name="김피아동")
        Guardianship.objects.create(
            child=child,
            guardian_name=guardian.name,
            guardian_phone=guardian.mobile,
            guardian_ci_hash=guardian.ci_hash,
            verification_method="mobile",
            verified_at=timezone.now(),
        )
        return guardian, child

    guardian, child = family("victim", "a")
    other_guardian, _ = family("other", "b")
    return [
        Victim(
            site=site,
            values={"id": child.pk},
            obj=child,
            insiders={"guardian": guardian, "the ward itself": child},
            outsiders={"another guardian": other_guardian},
        )
    ]


def name_changes(world: World) -> list[Victim]:
    site = world.site("animal-protection")
    owner = MemberFactory(site=site, username="victimrename", name="김피개명")
    request = NameChangeRequest.objects.create(
        site=site,
        member=owner,
        current_name=owner.name,
        requested_name="김새이름",
        evidence=_private_pdf("sweep-names"),
        evidence_content_type="application/pdf",
    )
    return [Victim(site=site, values={"id": request.pk}, obj=request, insiders={"owner": owner})]


def verifications(world: World) -> list[Victim]:
    """A code verification the victim's master started (purpose dispatch_send): bound to the
    master. (One started anonymously, for a sign-up, is addressed by its random id and guarded
    by its code and five tries; any holder of the id may try a code, by design.)"""
    started = verification_start(
        site=world.master.corporate.site,
        purpose="dispatch_send",
        method="sms_code",
        member=world.master.member,
    )
    verification = started.verification
    victim = _company_victim(world, verification, id=verification.id)
    victim.outsiders = {"a general admin of the same company": world.general.member}
    return [victim]


def gifts(world: World) -> list[Victim]:
    """A gift sent with a known claim code (the gift app's factories)."""
    from tests.factories.gifts import dispatch_sent

    dispatch = dispatch_sent(
        manager=world.master,
        purchase=approved_purchase(world.master, 100_000),
        codes=["SWEEPGIFTCODE01"],
    )
    recipient = dispatch.recipients.get(row=1)
    return [_company_victim(world, recipient, code="SWEEPGIFTCODE01")]


def gift_app_signature(victim: Victim, method: str, path: str, body: bytes) -> dict:
    from tests.factories.gifts import gift_app_headers

    return gift_app_headers(path, body, method=method)


REGISTRY: dict[str, Target] = {
    "accounts/{id}": Target(bank_accounts),
    "corporate-members/{id}": Target(corporate_member_entries),
    "corporates/{id}": Target(corporates),
    "dispatches/{id}": Target(
        dispatches, bodies={"sites_dispatches_recipients_remove_create": _first_recipient}
    ),
    "gifts/{code}": Target(gifts, credential=Credential.SIGNED, sign=gift_app_signature),
    "invitations/{token}": Target(invitation_links, credential=Credential.PATH_SECRET),
    "members/{id}": Target(wards),
    "name-change-requests/{id}": Target(name_changes),
    "purchases/deposits/{id}": Target(deposit_statements),
    "purchases/{id}": Target(purchases),
    "verifications/{id}": Target(verifications),
}
