from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from api.authentication import NoAuthentication, SiteRefreshToken
from api.base import SiteAPIView
from domain.audit.models import AuditEvent
from domain.audit.services import audit_record
from domain.members.models import Member
from domain.members.services import member_authenticate

from .serializers import (
    LoginSerializer,
    LogoutSerializer,
    SiteTokenRefreshSerializer,
    TokenPairSerializer,
    refresh_token_for_site,
)


def token_pair(member) -> dict:
    refresh = SiteRefreshToken.for_member(member)
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


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
    error_codes = {401: ["invalid_credentials", "account_pending_review", "account_inactive"]}

    @extend_schema(summary="Log in", request=LoginSerializer, responses={200: TokenPairSerializer})
    def post(self, request, site):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        member = member_authenticate(
            site_slug=self.site.slug,
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
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
