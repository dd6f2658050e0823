"""Rows enough to fill a page of 100 for every paged list of `schema.yml`, and its callers
(list query counts independent of the page size).

`LIST_FIXTURES` maps an operationId to a function that seeds more than `ROWS_NEEDED` rows one
caller per role can see (through the services where a state needs them, on the models where
only the row matters) and returns a `ListCase`. tests/api/contract/test_list_queries.py calls every
paged list of the schema with each caller at page sizes 10 and 100; a paged list without an
entry here fails it. `make bench` prints the same counts (bench/queries.py).

Each fixture keeps its own business numbers and usernames, so all of them can be seeded into
one database (the benchmark's).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import yaml
from django.utils import timezone

from domain.corporates.invitations import invitation_create
from domain.corporates.models import BankAccount, Corporate
from domain.dispatches.models import Dispatch, Recipient
from domain.members.models import Member, NameChangeRequest
from domain.purchases.models import DepositStatement, DepositStatementRow
from domain.purchases.services import purchase_cancel, purchase_request
from domain.sites.models import Site
from tests.factories.corporates import (
    CorporateFactory,
    business_number,
    corporate_with_master,
    manager_create,
)
from tests.factories.dispatches import dispatch_make, recipients_of
from tests.factories.members import MemberFactory
from tests.factories.purchases import approved_purchase, site_operator

SCHEMA = Path(__file__).resolve().parents[3] / "schema.yml"
PAGE_SIZES = (10, 100)
ROWS_NEEDED = max(PAGE_SIZES)
ROWS = ROWS_NEEDED + 5
# GET operations answering a bare array: bounded catalogues or a member's own few rows, which
# are not paged; a new one must be added here (with why) or be paged.
UNPAGED = {
    "sites_list": "the four sites",
    "sites_consent_documents_list": "a site's current documents of one kind",
    "sites_library_branches_list": "a library's branches",
    "sites_library_upgrades_children_list": "the caller's children (at most a family)",
    "sites_members_me_consents_list": "the caller's answers to the current documents",
    "sites_members_me_social_accounts_list": "the caller's Kakao and Naver links (at most two)",
}


@dataclass
class ListCase:
    callers: dict[str, Member]  # role → the member calling
    params: dict[str, object] = field(default_factory=dict)  # path parameters besides the site
    site: str = "onnuri-biz"


def schema_lists() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(paged, unpaged) GET operations of schema.yml as (operationId, path): paged ones take
    `page_size`; unpaged ones answer an array."""
    schema = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))
    paged, unpaged = [], []
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if get is None:
            continue
        names = {parameter.get("name") for parameter in get.get("parameters", [])}
        content = get["responses"].get("200", {}).get("content", {})
        arrays = [c for c in content.values() if c.get("schema", {}).get("type") == "array"]
        if "page_size" in names:
            paged.append((get["operationId"], path))
        elif arrays:
            unpaged.append((get["operationId"], path))
    return paged, unpaged


def counted_get(api, url: str, caller, size: int) -> tuple[int, list[str]]:
    """GET one page of `size` rows as `caller`: (queries, their SQL). Django keeps at most 9,000
    logged queries and a capture counts the log's growth, so in a long process (make bench) a
    full log would count 0: it is emptied first."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from tests.conftest import bearer_for

    headers = bearer_for(caller)  # minting writes the refresh token's row: not the list's
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        response = api.get(url, {"page_size": size}, **headers)
    assert response.status_code == 200, response.json()
    assert len(response.json()["results"]) == size, "the fixture seeds too few rows"
    assert len(captured) > 0, "no query counted"
    return len(captured), [query["sql"] for query in captured.captured_queries]


def list_path(path: str, case: ListCase) -> str:
    return path.format(site=case.site, **case.params)


def _onnuri() -> Site:
    return Site.objects.get(slug="onnuri-biz")


def _master(n: int, username: str):
    return corporate_with_master(
        username=username, business_number=business_number(n), mobile=f"0103{n:07d}"
    )


def accounts() -> ListCase:
    """A company's bank accounts: one in use, the rest waiting for review or deleted."""
    master = _master(9001, "lqaccounts")
    BankAccount.objects.bulk_create(
        BankAccount(
            corporate=master.corporate,
            bank_code="004" if n % 2 else "088",
            number=f"1002{n:08d}",
            holder=master.corporate.name,
            bankbook="corporates/bankbook.pdf",
            bankbook_content_type="application/pdf",
            requested_by=master.member,
            status=BankAccount.Status.DELETED if n % 3 == 0 else BankAccount.Status.PENDING,
        )
        for n in range(ROWS)
    )
    return ListCase({"master": master.member, "staff": site_operator(_onnuri())})


def corporate_members() -> ListCase:
    """The master's 멤버 menu: general admins and pending invitations."""
    master = _master(9002, "lqmembers")
    for n in range(ROWS):
        manager_create(
            corporate=master.corporate, username=f"lqadmin{n:03d}", mobile=f"0104{n:07d}"
        )
    for n in range(3):
        invitation_create(
            manager=master, name="김초대", department="총무팀", position="대리",
            mobile=f"0105{n:07d}",
        )  # fmt: skip
    return ListCase({"master": master.member})


def corporates() -> ListCase:
    """The staff list of companies, in every review state."""
    states = [Corporate.Status.APPROVED, Corporate.Status.PENDING_REVIEW, Corporate.Status.REJECTED]
    for n in range(ROWS):
        CorporateFactory(business_number=business_number(9100 + n), status=states[n % len(states)])
    return ListCase({"staff": site_operator(_onnuri())})


def purchases() -> ListCase:
    """A company's purchases: approved, pending and cancelled."""
    master = _master(9003, "lqpurchases")
    for n in range(ROWS):
        if n % 10 == 0:
            approved_purchase(master, 100_000)
        else:
            purchase = purchase_request(manager=master, amount=10_000 * (n + 1))
            if n % 10 == 1:
                purchase_cancel(manager=master, purchase_id=purchase.pk)
    return ListCase({"master": master.member, "staff": site_operator(_onnuri())})


def _recipient_states(dispatch: Dispatch) -> None:
    """Spread a dispatch's recipients over the states the lists count."""
    states = [
        Recipient.Status.QUEUED,
        Recipient.Status.SENT,
        Recipient.Status.RECEIVED,
        Recipient.Status.REFUSED,
        Recipient.Status.RECLAIMED,
        Recipient.Status.FAILED,
    ]
    for index, recipient in enumerate(dispatch.recipients.order_by("row")):
        recipient.status = states[index % len(states)]
        recipient.save(update_fields=["status"])


def dispatches() -> ListCase:
    """A company's dispatches, immediate and scheduled, their recipients in several states."""
    master = _master(9004, "lqdispatches")
    purchase = approved_purchase(master, 9_000_000)
    for n in range(ROWS):
        scheduled = n % 2 == 0
        dispatch = dispatch_make(
            manager=master,
            purchase=purchase,
            recipients=recipients_of(3, start=3 * n),
            send_type=Dispatch.SendType.SCHEDULED if scheduled else Dispatch.SendType.IMMEDIATE,
            scheduled_at=timezone.now() + timedelta(days=1) if scheduled else None,
            title=f"선물 {n}",
        )
        if not scheduled:
            _recipient_states(dispatch)
    return ListCase({"master": master.member, "staff": site_operator(_onnuri())})


def dispatch_recipients() -> ListCase:
    """One dispatch's recipients, in several states."""
    master = _master(9005, "lqrecipients")
    dispatch = dispatch_make(
        manager=master,
        purchase=approved_purchase(master, 9_000_000),
        recipients=recipients_of(ROWS),
    )
    _recipient_states(dispatch)
    return ListCase(
        {"master": master.member, "staff": site_operator(_onnuri())}, {"id": dispatch.pk}
    )


def name_change_requests() -> ListCase:
    """animal-protection: a member's own requests, and every member's for staff."""
    site = Site.objects.get(slug="animal-protection")
    member = MemberFactory(site=site, username="lqrenamer")
    others = [MemberFactory(site=site, username=f"lqrenamer{n:02d}") for n in range(5)]
    states = list(NameChangeRequest.Status)
    NameChangeRequest.objects.bulk_create(
        NameChangeRequest(
            site=site,
            member=member if n % 2 == 0 else others[n % len(others)],
            current_name="홍길동",
            requested_name="홍길순",
            evidence="names/evidence.pdf",
            evidence_content_type="application/pdf",
            status=states[n % len(states)],
        )
        for n in range(2 * ROWS)
    )
    staff = MemberFactory(site=site, username="lqrenamestaff", staff=True)
    return ListCase({"member": member, "staff": staff}, site="animal-protection")


def deposit_statements() -> ListCase:
    """Bank statements of the receiving account, each with rows in several states."""
    site = _onnuri()
    staff = site_operator(site)
    statements = DepositStatement.objects.bulk_create(
        DepositStatement(site=site, uploaded_by=staff, file_name=f"statement-{n}.csv")
        for n in range(ROWS)
    )
    DepositStatementRow.objects.bulk_create(
        DepositStatementRow(
            statement=statement,
            number=number,
            deposited_at=timezone.now(),
            depositor="(주)입금상사",
            amount=1_000_000,
            status=status,
            reason=DepositStatementRow.Reason.NO_PURCHASE_WITH_AMOUNT if number == 3 else "",
        )
        for statement in statements
        for number, status in (
            (2, DepositStatementRow.Status.AMBIGUOUS),
            (3, DepositStatementRow.Status.UNMATCHED),
        )
    )
    return ListCase({"staff": staff})


LIST_FIXTURES: dict[str, Callable[[], ListCase]] = {
    "sites_accounts_list": accounts,
    "sites_corporate_members_list": corporate_members,
    "sites_corporates_list": corporates,
    "sites_dispatches_list": dispatches,
    "sites_dispatches_recipients_list": dispatch_recipients,
    "sites_name_change_requests_list": name_change_requests,
    "sites_purchases_list": purchases,
    "sites_purchases_deposits_list": deposit_statements,
}
