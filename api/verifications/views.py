from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from api.base import SiteAPIView
from api.permissions import PUBLIC
from domain.common.errors import CommonErrorCode
from domain.verifications.errors import VerificationErrorCode
from domain.verifications.services import verification_confirm, verification_start

from .serializers import (
    VerificationConfirmedSerializer,
    VerificationConfirmSerializer,
    VerificationStartedSerializer,
    VerificationStartSerializer,
)


def _member(request):
    return request.user if request.user and request.user.is_authenticated else None


@extend_schema(tags=["verifications"])
class VerificationStartView(SiteAPIView):
    """Start an identity verification (SPEC §4, §12).

    Purposes `profile_update` and `dispatch_send` need a logged-in member. `sms_code` texts a
    6-digit code (1 per 30 s and 5 per hour per phone, counted per purpose group so other
    purposes never use up the login codes); a `dispatch_send` code goes only to the caller's
    registered mobile (another `phone` is refused: `phone_not_registered`).
    `business_certificate` returns a `challenge` to sign (sandbox: HMAC-SHA256 keyed by the
    business number, hex). Throttled 20/min per IP.
    """

    access = {"POST": PUBLIC}
    serializer_class = VerificationStartSerializer
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "verification_start"
    required_action_exempt = True
    error_codes = {
        400: [
            VerificationErrorCode.INVALID_PURPOSE,
            VerificationErrorCode.METHOD_NOT_ALLOWED,
            VerificationErrorCode.LOGIN_REQUIRED,
            VerificationErrorCode.PHONE_NOT_REGISTERED,
            CommonErrorCode.INVALID_PHONE,
            CommonErrorCode.INVALID_BUSINESS_NUMBER,
        ],
        429: [VerificationErrorCode.SMS_CODE_TOO_SOON, VerificationErrorCode.SMS_CODE_HOURLY_LIMIT],
        503: [CommonErrorCode.PROVIDER_NOT_CONFIGURED, VerificationErrorCode.PROVIDER_UNAVAILABLE],
    }

    @extend_schema(summary="Start a verification", responses={201: VerificationStartedSerializer})
    def post(self, request, site):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        started = verification_start(
            site=self.site,
            purpose=data["purpose"],
            method=data["method"],
            member=_member(request),
            phone=data.get("phone", ""),
            business_number=data.get("business_number", ""),
        )
        verification = started.verification
        body = {
            "id": verification.id,
            "purpose": verification.purpose,
            "method": verification.method,
            "status": verification.status,
            "provider": verification.provider,
            "expires_at": verification.expires_at,
            "parameters": started.parameters,
        }
        return Response(VerificationStartedSerializer(body).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["verifications"])
class VerificationConfirmView(SiteAPIView):
    """Confirm a verification and receive its single-use verification token (SPEC §4).

    sms_code: `{code}`; real providers: `{provider_tx_id}` (the server fetches the result);
    sandbox: `{code: "000000", identity: {...}}`; business_certificate: `{signature}`.
    Five wrong codes or signatures fail the verification.
    """

    access = {"POST": PUBLIC}
    serializer_class = VerificationConfirmSerializer
    required_action_exempt = True
    error_codes = {
        400: [
            VerificationErrorCode.FAILED,
            VerificationErrorCode.INVALID_CODE,
            VerificationErrorCode.INVALID_SIGNATURE,
            VerificationErrorCode.INVALID_IDENTITY,
            VerificationErrorCode.REUSED,
            VerificationErrorCode.EXPIRED,
            VerificationErrorCode.VERIFIED,
            VerificationErrorCode.CONSUMED,
        ],
        404: [VerificationErrorCode.NOT_FOUND],
        503: [CommonErrorCode.PROVIDER_NOT_CONFIGURED, VerificationErrorCode.PROVIDER_UNAVAILABLE],
    }

    @extend_schema(
        summary="Confirm a verification", responses={200: VerificationConfirmedSerializer}
    )
    def post(self, request, site, id):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        confirmed = verification_confirm(
            site=self.site,
            verification_id=id,
            payload=serializer.validated_data,
            member=_member(request),
        )
        return Response(VerificationConfirmedSerializer(confirmed).data)
