from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from api.base import SiteAPIView
from domain.common.capabilities import Capability
from domain.common.errors import CommonErrorCode
from domain.consents.errors import ConsentErrorCode
from domain.corporates.corporate_admins import corporate_manager_withdraw
from domain.corporates.errors import CorporateErrorCode
from domain.corporates.models import CorporateManager
from domain.members.account import member_profile_update, member_withdraw
from domain.members.errors import MemberErrorCode
from domain.members.selectors import member_get_for, member_not_found
from domain.verifications.services import TOKEN_ERROR_CODES

from .account_serializers import ProfileUpdateSerializer, WithdrawSerializer
from .serializers import MemberProfileSerializer

REQUIRED_ACTION_CODES = {
    403: [MemberErrorCode.PASSWORD_CHANGE_REQUIRED, ConsentErrorCode.CONSENT_REQUIRED]
}


@extend_schema(tags=["members"])
class MeView(SiteAPIView):
    """The logged-in member's own profile (SPEC §5): read, edit, withdraw."""

    access = {"GET": Capability.PROFILE, "PATCH": Capability.PROFILE, "DELETE": Capability.PROFILE}
    serializer_class = MemberProfileSerializer
    throttle_scope = "login"  # DELETE checks the password like a login attempt
    error_codes = {
        "patch": {
            400: [
                MemberErrorCode.FIELD_NOT_EDITABLE,
                MemberErrorCode.VERIFICATION_REQUIRED,
                MemberErrorCode.IDENTITY_MISMATCH,
                MemberErrorCode.INVALID_HOME_LIBRARY,
                MemberErrorCode.INVALID_LANDLINE,
                CommonErrorCode.INVALID_PHONE,
                *TOKEN_ERROR_CODES,
            ],
            **REQUIRED_ACTION_CODES,
        },
        "get": REQUIRED_ACTION_CODES,
        "delete": {
            400: [MemberErrorCode.INVALID_PASSWORD, CorporateErrorCode.MASTER_MUST_TRANSFER],
            **REQUIRED_ACTION_CODES,
        },
    }

    def get_throttles(self):
        return [ScopedRateThrottle()] if self.request.method == "DELETE" else []

    @extend_schema(summary="My profile")
    def get(self, request, site):
        return Response(self.get_serializer(request.user).data)

    @extend_schema(
        summary="Edit my profile",
        request=ProfileUpdateSerializer,
        responses={200: MemberProfileSerializer},
    )
    def patch(self, request, site):
        serializer = ProfileUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        token = changes.pop("verification_token", "")
        member = member_profile_update(
            member=request.user, changes=changes, verification_token=token, context=self.context
        )
        return Response(self.get_serializer(member).data)

    @extend_schema(summary="Withdraw (탈퇴)", request=WithdrawSerializer, responses={204: None})
    def delete(self, request, site):
        serializer = WithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        manager = CorporateManager.objects.filter(member=request.user).first()
        if manager is not None:  # onnuri-biz: a master must hand the role over first
            corporate_manager_withdraw(
                manager=manager, context=self.context, **serializer.validated_data
            )
        else:
            member_withdraw(member=request.user, context=self.context, **serializer.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["members"])
class MemberDetailView(SiteAPIView):
    """A child's profile for its verified guardian, or any member's for the site's staff.

    SPEC §5, §8: a guardian reads and edits the child's profile; staff reads are written to the
    access log. Anyone else gets 404.
    """

    access = {"GET": Capability.WARDS_VIEW, "PATCH": Capability.WARDS_EDIT}
    denied_error = staticmethod(member_not_found)
    serializer_class = MemberProfileSerializer
    error_codes = {
        "get": {404: [MemberErrorCode.MEMBER_NOT_FOUND]},
        "patch": {
            400: [
                MemberErrorCode.FIELD_NOT_EDITABLE,
                MemberErrorCode.VERIFICATION_REQUIRED,
                MemberErrorCode.INVALID_HOME_LIBRARY,
                MemberErrorCode.INVALID_LANDLINE,
                MemberErrorCode.IDENTITY_MISMATCH,
                CommonErrorCode.INVALID_PHONE,
                *TOKEN_ERROR_CODES,
            ],
            404: [MemberErrorCode.MEMBER_NOT_FOUND],
        },
    }

    @extend_schema(summary="A ward's (or, for staff, a member's) profile")
    def get(self, request, site, id):
        member = member_get_for(
            viewer=request.user, member_id=id, site=self.site, context=self.context
        )
        return Response(self.get_serializer(member).data)

    @extend_schema(
        summary="Edit a ward's profile",
        request=ProfileUpdateSerializer,
        responses={200: MemberProfileSerializer},
    )
    def patch(self, request, site, id):
        member = member_get_for(
            viewer=request.user, member_id=id, site=self.site, context=self.context
        )
        serializer = ProfileUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        token = changes.pop("verification_token", "")
        member = member_profile_update(
            member=member,
            changes=changes,
            verification_token=token,
            context=self.context,
            actor=request.user,
        )
        return Response(self.get_serializer(member).data)
