"""SNS account link/unlink and SNS login (SPEC §5 "SNS link", §11; manual 003 계정연동)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from api.auth.serializers import TokenPairSerializer
from api.auth.views import token_pair
from api.authentication import NoAuthentication
from api.base import SiteAPIView
from api.permissions import PUBLIC
from domain.common.capabilities import Capability
from domain.common.errors import CommonErrorCode
from domain.consents.errors import ConsentErrorCode
from domain.members.errors import MemberErrorCode
from domain.members.social import PROVIDERS, UnknownSocialProvider
from domain.members.social_accounts import (
    social_account_link,
    social_account_list,
    social_account_unlink,
    social_login,
    social_provider_offered,
)

from .social_serializers import SocialAccountSerializer, SocialCodeSerializer, SocialLinkSerializer

REQUIRED_ACTION_CODES = {
    403: [MemberErrorCode.PASSWORD_CHANGE_REQUIRED, ConsentErrorCode.CONSENT_REQUIRED]
}
EXCHANGE_CODES = {
    400: [MemberErrorCode.SOCIAL_LOGIN_FAILED],
    404: [MemberErrorCode.UNKNOWN_SOCIAL_PROVIDER],
    503: [CommonErrorCode.PROVIDER_NOT_CONFIGURED, MemberErrorCode.SOCIAL_PROVIDER_UNAVAILABLE],
}
PROVIDER_PARAMETER = OpenApiParameter(
    "provider", str, OpenApiParameter.PATH, enum=list(PROVIDERS), description="SNS provider."
)


@extend_schema(tags=["members"])
class SocialAccountListView(SiteAPIView):
    """The member's linked SNS accounts; link one with the provider's authorization code.

    yongin-library only (site policy: the `sns_link` feature and `sns_providers` Kakao, Naver);
    elsewhere 404 `unknown_social_provider`.
    """

    access = {"GET": Capability.PROFILE, "POST": Capability.PROFILE}
    serializer_class = SocialAccountSerializer
    pagination_class = None  # at most one account per provider
    filter_backends: list = []
    error_codes = {
        "get": {**REQUIRED_ACTION_CODES, 404: [MemberErrorCode.UNKNOWN_SOCIAL_PROVIDER]},
        "post": {
            **EXCHANGE_CODES,
            **REQUIRED_ACTION_CODES,
            409: [MemberErrorCode.SOCIAL_ACCOUNT_IN_USE, MemberErrorCode.SOCIAL_ALREADY_LINKED],
        },
    }

    @extend_schema(
        summary="My linked SNS accounts", responses={200: SocialAccountSerializer(many=True)}
    )
    def get(self, request, site):
        if not any(social_provider_offered(site=self.site, provider=p) for p in PROVIDERS):
            raise UnknownSocialProvider()
        accounts = social_account_list(member=request.user)
        return Response(self.get_serializer(accounts, many=True).data)

    @extend_schema(
        summary="Link a Kakao or Naver account",
        request=SocialLinkSerializer,
        responses={201: SocialAccountSerializer},
    )
    def post(self, request, site):
        serializer = SocialLinkSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        account = social_account_link(
            member=request.user, context=self.context, **serializer.validated_data
        )
        return Response(self.get_serializer(account).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["members"], parameters=[PROVIDER_PARAMETER])
class SocialAccountDetailView(SiteAPIView):
    """Unlink the member's account of one SNS provider."""

    access = {"DELETE": Capability.PROFILE}
    error_codes = {
        **REQUIRED_ACTION_CODES,
        404: [MemberErrorCode.UNKNOWN_SOCIAL_PROVIDER, MemberErrorCode.SOCIAL_ACCOUNT_NOT_FOUND],
    }

    @extend_schema(summary="Unlink an SNS account", request=None, responses={204: None})
    def delete(self, request, site, provider):
        social_account_unlink(member=request.user, provider=provider, context=self.context)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["auth"], parameters=[PROVIDER_PARAMETER])
class SocialLoginView(SiteAPIView):
    """Log in with a linked Kakao or Naver account (manual 003: 연동한 계정으로 로그인).

    The answer is the same token pair as the ID/password login. An SNS account linked to no
    member of the site is 401 `social_account_not_linked`.
    """

    access = {"POST": PUBLIC}
    authentication_classes = [NoAuthentication]
    serializer_class = SocialCodeSerializer
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"
    error_codes = {
        **EXCHANGE_CODES,
        401: [MemberErrorCode.SOCIAL_ACCOUNT_NOT_LINKED, MemberErrorCode.ACCOUNT_INACTIVE],
    }

    @extend_schema(summary="Log in with an SNS account", responses={200: TokenPairSerializer})
    def post(self, request, site, provider):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        member = social_login(
            site=self.site, provider=provider, context=self.context, **serializer.validated_data
        )
        return Response(token_pair(member))
