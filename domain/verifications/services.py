"""Identity verification sessions and their single-use tokens (SPEC §4, §12, §14)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain.common.errors import CommonErrorCode, DomainError, NotFound
from domain.common.hashing import constant_time_equals, keyed_hash
from domain.common.limits import Limit, limit_take
from domain.common.numbers import normalise_business_number
from domain.common.phones import normalise_mobile
from domain.common.sandbox import sandbox_require_allowed
from domain.common.transitions import transition, transition_many
from domain.messaging.services import outbox_server_sms

from . import messages
from .errors import VerificationErrorCode
from .events import (
    verification_attempt_failed_event,
    verification_consumed_event,
    verification_expired_event,
    verification_failed_event,
    verification_started_event,
    verification_verified_event,
)
from .models import Verification
from .providers import get_identity_provider
from .providers.base import VerificationFailed

Method = Verification.Method
Purpose = Verification.Purpose
Status = Verification.Status

IDENTITY_METHODS = {Method.MOBILE, Method.IPIN, Method.CARD, Method.GOOGLE}
# Purposes a client may not start anonymously; login_otp is started by the login service.
MEMBER_PURPOSES = {Purpose.PROFILE_UPDATE, Purpose.DISPATCH_SEND}
INTERNAL_PURPOSES = {Purpose.LOGIN_OTP}
# Methods with no real verifier yet: only the sandbox, where sandboxes are allowed (SPEC §12).
SANDBOX_ONLY_METHODS = {Method.BUSINESS_CERTIFICATE}
# An SMS code for these proves the caller holds the phone on file (SPEC §5 login second step,
# §7.4 the manager's own phone before a dispatch), so it goes to the caller's registered
# mobile only. profile_update texts the number given: proving a *new* mobile is its point.
OWN_MOBILE_PURPOSES = {Purpose.LOGIN_OTP, Purpose.DISPATCH_SEND}
SESSION_LIFETIME = timedelta(minutes=10)
SMS_CODE_LIFETIME = timedelta(minutes=3)
TOKEN_LIFETIME = timedelta(minutes=10)
MAX_ATTEMPTS = 5
SMS_MIN_INTERVAL = timedelta(seconds=30)
SMS_PER_HOUR = 5
# The verified identity: kept only until the token is used or the session expires (SPEC §4).
IDENTITY_FIELDS = (
    "name",
    "birth_date",
    "gender",
    "nationality",
    "mobile",
    "carrier",
    "ci_hash",
    "di_hash",
)
BLANK_IDENTITY = {f: (None if f == "birth_date" else "") for f in IDENTITY_FIELDS}
# Why a verification that is no longer pending cannot be confirmed.
REFUSED_STATUS = {
    Status.VERIFIED: VerificationErrorCode.VERIFIED,
    Status.FAILED: VerificationErrorCode.FAILED,
    Status.EXPIRED: VerificationErrorCode.EXPIRED,
    Status.CONSUMED: VerificationErrorCode.CONSUMED,
}


class TooManyRequests(DomainError):
    status = 429
    default_code = CommonErrorCode.THROTTLED


SMS_LIMITS = (
    Limit(
        1,
        SMS_MIN_INTERVAL,
        lambda: TooManyRequests(
            VerificationErrorCode.SMS_CODE_TOO_SOON,
            _("Wait 30 seconds before asking for another code."),
        ),
    ),
    Limit(
        SMS_PER_HOUR,
        timedelta(hours=1),
        lambda: TooManyRequests(
            VerificationErrorCode.SMS_CODE_HOURLY_LIMIT,
            _("Too many codes were sent to this number. Try again later."),
        ),
    ),
)


def _sms_limit_scope(purpose: str) -> str:
    """Per-phone SMS limits count per purpose group (SPEC §14): codes anyone can aim at a
    typed number (sign-up, find-ID, profile update, ...) share one budget, and each
    own-mobile purpose has its own, so they never use up the owner's login codes."""
    return f"sms_code:{purpose if purpose in OWN_MOBILE_PURPOSES else 'typed'}"


@dataclass(frozen=True)
class Started:
    verification: Verification
    parameters: dict[str, Any]


def _allowed_methods(site, purpose: str) -> set[str]:
    methods: set[str] = set()
    for purposes in site.rules.verification.values():
        for sequence in purposes.get(purpose, []):
            methods.update(sequence)
    return methods


def verification_start(
    *,
    site,
    purpose: str,
    method: str,
    member=None,
    phone: str = "",
    business_number: str = "",
) -> Started:
    """Open a verification session for `purpose` by `method` (SPEC §4).

    The method must be one the site's policy lists for that purpose. `sms_code` texts a real
    6-digit code through the outbox (hashed at rest, 3 minutes, 5 tries; 1 per 30 s and 5 per
    hour per phone and purpose group, taken atomically by `limit_take`); for login_otp and
    dispatch_send only to the caller's registered mobile (`phone_not_registered`).
    `business_certificate` answers a challenge to sign.
    """
    if purpose not in Purpose.values or purpose in INTERNAL_PURPOSES and member is None:
        raise DomainError(
            VerificationErrorCode.INVALID_PURPOSE,
            _("This verification purpose is not available."),
            attr="purpose",
        )
    if method not in _allowed_methods(site, purpose):
        raise DomainError(
            VerificationErrorCode.METHOD_NOT_ALLOWED,
            _("This site does not offer that verification method for this purpose."),
            attr="method",
        )
    if purpose in MEMBER_PURPOSES and member is None:
        raise DomainError(
            VerificationErrorCode.LOGIN_REQUIRED,
            _("Log in to verify for this purpose."),
            attr="purpose",
        )
    now = timezone.now()
    verification = Verification(
        site=site,
        purpose=purpose,
        method=method,
        member=member,
        created_at=now,
        expires_at=now + SESSION_LIFETIME,
    )
    parameters: dict[str, Any] = {}
    with transaction.atomic():
        if method == Method.SMS_CODE:
            parameters = _start_sms_code(verification, _sms_recipient(purpose, member, phone))
        elif method == Method.BUSINESS_CERTIFICATE:
            sandbox_require_allowed("business certificate verifier")
            normalised = normalise_business_number(business_number)
            if normalised is None:
                raise DomainError(
                    CommonErrorCode.INVALID_BUSINESS_NUMBER,
                    _("The business registration number is not valid (check digit)."),
                    attr="business_number",
                )
            verification.business_number = normalised
            verification.challenge = secrets.token_hex(32)
            verification.provider = "sandbox"
            verification.save()
            parameters = {"challenge": verification.challenge}
        else:
            provider = get_identity_provider(method)
            verification.provider = provider.name
            verification.save()
            parameters = provider.start(verification)
        verification_started_event(verification)
    return Started(verification=verification, parameters=parameters)


def _sms_recipient(purpose: str, member, phone: str) -> str:
    """The number to text: the caller's registered mobile for an own-mobile purpose (another
    number in the request is refused, `phone_not_registered`), else the number given, by
    default the caller's own."""
    registered = member.mobile if member else ""
    if purpose in OWN_MOBILE_PURPOSES:
        if phone and normalise_mobile(phone) != registered:
            raise DomainError(
                VerificationErrorCode.PHONE_NOT_REGISTERED,
                _("Codes for this purpose are sent only to your registered mobile number."),
                attr="phone",
            )
        return registered
    return phone or registered


def _start_sms_code(verification: Verification, raw_phone: str) -> dict[str, Any]:
    phone = normalise_mobile(raw_phone)
    if phone is None:
        raise DomainError(
            CommonErrorCode.INVALID_PHONE, _("Enter a valid mobile number."), attr="phone"
        )
    now = verification.created_at
    limit_take(scope=_sms_limit_scope(verification.purpose), key=phone, limits=SMS_LIMITS, now=now)
    code = f"{secrets.randbelow(10**6):06d}"
    verification.phone = phone
    verification.provider = "sms"
    verification.expires_at = now + SMS_CODE_LIFETIME
    verification.save()
    verification.code_hash = _code_hash(verification, code)
    verification.save(update_fields=["code_hash"])
    outbox_server_sms(
        to=phone,
        body=messages.SMS_CODE.render(site=verification.site.name, code=code).body,
        site=verification.site,
        purpose=f"verification_{verification.purpose}",
        sensitive=True,
    )
    return {
        "phone": phone[:3] + "****" + phone[-4:],
        "code_length": 6,
        "expires_in": int(SMS_CODE_LIFETIME.total_seconds()),
    }


def _code_hash(verification: Verification, code: str) -> str:
    return keyed_hash(f"{verification.pk}:{code}", purpose="sms_code")


@dataclass(frozen=True)
class Confirmed:
    verification: Verification
    token: str


def verification_confirm(
    *, site, verification_id, payload: dict[str, Any], member=None
) -> Confirmed:
    """Confirm a pending verification; returns its single-use token (≤ 10 minutes).

    A wrong code or signature counts as an attempt (committed even though the call fails); the
    fifth wrong attempt fails the verification for good.
    """
    failure: DomainError | None = None
    with transaction.atomic():
        verification = (
            Verification.objects.select_for_update().filter(pk=verification_id, site=site).first()
        )
        if verification is None or (
            verification.member_id
            and verification.member != member
            and verification.purpose != Purpose.LOGIN_OTP
        ):
            raise NotFound(VerificationErrorCode.NOT_FOUND, _("No such verification."))
        now = timezone.now()
        if verification.status == Status.PENDING and verification.is_expired(now):
            transition(verification, Status.EXPIRED, event=verification_expired_event)
            failure = DomainError(
                VerificationErrorCode.EXPIRED, _("The verification has expired. Start again.")
            )
        elif verification.status != Status.PENDING:
            failure = DomainError(
                REFUSED_STATUS[verification.status],
                _("This verification can no longer be confirmed."),
            )
        else:
            try:
                _check(verification, payload)
            except VerificationFailed as exc:
                counted = verification.method in (Method.SMS_CODE, Method.BUSINESS_CERTIFICATE)
                if counted:
                    verification.attempts += 1
                    verification.save(update_fields=["attempts"])
                    exc.extra = {"attempts_left": MAX_ATTEMPTS - verification.attempts}
                verification_attempt_failed_event(verification)
                if not counted or verification.attempts >= MAX_ATTEMPTS:
                    transition(verification, Status.FAILED, event=verification_failed_event)
                failure = exc
            else:
                token = secrets.token_urlsafe(32)
                transition(
                    verification,
                    Status.VERIFIED,
                    event=verification_verified_event,
                    fields={
                        "verified_at": now,
                        "token_hash": keyed_hash(token, purpose="verification_token"),
                        "token_expires_at": now + TOKEN_LIFETIME,
                        # What _check took from the code or the provider.
                        "provider_tx_id": verification.provider_tx_id,
                        **{f: getattr(verification, f) for f in IDENTITY_FIELDS},
                    },
                )
    if failure is not None:
        raise failure
    return Confirmed(verification=verification, token=token)


def _check(verification: Verification, payload: dict[str, Any]) -> None:
    if verification.method == Method.SMS_CODE:
        code = str(payload.get("code") or "")
        if not constant_time_equals(_code_hash(verification, code), verification.code_hash):
            raise VerificationFailed(
                VerificationErrorCode.INVALID_CODE, _("The code is not correct."), attr="code"
            )
        verification.mobile = verification.phone
        return
    if verification.method == Method.BUSINESS_CERTIFICATE:
        sandbox_require_allowed("business certificate verifier")
        expected = hmac.new(
            verification.business_number.encode(), verification.challenge.encode(), hashlib.sha256
        ).hexdigest()
        if not constant_time_equals(str(payload.get("signature") or ""), expected):
            raise VerificationFailed(
                VerificationErrorCode.INVALID_SIGNATURE,
                _("The certificate signature does not match this business number."),
                attr="signature",
            )
        return
    tx_id = str(payload.get("provider_tx_id") or "")
    if (
        tx_id
        and Verification.objects.filter(
            provider=verification.provider, provider_tx_id=tx_id
        ).exists()
    ):
        raise VerificationFailed(
            VerificationErrorCode.REUSED, _("This verification result has already been used.")
        )
    identity = get_identity_provider(verification.method).confirm(verification, payload)
    verification.provider_tx_id = tx_id
    verification.name = identity.name
    verification.birth_date = identity.birth_date
    verification.gender = identity.gender
    verification.nationality = identity.nationality
    verification.mobile = identity.phone
    verification.carrier = identity.carrier
    verification.ci_hash = keyed_hash(identity.ci, purpose="ci")
    verification.di_hash = keyed_hash(identity.di or identity.ci, purpose="di")


TOKEN_MESSAGES = {
    VerificationErrorCode.TOKEN_INVALID: _("The verification token is not valid."),
    VerificationErrorCode.TOKEN_EXPIRED: _("The verification token has expired. Verify again."),
    VerificationErrorCode.TOKEN_USED: _("The verification token has already been used."),
    VerificationErrorCode.TOKEN_WRONG_SITE: _("The verification token belongs to another site."),
    VerificationErrorCode.TOKEN_WRONG_PURPOSE: _(
        "The verification token was made for another purpose."
    ),
    VerificationErrorCode.TOKEN_WRONG_METHOD: _(
        "This step needs a verification by another method."
    ),
    VerificationErrorCode.TOKEN_WRONG_PHONE: _(
        "The verification token is for another phone number."
    ),
}

TOKEN_ERROR_CODES = list(TOKEN_MESSAGES)


def _token_error(code: VerificationErrorCode, attr: str) -> DomainError:
    return DomainError(code, TOKEN_MESSAGES[code], attr=attr)


def verification_consume(
    *,
    site,
    token: str,
    purpose: str,
    methods: set[str] | None = None,
    phone: str = "",
    member=None,
    attr: str = "verification_token",
) -> Verification:
    """Use a verification token once, inside the caller's transaction (SPEC §4, §14).

    The token must belong to this site and purpose (and phone / member when given) and be
    unexpired and unused. If the caller's transaction rolls back the token stays usable. The
    returned object carries the verified identity; the row's copy is blanked.
    """
    if not token:
        raise _token_error(VerificationErrorCode.TOKEN_INVALID, attr)
    verification = (
        Verification.objects.select_for_update()
        .filter(token_hash=keyed_hash(token, purpose="verification_token"))
        .first()
    )
    if verification is None:
        raise _token_error(VerificationErrorCode.TOKEN_INVALID, attr)
    if verification.site_id != site.id:
        raise _token_error(VerificationErrorCode.TOKEN_WRONG_SITE, attr)
    if verification.status == Status.CONSUMED:
        raise _token_error(VerificationErrorCode.TOKEN_USED, attr)
    if verification.status != Status.VERIFIED or verification.token_expires_at <= timezone.now():
        raise _token_error(VerificationErrorCode.TOKEN_EXPIRED, attr)
    if verification.purpose != purpose:
        raise _token_error(VerificationErrorCode.TOKEN_WRONG_PURPOSE, attr)
    if methods is not None and verification.method not in methods:
        raise _token_error(VerificationErrorCode.TOKEN_WRONG_METHOD, attr)
    if phone and verification.mobile != phone:
        raise _token_error(VerificationErrorCode.TOKEN_WRONG_PHONE, attr)
    if member is not None and verification.member_id not in (None, member.id):
        raise _token_error(VerificationErrorCode.TOKEN_INVALID, attr)
    identity = {f: getattr(verification, f) for f in IDENTITY_FIELDS}
    transition(
        verification,
        Status.CONSUMED,
        event=verification_consumed_event,
        fields={"consumed_at": timezone.now(), **BLANK_IDENTITY},
    )
    for field, value in identity.items():  # the caller's copy; the row's is blanked
        setattr(verification, field, value)
    return verification


def verifications_expire(*, now=None) -> int:
    """Expire stale sessions and blank the identity held by unused ones (periodic job); one
    `expired` event each. Returns how many expired."""
    now = now or timezone.now()
    stale = Verification.objects.filter(
        status__in=[Status.PENDING, Status.VERIFIED],
        expires_at__lte=now,
    ).exclude(status=Status.VERIFIED, token_expires_at__gt=now)
    expired = transition_many(
        stale, Status.EXPIRED, event=verification_expired_event, fields=BLANK_IDENTITY
    )
    return len(expired)
