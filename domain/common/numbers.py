"""Korean registration numbers (SPEC §13); check digits computed, never trusted from clients."""

import re

BRN_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)


def normalise_business_number(value: str) -> str | None:
    """`124-81-00998` → `1248100998` when the check digit holds, else None."""
    digits = re.sub(r"[\s-]", "", value or "")
    if not re.fullmatch(r"\d{10}", digits):
        return None
    d = [int(c) for c in digits]
    total = sum(x * w for x, w in zip(d[:9], BRN_WEIGHTS, strict=True)) + (d[8] * 5) // 10
    return digits if d[9] == (10 - total % 10) % 10 else None


def normalise_corporation_number(value: str) -> str | None:
    """`110111-0085450` → `1101110085450` when the check digit holds, else None."""
    digits = re.sub(r"[\s-]", "", value or "")
    if not re.fullmatch(r"\d{13}", digits):
        return None
    d = [int(c) for c in digits]
    total = sum(x * (1 if i % 2 == 0 else 2) for i, x in enumerate(d[:12]))
    return digits if d[12] == (10 - total % 10) % 10 else None
