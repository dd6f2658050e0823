"""PortOne V2 identity verification (SPEC §4, §13): the server fetches the result by its id.

The browser opens PortOne's window with `storeId`, `channelKey` and `identityVerificationId`
(what `start` returns), then posts that id back. `confirm` never trusts anything else the browser
sends: it asks `GET /identity-verifications/{identityVerificationId}` with
`Authorization: PortOne <API secret>` and accepts only `status == "VERIFIED"`. The answer's
`verifiedCustomer` holds name, phoneNumber (digits), birthDate (yyyy-MM-dd), gender (MALE/FEMALE),
isForeigner, operator (SKT, KT, LGU, SKT_MVNO, ...), ci and di; errors come as
`{"type": "IDENTITY_VERIFICATION_NOT_FOUND" | "UNAUTHORIZED" | ..., "message": ...}`.
"""

from __future__ import annotations

import json
import logging
import re
import urllib.error
import urllib.request
from datetime import date
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from domain.common.errors import CommonErrorCode
from domain.common.phones import normalise_mobile
from domain.common.text import refused_character

from .base import IdentityProvider, ProviderUnavailable, VerificationFailed, VerifiedIdentity

logger = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://api.portone.io"
TIMEOUT_SECONDS = 10
MAX_TX_ID_LENGTH = 200
MAX_ANSWER_BYTES = 1_000_000
CI_MAX_LENGTH = 88
DI_MAX_LENGTH = 64
DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
GENDERS = {"MALE": "male", "FEMALE": "female"}


def _setting(name: str) -> str:
    return getattr(settings, name, "") or ""


class PortOneIdentityProvider(IdentityProvider):
    name = "portone"
    required_settings = ("PORTONE_API_SECRET", "PORTONE_STORE_ID", "PORTONE_CHANNEL_KEY")

    def start(self, verification) -> dict[str, Any]:
        return {
            "store_id": _setting("PORTONE_STORE_ID"),
            "channel_key": _setting("PORTONE_CHANNEL_KEY"),
            "identity_verification_id": str(verification.id),
        }

    def confirm(self, verification, payload: dict[str, Any]) -> VerifiedIdentity:
        tx_id = payload.get("provider_tx_id")
        if not isinstance(tx_id, str) or not tx_id.strip() or len(tx_id) > MAX_TX_ID_LENGTH:
            raise VerificationFailed(
                CommonErrorCode.INVALID,
                _("Send the identity verification id you were given."),
                attr="provider_tx_id",
            )
        answer = self._fetch(tx_id)
        if answer.get("status") != "VERIFIED" or answer.get("id", tx_id) != tx_id:
            raise VerificationFailed()
        return self._identity(answer.get("verifiedCustomer"))

    def _fetch(self, tx_id: str) -> dict[str, Any]:
        secret = _setting("PORTONE_API_SECRET")
        base = (_setting("PORTONE_API_BASE") or DEFAULT_API_BASE).rstrip("/")
        if not secret:
            raise ImproperlyConfigured("PORTONE_API_SECRET must be set.")
        # urlopen also opens file: URLs; only ever talk HTTPS to PortOne.
        if not base.startswith("https://"):
            raise ImproperlyConfigured("PORTONE_API_BASE must be an https:// URL.")
        request = urllib.request.Request(  # noqa: S310 (https:// checked above)
            f"{base}/identity-verifications/{quote(tx_id, safe='')}",
            headers={"Authorization": f"PortOne {secret}", "Accept": "application/json"},
            method="GET",
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                raw = response.read(MAX_ANSWER_BYTES)
        except urllib.error.HTTPError as error:
            # Only the status and PortOne's error type are logged: never the customer data.
            logger.warning(
                "PortOne identity verification lookup refused: HTTP %s %s",
                error.code,
                _error_type(error),
            )
            if error.code in (400, 404):
                raise VerificationFailed()
            raise ProviderUnavailable()
        except OSError as error:  # URLError, timeouts, connection resets
            logger.warning("PortOne identity verification lookup failed: %s", type(error).__name__)
            raise ProviderUnavailable()
        try:
            answer = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            answer = None
        if not isinstance(answer, dict):
            logger.warning("PortOne identity verification lookup: unexpected answer")
            raise ProviderUnavailable()
        return answer

    @staticmethod
    def _identity(customer: Any) -> VerifiedIdentity:
        if not isinstance(customer, dict):
            raise VerificationFailed()
        name = _text(customer.get("name")).strip()
        phone = normalise_mobile(_text(customer.get("phoneNumber")))
        gender = GENDERS.get(_text(customer.get("gender")))
        ci = _text(customer.get("ci"))
        # KG Inicis gives no DI; CI then serves both (both are stored only as keyed hashes).
        di = _text(customer.get("di")) or ci
        birth_date = _date(_text(customer.get("birthDate")))
        carrier = _text(customer.get("operator"))
        if (
            not name
            # kept and exported as they come: nothing a kept text may not hold (SPEC §14)
            or refused_character(name) is not None
            or refused_character(carrier) is not None
            or phone is None
            or gender is None
            or birth_date is None
            or not ci
            or len(ci) > CI_MAX_LENGTH
            or (customer.get("di") and len(di) > DI_MAX_LENGTH)
        ):
            # Which field was missing stays unsaid: the data itself must not reach the logs.
            logger.warning("PortOne identity verification: incomplete verifiedCustomer")
            raise VerificationFailed()
        return VerifiedIdentity(
            name=name,
            birth_date=birth_date,
            gender=gender,
            # isForeigner needs a separate contract with Danal; absent means not reported.
            nationality="foreign" if customer.get("isForeigner") is True else "domestic",
            phone=phone,
            carrier=carrier,
            ci=ci,
            di=di,
        )


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _date(value: str) -> date | None:
    """yyyy-MM-dd only (fromisoformat alone would also take 20000101)."""
    if not DATE_RE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _error_type(error: urllib.error.HTTPError) -> str:
    try:
        body = json.loads(error.read(MAX_ANSWER_BYTES).decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return ""
    kind = body.get("type") if isinstance(body, dict) else None
    return kind if isinstance(kind, str) else ""
