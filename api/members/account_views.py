import hashlib

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle

from api.authentication import NoAuthentication
from api.base import SiteAPIView
from api.permissions import PUBLIC
from domain.common.capabilities import Capability
from domain.common.errors import CommonErrorCode
from domain.members.account import member_password_change
from domain.members.errors import MemberErrorCode
from domain.members.passwords import PASSWORD_ERROR_CODES
from domain.members.recovery import member_find_id, member_password_reset
from domain.sites.errors import SiteErrorCode
from domain.verifications.services import TOKEN_ERROR_CODES

from .account_serializers import (
    DetailSerializer,
    FindIdSerializer,
    FoundIdSerializer,
    PasswordChangeSerializer,
    ResetPasswordSerializer,
)

TOKEN_CODES = TOKEN_ERROR_CODES
RESET_ACCEPTED = _(
    "If the ID, member type and identity match a member, a temporary password has been sent "
    "by the chosen channel. It can take 2 to 3 minutes to arrive."
)


class ResetPasswordPerIdThrottle(SimpleRateThrottle):
    """SPEC §14: reset password 5/min per ID (site + ID as the site folds it), known or not."""

    scope = "reset_password_per_id"

    def get_cache_key(self, request, view):
        username = request.data.get("username") if hasattr(request.data, "get") else None
        if not isinstance(username, str) or not username.strip():
            return None
        folded = view.site.rules.username.fold(username)
        ident = hashlib.sha256(f"{view.site.pk}:{folded}".encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}


@extend_schema(tags=["members"])
class FindIdView(SiteAPIView):
    """아이디찾기 (SPEC §5; manual 000 §3): the ID and name of the verified person's account.

    The verification token (purpose find_id) is used up even when no member matches.
    Throttled 20/min per IP.
    """

    access = {"POST": PUBLIC}
    authentication_classes = [NoAuthentication]
    serializer_class = FindIdSerializer
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "find_id"
    required_action_exempt = True
    password_change_exempt = True
    error_codes = {
        400: [SiteErrorCode.UNKNOWN_MEMBER_KIND, *TOKEN_CODES],
        404: [MemberErrorCode.MEMBER_NOT_FOUND],
    }

    @extend_schema(summary="Find my ID", responses={200: FoundIdSerializer})
    def post(self, request, site):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        member = member_find_id(site=self.site, **serializer.validated_data)
        return Response(FoundIdSerializer({"username": member.username, "name": member.name}).data)


@extend_schema(tags=["members"])
class ResetPasswordView(SiteAPIView):
    """비밀번호찾기 (SPEC §5; manual 000 §4): a temporary password by email or SMS.

    Always 202 with the same body whether or not the ID exists or belongs to the verified
    person (SPEC §14 enumeration); only a malformed request or an unusable verification token
    is an error. The temporary password is valid 24 hours and must be changed at login.
    Throttled 20/min per IP and 5/min per ID.
    """

    access = {"POST": PUBLIC}
    authentication_classes = [NoAuthentication]
    serializer_class = ResetPasswordSerializer
    throttle_classes = [ScopedRateThrottle, ResetPasswordPerIdThrottle]
    throttle_scope = "reset_password"
    required_action_exempt = True
    password_change_exempt = True
    error_codes = {
        400: [SiteErrorCode.UNKNOWN_MEMBER_KIND, CommonErrorCode.INVALID_CHOICE, *TOKEN_CODES]
    }

    @extend_schema(summary="Reset my password", responses={202: DetailSerializer})
    def post(self, request, site):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        member_password_reset(site=self.site, context=self.context, **serializer.validated_data)
        return Response({"detail": str(RESET_ACCEPTED)}, status=status.HTTP_202_ACCEPTED)


@extend_schema(tags=["members"])
class PasswordChangeView(SiteAPIView):
    """Change my password with the current one (SPEC §5, §14).

    The only endpoint that works while a temporary password must be changed. Every refresh
    token is revoked (log in again on other devices) and the member is told by SMS or email.
    """

    access = {"POST": Capability.PROFILE}
    serializer_class = PasswordChangeSerializer
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"  # a password guess like a login attempt
    required_action_exempt = True
    password_change_exempt = True
    error_codes = {
        400: [
            MemberErrorCode.INVALID_PASSWORD,
            MemberErrorCode.PASSWORD_MISMATCH,
            MemberErrorCode.PASSWORD_UNCHANGED,
            *PASSWORD_ERROR_CODES,
        ]
    }

    @extend_schema(summary="Change my password", responses={204: None})
    def post(self, request, site):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        member_password_change(
            member=request.user, context=self.context, **serializer.validated_data
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
