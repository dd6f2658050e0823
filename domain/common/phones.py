"""Korean mobile numbers (SPEC §13): 01[016789] + 7–8 digits, stored as digits only."""

import re

MOBILE_RE = re.compile(r"^01[016789]\d{7,8}$")


def normalise_mobile(value: str) -> str | None:
    """Strip dashes and spaces; None when the result is not a Korean mobile number."""
    digits = re.sub(r"[\s-]", "", value or "")
    return digits if MOBILE_RE.match(digits) else None
