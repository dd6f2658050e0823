from drf_spectacular.utils import extend_schema, extend_schema_view
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


# What editing and withdrawing one's own account can answer, whichever account it is; a view
# adds what its own fields can.
OWN_ACCOUNT_EDIT_CODES = [
    MemberErrorCode.FIELD_NOT_EDITABLE,
    MemberErrorCode.VERIFICATION_REQUIRED,
    MemberErrorCode.IDENTITY_MISMATCH,
    CommonErrorCode.INVALID_PHONE,
    *TOKEN_ERROR_CODES,
]
OWN_ACCOUNT_WITHDRAW_CODES = [
    MemberErrorCode.INVALID_PASSWORD,
    CorporateErrorCode.MASTER_MUST_TRANSFER,
]


class OwnAccountMixin:
    """The caller's own account ("me"): read it, edit it (a verification token where a change
    needs one), withdraw with the password, a DELETE throttled like a log-in attempt.

    A subclass says which account it shows (`own_account`) and which services change it
    (`own_account_update`, `own_account_withdraw`), and declares its access, error codes and
    schema: `MeView` for members, `api.corporates.member_views.ManagerMeView` for company
    admins (내 정보).
    """

    throttle_scope = "login"  # DELETE checks the password like a login attempt
    update_serializer_class = ProfileUpdateSerializer

    def own_account(self):
        raise NotImplementedError

    def own_account_update(self, *, changes: dict, verification_token: str):
        raise NotImplementedError

    def own_account_withdraw(self, **answers) -> None:
        raise NotImplementedError

    def get_throttles(self):
        return [ScopedRateThrottle()] if self.request.method == "DELETE" else []

    def get(self, request, site):
        return Response(self.get_serializer(self.own_account()).data)

    def patch(self, request, site):
        serializer = self.update_serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        token = changes.pop("verification_token", "")
        account = self.own_account_update(changes=changes, verification_token=token)
        return Response(self.get_serializer(account).data)

    @extend_schema(summary="Withdraw (탈퇴)", request=WithdrawSerializer, responses={204: None})
    def delete(self, request, site):
        serializer = WithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.own_account_withdraw(**serializer.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


def own_account_schema(*, tags: list[str], read: str, edit: str):
    """The schema of an `OwnAccountMixin` view: its tags, GET's and PATCH's summaries; PATCH
    takes the view's `update_serializer_class` and answers its `serializer_class`. DELETE's is
    the mixin's."""

    def decorate(view):
        view = extend_schema_view(
            get=extend_schema(summary=read),
            patch=extend_schema(
                summary=edit,
                request=view.update_serializer_class,
                responses={200: view.serializer_class},
            ),
        )(view)
        return extend_schema(tags=tags)(view)

    return decorate


@own_account_schema(tags=["members"], read="My profile", edit="Edit my profile")
class MeView(OwnAccountMixin, SiteAPIView):
    """The logged-in member's own profile (SPEC §5): read, edit, withdraw."""

    access = {"GET": Capability.PROFILE, "PATCH": Capability.PROFILE, "DELETE": Capability.PROFILE}
    serializer_class = MemberProfileSerializer
    error_codes = {
        "patch": {
            400: [
                *OWN_ACCOUNT_EDIT_CODES,
                MemberErrorCode.INVALID_HOME_LIBRARY,
                MemberErrorCode.INVALID_LANDLINE,
            ],
            **REQUIRED_ACTION_CODES,
        },
        "get": REQUIRED_ACTION_CODES,
        "delete": {400: OWN_ACCOUNT_WITHDRAW_CODES, **REQUIRED_ACTION_CODES},
    }

    def own_account(self):
        return self.request.user

    def own_account_update(self, *, changes: dict, verification_token: str):
        return member_profile_update(
            member=self.request.user,
            changes=changes,
            verification_token=verification_token,
            context=self.context,
        )

    def own_account_withdraw(self, **answers) -> None:
        manager = CorporateManager.objects.filter(member=self.request.user).first()
        if manager is not None:  # onnuri-biz: a master must hand the role over first
            corporate_manager_withdraw(manager=manager, context=self.context, **answers)
        else:
            member_withdraw(member=self.request.user, context=self.context, **answers)


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
