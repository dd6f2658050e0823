"""The eligibility check interface. The RRN back digits go in; only the outcome comes out.

Implementations must not log, store, queue or put into an exception message the `rrn_back`
argument (PIPA art. 24-2): it is used for the one call and dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from domain.common.errors import DomainError, ServiceUnavailable

from ..errors import LibraryErrorCode


@dataclass(frozen=True)
class EligibilityResult:
    province: str  # e.g. "경기도"
    city: str  # e.g. "용인시"
    children_birth_dates: tuple[date, ...]
    reference: str  # the provider's check reference


class ForeignRegistration(DomainError):
    default_code = LibraryErrorCode.FOREIGN_REGISTRATION_UNSUPPORTED
    default_message = _(
        "A foreign registration number cannot be checked online. Visit a Yongin City library "
        "with your identification to become a full member."
    )


class EligibilityUnavailable(ServiceUnavailable):
    default_code = LibraryErrorCode.ELIGIBILITY_UNAVAILABLE
    default_message = _(
        "The eligibility check could not be completed. Try again later, or visit a library "
        "with your identification."
    )


class EligibilityProvider:
    name = "base"
    sandbox = False  # True: for development, tests and staging only (SPEC §12)

    def check(self, *, name: str, birth_date: date, rrn_back: str) -> EligibilityResult:
        raise NotImplementedError
