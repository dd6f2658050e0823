"""The sandbox MOIS eligibility service (SPEC §12), by the RRN back 7 digits."""

import hashlib
from datetime import date

from django.utils import timezone

from .base import (
    EligibilityProvider,
    EligibilityResult,
    EligibilityUnavailable,
    ForeignRegistration,
)

YONGIN = ("경기도", "용인시")


def _years_ago(years: int, today: date) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


class SandboxEligibilityProvider(EligibilityProvider):
    name = "sandbox"
    sandbox = True

    def check(self, *, name: str, birth_date: date, rrn_back: str) -> EligibilityResult:
        today = timezone.localdate()
        if rrn_back[:1] in "5678":
            raise ForeignRegistration()
        outcomes = {
            "1000001": (YONGIN, (date(2016, 3, 1), date(2020, 1, 11))),
            "1000002": (YONGIN, (date(2017, 6, 1),)),
            # youngest 19 years old today
            "1000003": (
                ("경기도", "수원시"),
                (_years_ago(25, today), _years_ago(22, today), _years_ago(19, today)),
            ),
            "1000004": (("서울특별시", "종로구"), ()),
            "1000005": (YONGIN, ()),
        }
        if rrn_back not in outcomes:
            raise EligibilityUnavailable()
        (province, city), children = outcomes[rrn_back]
        # A reference that identifies the check, not the person (no digits of the RRN in it).
        reference = (
            "SBX-"
            + hashlib.sha256(
                f"{name}|{birth_date}|{timezone.now().isoformat()}".encode()
            ).hexdigest()[:16]
        )
        return EligibilityResult(
            province=province, city=city, children_birth_dates=children, reference=reference
        )
