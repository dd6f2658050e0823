from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from api.authentication import NoAuthentication, SiteRefreshToken
from api.base import SiteAPIView
from domain.audit.models import AuditEvent
from domain.audit.services import audit_record
from domain.members.models import Member
from domain.members.services import member_login, member_login_otp_complete

from .serializers import (
    LoginAnswerSerializer,
    LoginOtpSerializer,
    LoginSerializer,
    LogoutSerializer,
    SiteTokenRefreshSerializer,
    TokenPairSerializer,
    refresh_token_for_site,
)


def token_pair(member) -> dict:
    refresh = SiteRefreshToken.for_member(member)
    return {
        "access": str(refresh.access_token),
        "refresh": str(refresh),
        "password_change_required": member.password_change_required,
    }


@extend_schema(tags=["auth"])
class LoginView(SiteAPIView):
    """Log in with the site's ID and password (SPEC §5).

    Five consecutive failures (site policy) lock the account for 30 minutes; a locked account,
    an unknown ID and a wrong password all get the same `invalid_credentials` answer.
    """

    authentication_classes = [NoAuthentication]
    serializer_class = LoginSerializer
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"
    error_codes = {
        401: ["invalid_credentials", "account_pending_review", "account_inactive"],
        429: ["sms_code_too_soon", "sms_code_hourly_limit"],
    }

    @extend_schema(
        summary="Log in", request=LoginSerializer, responses={200: LoginAnswerSerializer}
    )
    def post(self, request, site):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = member_login(
            site=self.site,
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
            context=self.context,
        )
        if result.otp_verification is not None:
            return Response(
                {
                    "otp_required": True,
                    "verification_id": str(result.otp_verification.id),
                    "expires_at": result.otp_verification.expires_at,
                }
            )
        return Response(token_pair(result.member))


@extend_schema(tags=["auth"])
class LoginOtpView(SiteAPIView):
    """onnuri-biz second step: the code texted to the manager's mobile completes the login."""

    authentication_classes = [NoAuthentication]
    serializer_class = LoginOtpSerializer
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"
    error_codes = {
        400: [
            "invalid_code",
            "verification_expired",
            "verification_failed",
            "verification_consumed",
            "verification_verified",
        ],
        401: ["account_inactive"],
        404: ["verification_not_found"],
    }

    @extend_schema(
        summary="Complete the login with the SMS code", responses={200: TokenPairSerializer}
    )
    def post(self, request, site):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        member = member_login_otp_complete(
            site=self.site,
            verification_id=serializer.validated_data["verification_id"],
            code=serializer.validated_data["code"],
            context=self.context,
        )
        return Response(token_pair(member))


@extend_schema(tags=["auth"])
class TokenRefreshView(SiteAPIView):
    """Exchange a refresh token for a new pair; the old refresh token is blacklisted."""

    authentication_classes = [NoAuthentication]
    serializer_class = SiteTokenRefreshSerializer
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"
    error_codes = {401: ["token_not_valid"]}

    @extend_schema(summary="Refresh tokens (rotation)", responses={200: TokenPairSerializer})
    def post(self, request, site):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(serializer.validated_data)


@extend_schema(tags=["auth"])
class LogoutView(SiteAPIView):
    """Blacklist the refresh token so it can no longer be used (SPEC §14)."""

    authentication_classes = [NoAuthentication]
    serializer_class = LogoutSerializer
    error_codes = {401: ["token_not_valid"]}

    @extend_schema(summary="Log out", responses={204: None})
    def post(self, request, site):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token = refresh_token_for_site(serializer.validated_data["refresh"], self.site.slug)
        token.blacklist()
        audit_record(
            type=AuditEvent.Type.LOGOUT,
            site=self.site,
            context=self.context,
            member=Member.objects.filter(pk=token.get("member_id")).first(),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
