"""One helper per verification event type (Saleor's `order/events.py`). No identity data, codes
or tokens go into `parameters`."""

from .models import Verification, VerificationEvent

Type = VerificationEvent.Type


def _record(verification: Verification, type: VerificationEvent.Type, **parameters):
    return VerificationEvent.objects.create(
        verification=verification, type=type, parameters=parameters
    )


def verification_started_event(verification: Verification, /) -> VerificationEvent:
    return _record(
        verification, Type.STARTED, purpose=verification.purpose, method=verification.method
    )


def verification_attempt_failed_event(verification: Verification, /) -> VerificationEvent:
    return _record(verification, Type.ATTEMPT_FAILED, attempts=verification.attempts)


def verification_failed_event(verification: Verification, /) -> VerificationEvent:
    return _record(verification, Type.FAILED, attempts=verification.attempts)


def verification_verified_event(verification: Verification, /) -> VerificationEvent:
    return _record(verification, Type.VERIFIED)


def verification_expired_event(verification: Verification, /) -> VerificationEvent:
    return _record(verification, Type.EXPIRED)


def verification_consumed_event(verification: Verification, /) -> VerificationEvent:
    return _record(verification, Type.CONSUMED)
