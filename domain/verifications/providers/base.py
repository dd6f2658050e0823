"""Identity providers (SPEC §4, §12): pluggable like Django's email backends.

A provider turns what the client sends to `.../verifications/{id}/confirm/` into a
`VerifiedIdentity`, or raises `VerificationFailed`. The server never trusts identity data posted
by a browser except in the documented sandbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from domain.common.errors import DomainError

from ..errors import VerificationErrorCode


class VerificationFailed(DomainError):
    status = 400
    default_code = VerificationErrorCode.FAILED
    default_message = _("Identity verification failed.")


class ProviderUnavailable(DomainError):
    status = 503
    default_code = VerificationErrorCode.PROVIDER_UNAVAILABLE
    default_message = _("The identity verification service is unavailable. Try again later.")


@dataclass(frozen=True)
class VerifiedIdentity:
    name: str
    birth_date: date
    gender: str  # "male" | "female"
    nationality: str  # "domestic" | "foreign"
    phone: str  # digits only, 01012345678
    carrier: str
    ci: str  # connecting information (≤ 88 chars); stored only as a keyed hash
    di: str  # duplication information (≤ 64 chars); stored only as a keyed hash


class IdentityProvider:
    """Base class. `verification` is a domain.verifications.models.Verification row."""

    name = "base"
    sandbox = False  # True: for development, tests and staging only (SPEC §12)
    # Settings a deployment must fill for this provider (backend.checks reports empty ones).
    required_settings: tuple[str, ...] = ()

    def start(self, verification) -> dict[str, Any]:
        """Parameters the client needs to open the provider's window (may be empty)."""
        return {}

    def confirm(self, verification, payload: dict[str, Any]) -> VerifiedIdentity:
        raise NotImplementedError
