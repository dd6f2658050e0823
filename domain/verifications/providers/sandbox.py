"""The sandbox identity provider (SPEC §12): code "000000" and the identity to emulate."""

import base64
import hashlib
from datetime import date

from django.utils.translation import gettext_lazy as _

from domain.common.phones import normalise_mobile

from ..errors import VerificationErrorCode
from .base import IdentityProvider, VerificationFailed, VerifiedIdentity

SANDBOX_CODE = "000000"
CI_MAX_LENGTH = 88  # as a real CI (SPEC §13, PortOne `ci`)


def sandbox_ci(name: str, birth_date: date, gender: str, ci: str = "") -> tuple[str, str]:
    """Deterministic CI (88 chars) and DI (64 chars) from name, birth date and gender — not the
    phone, which a person can change (SPEC §12) — so the same person always gets the same CI.
    An explicit `ci` (two people with the same name and birth date) replaces the derived one;
    the DI is then derived from it."""
    if not ci:
        seed = f"{name}|{birth_date.isoformat()}|{gender}".encode()
        ci = base64.b64encode(hashlib.sha512(b"ci:" + seed).digest() + b"\0" * 2).decode()[:88]
    di = hashlib.sha256(b"di:" + ci.encode()).hexdigest()
    return ci, di


class SandboxIdentityProvider(IdentityProvider):
    name = "sandbox"
    sandbox = True

    def start(self, verification) -> dict:
        return {"sandbox": True, "code_hint": "Confirm with code 000000 and an identity."}

    def confirm(self, verification, payload) -> VerifiedIdentity:
        if payload.get("code") != SANDBOX_CODE:
            raise VerificationFailed(
                message=_("The verification code is not correct."), attr="code"
            )
        identity = payload.get("identity") or {}
        phone = normalise_mobile(str(identity.get("phone", "")))
        try:
            birth_date = date.fromisoformat(str(identity.get("birth_date", "")))
        except ValueError:
            birth_date = None
        name = str(identity.get("name", "")).strip()
        gender = identity.get("gender")
        nationality = identity.get("nationality", "domestic")
        explicit_ci = identity.get("ci", "")
        if (
            not name
            or len(name) > 100
            or birth_date is None
            or phone is None
            or gender not in ("male", "female")
            or nationality not in ("domestic", "foreign")
            or not isinstance(explicit_ci, str)
            or len(explicit_ci) > CI_MAX_LENGTH
            or ("ci" in identity and not explicit_ci)
        ):
            raise VerificationFailed(
                VerificationErrorCode.INVALID_IDENTITY,
                _("The sandbox identity needs name, birth_date, gender, phone and nationality."),
                attr="identity",
            )
        ci, di = sandbox_ci(name, birth_date, gender, explicit_ci)
        return VerifiedIdentity(
            name=name,
            birth_date=birth_date,
            gender=gender,
            nationality=nationality,
            phone=phone,
            carrier=str(identity.get("carrier", ""))[:20],
            ci=ci,
            di=di,
        )
