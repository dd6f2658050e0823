"""Deposit matching: upload a statement of the receiving account, confirm its proposals (beyond
manual 004 §2.2, where companies phone the call centre; SPEC §7.3, §8).

Staff upload the statement (domain.purchases.statements reads it); every row gets a proposal
(domain.purchases.matching) and nothing is approved. Staff then confirm (row, purchase) pairs;
each pair is its own transaction: the statement row is locked, checked, and the purchase is
approved by `purchase_approve` (its own lock, checks, event and SMS), then the row is moved to
`confirmed` with a `deposit_matched` event on the purchase. A row is confirmed once; a purchase
is the match of one row at most (a unique constraint backs both).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain.common.capabilities import Capability, account_can
from domain.common.errors import CommonErrorCode, Conflict, DomainError, NotFound
from domain.common.transitions import transition
from domain.corporates.models import Corporate

from .errors import PurchaseErrorCode
from .events import purchase_deposit_matched_event
from .matching import proposals_for
from .models import DepositStatement, DepositStatementRow, Purchase
from .services import purchase_approve
from .statements import statement_read

RowStatus = DepositStatementRow.Status
FILE_NAME_MAX = 255
# What confirming one (row, purchase) pair can be refused with: deposit_row_confirm's own codes
# and those of purchase_approve (tests/api/purchases/test_deposits.py keeps the list complete).
CONFIRM_REFUSALS = (
    PurchaseErrorCode.DEPOSIT_ROW_NOT_FOUND,
    PurchaseErrorCode.ROW_ALREADY_USED,
    PurchaseErrorCode.DEPOSIT_ROW_UNMATCHED,
    PurchaseErrorCode.PURCHASE_NOT_A_CANDIDATE,
    PurchaseErrorCode.PURCHASE_NOT_FOUND,
    PurchaseErrorCode.DOCUMENTS_MISSING,
    CommonErrorCode.INVALID_TRANSITION,
)


def _statement_not_found() -> NotFound:
    return NotFound(PurchaseErrorCode.STATEMENT_NOT_FOUND, _("No such deposit statement."))


def _row_not_found() -> NotFound:
    return NotFound(PurchaseErrorCode.DEPOSIT_ROW_NOT_FOUND, _("No such deposit statement row."))


def _reviewer(staff, site) -> bool:
    return account_can(staff, site, Capability.PURCHASES_REVIEW)


def deposit_statement_upload(
    *, site, staff, file: IO[bytes], file_name: str | None = None
) -> DepositStatement:
    """Read `file` (settings.DEPOSIT_STATEMENT_MAX_ROWS rows, DEPOSIT_STATEMENT_MAX_BYTES bytes
    at most) and store its rows with their proposals, in one transaction. Refusals are those of
    `statement_read` (400); a caller without `purchases.review` on `site` gets 404
    `deposit_statement_not_found`. Nothing is approved."""
    if not _reviewer(staff, site):
        raise _statement_not_found()
    parsed = statement_read(
        file,
        max_rows=settings.DEPOSIT_STATEMENT_MAX_ROWS,
        max_bytes=settings.DEPOSIT_STATEMENT_MAX_BYTES,
    )
    name = file_name if file_name is not None else str(getattr(file, "name", "") or "")
    with transaction.atomic():
        proposals = proposals_for(site=site, lines=parsed.lines)
        statement = DepositStatement.objects.create(
            site=site,
            uploaded_by=staff,
            file_name=name.replace("\\", "/").rsplit("/", 1)[-1][:FILE_NAME_MAX],
            errors=[problem.as_dict() for problem in parsed.problems],
        )
        rows = DepositStatementRow.objects.bulk_create(
            DepositStatementRow(
                statement=statement,
                number=proposal.line.number,
                deposited_at=proposal.line.deposited_at,
                depositor=proposal.line.depositor,
                amount=proposal.line.amount,
                status=proposal.status,
                reason=proposal.reason,
                name_match=proposal.name_match,
                proposed_purchase=proposal.proposed,
            )
            for proposal in proposals
        )
        Candidate = DepositStatementRow.candidates.through
        Candidate.objects.bulk_create(
            Candidate(depositstatementrow_id=row.pk, purchase_id=purchase.pk)
            for row, proposal in zip(rows, proposals, strict=True)
            for purchase in proposal.candidates
        )
    return statement


def _with_counts(statements: QuerySet[DepositStatement]) -> QuerySet[DepositStatement]:
    counts = {
        f"{status}_count": Count("rows", filter=Q(rows__status=status)) for status in RowStatus
    }
    return statements.select_related("uploaded_by").annotate(**counts)


def deposit_statement_list(*, site) -> QuerySet[DepositStatement]:
    """The site's statements, newest first, each with its rows counted by status."""
    # Explicit order: Meta.ordering does not apply to an aggregating query.
    return _with_counts(DepositStatement.objects.filter(site=site)).order_by("-created_at", "-id")


def deposit_statement_get(*, site, statement_id: int) -> DepositStatement:
    """One statement of `site` with its rows, their proposed, candidate and confirmed purchases
    (a fixed number of queries whatever the number of rows); another site's is a 404."""
    purchases = Purchase.objects.select_related("corporate")
    rows = DepositStatementRow.objects.select_related(
        "proposed_purchase__corporate"
    ).prefetch_related(Prefetch("candidates", queryset=purchases.order_by("created_at", "id")))
    statement = (
        _with_counts(DepositStatement.objects.filter(site=site, pk=statement_id))
        .prefetch_related(Prefetch("rows", queryset=rows))
        .first()
    )
    if statement is None:
        raise _statement_not_found()
    return statement


def deposit_row_confirm(*, site, staff, row_id: int, purchase_id: int) -> DepositStatementRow:
    """Confirm that statement row `row_id` is the deposit of `purchase_id`, and approve it.

    One transaction: the row is locked first (so concurrent confirmations of one row queue and
    all but the first get `row_already_used`), then `purchase_approve` locks and approves the
    purchase (refusing `invalid_transition` when it is no longer pending, `documents_missing`,
    `purchase_not_found`). Refusals: 404 `deposit_row_not_found` (not a row of `site`, or the
    caller may not review purchases); 409 `row_already_used`, `deposit_row_unmatched` (the row
    has no candidate), `purchase_not_a_candidate`.
    """
    if not _reviewer(staff, site):
        raise _row_not_found()
    with transaction.atomic():
        row = (
            DepositStatementRow.objects.select_for_update()
            .filter(statement__site=site, pk=row_id)
            .first()
        )
        if row is None:
            raise _row_not_found()
        if row.status == RowStatus.CONFIRMED:
            raise Conflict(
                PurchaseErrorCode.ROW_ALREADY_USED,
                _("This statement row was already confirmed as the deposit of a purchase."),
            )
        if row.status == RowStatus.UNMATCHED:
            raise Conflict(
                PurchaseErrorCode.DEPOSIT_ROW_UNMATCHED,
                _("This statement row matches no pending purchase; approve the purchase itself."),
            )
        if not row.candidates.filter(pk=purchase_id).exists():
            raise Conflict(
                PurchaseErrorCode.PURCHASE_NOT_A_CANDIDATE,
                _("This purchase is not a match proposed for this statement row."),
            )
        purchase = purchase_approve(
            corporates=Corporate.objects.filter(site=site), staff=staff, purchase_id=purchase_id
        )
        transition(
            row,
            RowStatus.CONFIRMED,
            event=purchase_deposit_matched_event,
            fields={
                "confirmed_purchase": purchase,
                "confirmed_by": staff,
                "confirmed_at": timezone.now(),
            },
            actor=staff,
        )
    return row


@dataclass(frozen=True)
class ConfirmOutcome:
    row_id: int
    purchase_id: int
    row: DepositStatementRow | None  # the confirmed row, or None when refused
    code: str | None = None
    message: object = None


def deposit_matches_confirm(*, site, staff, matches: list[tuple[int, int]]) -> list[ConfirmOutcome]:
    """Confirm (row id, purchase id) pairs in order, each by `deposit_row_confirm` in its own
    transaction: a refusal is that pair's outcome (its code and message) and the others go on.
    Must not run inside a transaction, or the pairs would no longer commit one by one."""
    outcomes = []
    for row_id, purchase_id in matches:
        try:
            row = deposit_row_confirm(
                site=site, staff=staff, row_id=row_id, purchase_id=purchase_id
            )
        except DomainError as refusal:
            outcomes.append(
                ConfirmOutcome(row_id, purchase_id, None, refusal.code, refusal.message)
            )
        else:
            outcomes.append(ConfirmOutcome(row_id, purchase_id, row))
    return outcomes
