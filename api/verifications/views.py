from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from api.base import SiteAPIView
from api.permissions import PUBLIC
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
            "invalid_purpose",
            "method_not_allowed",
            "login_required",
            "invalid_phone",
            "phone_not_registered",
            "invalid_business_number",
        ],
        429: ["sms_code_too_soon", "sms_code_hourly_limit"],
        503: ["provider_not_configured", "verification_provider_unavailable"],
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
            "verification_failed",
            "invalid_code",
            "invalid_signature",
            "invalid_identity",
            "verification_expired",
            "verification_failed",
            "verification_verified",
            "verification_consumed",
        ],
        404: ["verification_not_found"],
        503: ["provider_not_configured", "verification_provider_unavailable"],
    }

    @extend_schema(
        summary="Confirm a verification", responses={200: VerificationConfirmedSerializer}
    )
    def post(self, request, site, verification_id):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        confirmed = verification_confirm(
            site=self.site,
            verification_id=verification_id,
            payload=serializer.validated_data,
            member=_member(request),
        )
        return Response(VerificationConfirmedSerializer(confirmed).data)
