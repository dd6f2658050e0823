"""Which pending purchase a bank deposit pays for (SPEC §7.3).

For each statement row the candidates are the pending purchases of the site's companies

1. whose `deposit_amount` equals the row's amount (to the won),
2. whose company name or depositor account holder (the snapshot taken at the request) equals
   the row's depositor, both compared by `normalise_name` — or, when none does, begins with
   it: Korean bank statements cut depositor names short (often to 7 characters), so a
   normalised depositor of at least PREFIX_MIN_LENGTH characters that starts a normalised name
   matches too, marked `prefix` (`name_match`) for staff to see, and
3. that were requested no later than the deposit (a deposit cannot pay a later request).

An exact name beats a prefix: the purchases whose name equals the depositor are the candidates
if any of them passes rule 3; only otherwise are those it is a prefix of. Exactly one candidate
→ `proposed`; more → `ambiguous` (staff choose among them); none → `unmatched`, with the first
rule that left nothing as the reason. Nothing here approves: staff confirm
(domain.purchases.deposits).
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from .models import DepositStatementRow, Purchase
from .statements import StatementLine

RowStatus = DepositStatementRow.Status
Reason = DepositStatementRow.Reason
NameMatch = DepositStatementRow.NameMatch
# The shortest normalised depositor taken as a cut-off name: what a bank's 7-character cut
# leaves after a legal-form mark (`(주)온누리상` → `온누리상`); 3 (`한빛상`) would match too much.
PREFIX_MIN_LENGTH = 4

# Legal-form marks removed from names, after NFKC (which turns ㈜ into (주) and ㈲ into (有)),
# case folding and the removal of white space. Longest first, so `유한책임회사` goes before
# `유한회사`.
LEGAL_FORMS = tuple(
    sorted(
        {
            "주식회사",
            "(주)",
            "유한책임회사",
            "유한회사",
            "(유)",
            "(有)",
            "(株)",
            "합자회사",
            "(합)",
            "합명회사",
            "(명)",
            "사단법인",
            "(사)",
            "재단법인",
            "(재)",
            "co.,ltd.",
            "co.,ltd",
            "co.ltd.",
            "co.ltd",
            "corp.",
            "inc.",
            "ltd.",
        },
        key=lambda mark: (-len(mark), mark),
    )
)


def normalise_name(name: str) -> str:
    """The form in which a depositor and a company name are compared: Unicode NFKC (full-width
    letters and brackets, ㈜), case folded, without white space and without the LEGAL_FORMS
    marks (`(주)한빛 상사`, `㈜한빛상사`, `한빛상사 주식회사` → `한빛상사`;
    `Hanbit Co., Ltd.` → `hanbit`)."""
    text = unicodedata.normalize("NFKC", name or "").casefold()
    text = "".join(text.split())
    for mark in LEGAL_FORMS:
        text = text.replace(mark, "")
    return text


@dataclass
class Proposal:
    line: StatementLine
    status: str
    reason: str = ""
    candidates: list[Purchase] = field(default_factory=list)
    name_match: str = ""  # NameMatch of the candidates' names to the depositor ("" unmatched)

    @property
    def proposed(self) -> Purchase | None:
        return self.candidates[0] if self.status == RowStatus.PROPOSED else None


def _names(purchase: Purchase) -> set[str]:
    return {normalise_name(purchase.corporate.name), normalise_name(purchase.depositor_holder)}


def proposals_for(*, site, lines: list[StatementLine]) -> list[Proposal]:
    """One proposal per line, in one query: the pending purchases of `site`'s companies with
    the lines' amounts (a pending purchase is an unpaid request, so they are few)."""
    amounts = {line.amount for line in lines}
    pending = (
        Purchase.objects.filter(
            corporate__site=site, status=Purchase.Status.PENDING, deposit_amount__in=amounts
        )
        .select_related("corporate")
        .order_by("created_at", "id")
    )
    by_amount: dict[int, list[tuple[Purchase, set[str]]]] = defaultdict(list)
    for purchase in pending:
        by_amount[purchase.deposit_amount].append((purchase, _names(purchase)))
    return [_propose(line, by_amount.get(line.amount, [])) for line in lines]


def name_match(depositor: str, names: set[str]) -> str:
    """How a normalised `depositor` matches a purchase's normalised `names`: `exact`, `prefix`
    (a cut-off name: at least PREFIX_MIN_LENGTH characters that start one of them), or ""."""
    if not depositor:
        return ""
    if depositor in names:
        return NameMatch.EXACT
    if len(depositor) >= PREFIX_MIN_LENGTH and any(n.startswith(depositor) for n in names):
        return NameMatch.PREFIX
    return ""


def _propose(line: StatementLine, same_amount: list[tuple[Purchase, set[str]]]) -> Proposal:
    if not same_amount:
        return Proposal(line, RowStatus.UNMATCHED, Reason.NO_PURCHASE_WITH_AMOUNT)
    depositor = normalise_name(line.depositor)
    named: dict[str, list[Purchase]] = defaultdict(list)
    for purchase, names in same_amount:
        if match := name_match(depositor, names):
            named[match].append(purchase)
    if not named:
        return Proposal(line, RowStatus.UNMATCHED, Reason.DEPOSITOR_NOT_MATCHING)
    for match in (NameMatch.EXACT, NameMatch.PREFIX):  # an exact name wins
        in_time = [p for p in named[match] if p.created_at <= line.deposited_at]
        if in_time:
            status = RowStatus.PROPOSED if len(in_time) == 1 else RowStatus.AMBIGUOUS
            return Proposal(line, status, candidates=in_time, name_match=match)
    return Proposal(line, RowStatus.UNMATCHED, Reason.DEPOSITED_BEFORE_REQUEST)
