"""Default purchase terms by company size (SPEC §7.3: "defaults by company size").

Manual 004 §2.1: "할인 등 구매한도는 기업 규모에 따라 기본 설정되며, 소진공 담당자와 협의하여
재설정할 수 있습니다" — staff override them per corporate afterwards.
"""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class PurchaseTerms:
    discount_rate: Decimal  # percent
    monthly_discount_limit: int  # won
    monthly_purchase_limit: int  # won


# (headcount below which the class applies, terms); the last row applies to everyone else.
HEADCOUNT_CLASSES: list[tuple[int | None, PurchaseTerms]] = [
    (50, PurchaseTerms(Decimal("5.00"), 10_000_000, 200_000_000)),
    (300, PurchaseTerms(Decimal("5.00"), 30_000_000, 600_000_000)),
    (None, PurchaseTerms(Decimal("10.00"), 50_000_000, 1_000_000_000)),
]


def default_terms(headcount: int) -> PurchaseTerms:
    for limit, terms in HEADCOUNT_CLASSES:
        if limit is None or headcount < limit:
            return terms
    raise AssertionError("HEADCOUNT_CLASSES must end with an open class")
