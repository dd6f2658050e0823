from dataclasses import fields

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from api.base import SiteAPIView
from api.permissions import PUBLIC
from domain.common.errors import CommonErrorCode, DomainError
from domain.consents.errors import ConsentErrorCode
from domain.members.errors import MemberErrorCode
from domain.members.passwords import PASSWORD_ERROR_CODES
from domain.members.registration import SignUpData, member_sign_up, username_availability
from domain.sites.errors import SiteErrorCode
from domain.sites.models import LibraryBranch
from domain.verifications.services import TOKEN_ERROR_CODES

from .serializers import MemberProfileSerializer
from .signup_serializers import (
    AvailabilitySerializer,
    BranchSerializer,
    SignUpSerializer,
)

SIGN_UP_FIELDS = {f.name for f in fields(SignUpData)}


@extend_schema(tags=["members"])
class SignUpView(SiteAPIView):
    """Sign up (SPEC §5; manuals 000, 002, 003).

    Verify first (`verifications/`, purpose `sign_up`; a child's guardian with purpose
    `guardian`; incheon-water corporate also `business_certificate`), read the consent documents
    for the kind, then post everything here. Name, birth date, gender and mobile come from the
    verification. onnuri-biz managers join through `corporates/`.
    """

    access = {"POST": PUBLIC}
    serializer_class = SignUpSerializer
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "sign_up"
    error_codes = {
        400: [
            SiteErrorCode.UNKNOWN_MEMBER_KIND,
            SiteErrorCode.USERNAME_LENGTH,
            SiteErrorCode.USERNAME_PATTERN,
            MemberErrorCode.USERNAME_TAKEN,
            *PASSWORD_ERROR_CODES,
            MemberErrorCode.PASSWORD_MISMATCH,
            CommonErrorCode.REQUIRED,
            MemberErrorCode.INVALID_HOME_LIBRARY,
            MemberErrorCode.GUARDIAN_VERIFICATION_REQUIRED,
            MemberErrorCode.GUARDIAN_NOT_ADULT,
            MemberErrorCode.GUARDIAN_MISMATCH,
            CommonErrorCode.INVALID_BUSINESS_NUMBER,
            MemberErrorCode.INVALID_CORPORATION_NUMBER,
            MemberErrorCode.BUSINESS_NUMBER_MISMATCH,
            ConsentErrorCode.CONSENT_REQUIRED,
            ConsentErrorCode.UNKNOWN_CONSENT_DOCUMENT,
            ConsentErrorCode.DUPLICATE_CONSENT_DOCUMENT,
            ConsentErrorCode.CONSENT_VERSION_OUTDATED,
            MemberErrorCode.UNDER_MINIMUM_AGE,
            MemberErrorCode.OVER_MAXIMUM_AGE,
            MemberErrorCode.NATIONALITY_MISMATCH,
            MemberErrorCode.ALREADY_REGISTERED,
            *TOKEN_ERROR_CODES,
        ],
    }

    @extend_schema(summary="Sign up", responses={201: MemberProfileSerializer})
    def post(self, request, site):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = {k: v for k, v in serializer.validated_data.items() if k in SIGN_UP_FIELDS}
        values["consents"] = [dict(c) for c in values.get("consents", [])]
        for nested in ("address", "guardian", "corporate"):
            if nested in values:
                values[nested] = dict(values[nested])
        member = member_sign_up(site=self.site, data=SignUpData(**values), context=self.context)
        return Response(MemberProfileSerializer(member).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["members"])
class UsernameAvailabilityView(SiteAPIView):
    """중복확인: whether an ID can be used, and which rule it breaks if not."""

    access = {"GET": PUBLIC}
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "username_availability"
    serializer_class = AvailabilitySerializer
    error_codes = {400: [CommonErrorCode.REQUIRED]}

    @extend_schema(
        summary="Check an ID",
        parameters=[OpenApiParameter("username", str, required=True)],
    )
    def get(self, request, site):
        username = request.query_params.get("username", "")
        if not username:
            raise DomainError(CommonErrorCode.REQUIRED, _("Enter an ID."), attr="username")
        result = username_availability(site=self.site, username=username)
        return Response(
            AvailabilitySerializer(
                {"available": result.available, "reason": result.reason, "detail": result.message}
            ).data
        )


@extend_schema(tags=["members"], summary="Libraries to choose as the home library")
class LibraryBranchListView(SiteAPIView, generics.ListAPIView):
    access = {"GET": PUBLIC}
    serializer_class = BranchSerializer
    pagination_class = None
    queryset = LibraryBranch.objects.none()  # for the schema; get_queryset scopes to the site

    def get_queryset(self):
        return LibraryBranch.objects.filter(site=self.site, is_active=True)
