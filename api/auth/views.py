from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from api.authentication import NoAuthentication, SiteRefreshToken
from api.base import SiteAPIView
from api.permissions import PUBLIC
from domain.audit.models import AuditEvent
from domain.audit.services import audit_record
from domain.common.errors import CommonErrorCode
from domain.members.authentication import member_login, member_login_otp_complete
from domain.members.errors import MemberErrorCode
from domain.members.models import Member
from domain.verifications.errors import VerificationErrorCode

from .serializers import (
    LoginAnswerSerializer,
    LoginOtpSerializer,
    LoginSerializer,
    LogoutSerializer,
    SiteTokenRefreshSerializer,
    TokenPairSerializer,
    refresh_token_for_site,
)

# A member who cannot log in (yet): SPEC §5, §7.1 (pending review, rejected corporates).
INACTIVE_CODES = [
    MemberErrorCode.ACCOUNT_PENDING_REVIEW,
    MemberErrorCode.ACCOUNT_REJECTED,
    MemberErrorCode.ACCOUNT_INACTIVE,
]


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

    access = {"POST": PUBLIC}
    authentication_classes = [NoAuthentication]
    serializer_class = LoginSerializer
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"
    error_codes = {
        # onnuri-biz: the SMS second step needs the member's mobile and the site's sms_code.
        400: [CommonErrorCode.INVALID_PHONE, VerificationErrorCode.METHOD_NOT_ALLOWED],
        401: [MemberErrorCode.INVALID_CREDENTIALS, *INACTIVE_CODES],
        429: [VerificationErrorCode.SMS_CODE_TOO_SOON, VerificationErrorCode.SMS_CODE_HOURLY_LIMIT],
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
            second_step = {
                "otp_required": True,
                "verification_id": result.otp_verification.id,
                "expires_at": result.otp_verification.expires_at,
            }
            return Response(LoginAnswerSerializer(second_step).data)
        return Response(token_pair(result.member))


@extend_schema(tags=["auth"])
class LoginOtpView(SiteAPIView):
    """onnuri-biz second step: the code texted to the manager's mobile completes the login."""

    access = {"POST": PUBLIC}
    authentication_classes = [NoAuthentication]
    serializer_class = LoginOtpSerializer
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"
    error_codes = {
        400: [
            VerificationErrorCode.INVALID_CODE,
            VerificationErrorCode.EXPIRED,
            VerificationErrorCode.FAILED,
            VerificationErrorCode.CONSUMED,
            VerificationErrorCode.VERIFIED,
        ],
        401: INACTIVE_CODES,
        404: [VerificationErrorCode.NOT_FOUND],
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

    access = {"POST": PUBLIC}
    authentication_classes = [NoAuthentication]
    serializer_class = SiteTokenRefreshSerializer
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"
    error_codes = {401: [CommonErrorCode.TOKEN_NOT_VALID]}

    @extend_schema(summary="Refresh tokens (rotation)", responses={200: TokenPairSerializer})
    def post(self, request, site):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(serializer.validated_data)


@extend_schema(tags=["auth"])
class LogoutView(SiteAPIView):
    """Blacklist the refresh token so it can no longer be used (SPEC §14)."""

    access = {"POST": PUBLIC}
    authentication_classes = [NoAuthentication]
    serializer_class = LogoutSerializer
    error_codes = {401: [CommonErrorCode.TOKEN_NOT_VALID]}

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
