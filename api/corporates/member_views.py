"""The onnuri-biz 멤버 menu, invitations and 내 정보 (SPEC §7.1, §8, §11; manual 004 §1.2, §4).

Every `corporate-members/` endpoint except `me/` needs the master's capability
`members.manage`: a general admin gets 404 on the whole menu. Rows of the list are addressed by
their entry id, fixed for the entry's life (domain.corporates.corporate_admins):
`invitation-<n>` for an entry that began as an invitation, also once accepted, `admin-<n>` for
the master who signed the company up. The admin's own password is changed with POST
`members/me/password/` (shared with every site).
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from api.authentication import NoAuthentication
from api.base import SiteAPIView
from api.members.account_serializers import DetailSerializer
from api.members.serializers import MemberProfileSerializer
from api.members.views import (
    OWN_ACCOUNT_EDIT_CODES,
    OWN_ACCOUNT_WITHDRAW_CODES,
    OwnAccountMixin,
    own_account_schema,
)
from api.permissions import PUBLIC
from domain.common.capabilities import Capability
from domain.common.errors import CommonErrorCode, NotFound
from domain.consents.errors import ConsentErrorCode
from domain.corporates.corporate_admins import (
    ADMIN,
    ENTRY_ID_PATTERN,
    INVITATION,
    MANAGER_POLICY_CODES,
    admin_entry,
    corporate_admin_delete,
    corporate_admin_password_reset,
    corporate_manager_profile_update,
    corporate_manager_withdraw,
    corporate_master_transfer,
    corporate_member_entries,
    entry_id_parse,
    entry_resolve,
    invitation_entry,
)
from domain.corporates.errors import CorporateErrorCode
from domain.corporates.invitations import (
    InvitationAcceptData,
    invitation_accept,
    invitation_accept_by_company,
    invitation_cancel,
    invitation_create,
    invitation_get_by_token,
    invitation_resend,
)
from domain.members.errors import MemberErrorCode
from domain.members.passwords import PASSWORD_ERROR_CODES
from domain.sites.errors import SiteErrorCode
from domain.verifications.services import TOKEN_ERROR_CODES

from .base import CorporateAPIView
from .member_serializers import (
    CorporateMemberEntrySerializer,
    InvitationAcceptSerializer,
    InvitationCreateSerializer,
    InvitationSerializer,
    ManagerProfileSerializer,
    ManagerProfileUpdateSerializer,
    MasterTransferResultSerializer,
    MasterTransferSerializer,
)

TAGS = ["corporate-members"]
ENTRY_ID = OpenApiParameter(
    "id",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    pattern=ENTRY_ID_PATTERN,
    description="An entry of the members list, by its id (`invitation-<n>` or `admin-<n>`).",
)
PASSWORD_SENT = _("A temporary password has been sent to the admin by SMS.")
# What joining by an invitation can refuse, either way in: the sign-up form's rules, the
# verification and the person (domain.corporates.invitations._invitation_join).
JOIN_CODES = [
    CorporateErrorCode.INVITATION_PHONE_MISMATCH,
    SiteErrorCode.USERNAME_LENGTH,
    SiteErrorCode.USERNAME_PATTERN,
    MemberErrorCode.USERNAME_TAKEN,
    *PASSWORD_ERROR_CODES,
    MemberErrorCode.PASSWORD_MISMATCH,
    ConsentErrorCode.CONSENT_REQUIRED,
    ConsentErrorCode.UNKNOWN_CONSENT_DOCUMENT,
    ConsentErrorCode.DUPLICATE_CONSENT_DOCUMENT,
    ConsentErrorCode.CONSENT_VERSION_OUTDATED,
    *MANAGER_POLICY_CODES,
    MemberErrorCode.ALREADY_REGISTERED,
    *TOKEN_ERROR_CODES,
]
INVITATION_CODES = {
    400: [CorporateErrorCode.INVITATION_EXPIRED],
    404: [CorporateErrorCode.INVITATION_NOT_FOUND],
}


class MembersMenuView(CorporateAPIView):
    """The master's 멤버 menu: everything is scoped to the caller's corporate."""

    access = {
        "GET": Capability.MEMBERS_MANAGE,
        "POST": Capability.MEMBERS_MANAGE,
        "DELETE": Capability.MEMBERS_MANAGE,
    }
    filter_backends: list = []  # the list is built in memory (a handful of rows)

    def entry_ref(self) -> tuple[str, int]:
        """What the path's entry id addresses now: an admin or a pending invitation."""
        return entry_resolve(corporate_id=self.manager.corporate_id, entry_id=self.kwargs["id"])


@extend_schema(tags=TAGS)
class CorporateMemberListView(MembersMenuView):
    """멤버 확인 / 멤버 추가 (manual 004 §4.1, §4.2).

    GET: the admins and invitations, newest first, names and mobiles masked. POST: invite a
    general admin; an SMS with a single-use join link (72 hours) goes to the mobile.
    """

    serializer_class = CorporateMemberEntrySerializer
    error_codes = {
        "post": {
            400: [CommonErrorCode.INVALID_PHONE],
            409: [CorporateErrorCode.ALREADY_INVITED],
        }
    }

    @extend_schema(
        summary="Members list (멤버)", responses={200: CorporateMemberEntrySerializer(many=True)}
    )
    def get(self, request, site):
        entries = corporate_member_entries(corporate=self.manager.corporate)
        page = self.paginate_queryset(entries)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="Invite a general admin (멤버 추가)",
        request=InvitationCreateSerializer,
        responses={201: CorporateMemberEntrySerializer},
    )
    def post(self, request, site):
        serializer = InvitationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitation = invitation_create(
            manager=self.manager, context=self.context, **serializer.validated_data
        )
        return Response(
            self.get_serializer(invitation_entry(invitation)).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema(tags=TAGS, parameters=[ENTRY_ID])
class CorporateMemberDetailView(MembersMenuView):
    """계정 삭제하기 (manual 004 §4.1): an invitation is cancelled (its link dies); a general
    admin's account is withdrawn and its role removed. The master cannot be deleted."""

    error_codes = {
        409: [CommonErrorCode.INVALID_TRANSITION, CorporateErrorCode.CANNOT_DELETE_MASTER]
    }

    @extend_schema(summary="Delete an admin or cancel an invitation", responses={204: None})
    def delete(self, request, site, id):
        kind, pk = self.entry_ref()
        if kind == INVITATION:
            invitation_cancel(manager=self.manager, invitation_id=pk, context=self.context)
        else:
            corporate_admin_delete(manager=self.manager, admin_id=pk, context=self.context)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=TAGS, parameters=[ENTRY_ID])
class InvitationResendView(MembersMenuView):
    """문자 재발송 (manual 004 §4.2): a new link valid 72 hours; the previous link dies."""

    serializer_class = CorporateMemberEntrySerializer
    error_codes = {409: [CommonErrorCode.INVALID_TRANSITION]}

    @extend_schema(summary="Resend the invitation SMS", request=None)
    def post(self, request, site, id):
        # An entry that began as an invitation keeps its id: once accepted, resending it is
        # `invalid_transition`; the master's own entry has no invitation.
        kind, pk = entry_id_parse(id) or (ADMIN, 0)
        if kind != INVITATION:
            raise NotFound()
        invitation = invitation_resend(manager=self.manager, invitation_id=pk, context=self.context)
        return Response(self.get_serializer(invitation_entry(invitation)).data)


@extend_schema(tags=TAGS, parameters=[ENTRY_ID])
class AdminPasswordResetView(MembersMenuView):
    """비밀번호 초기화 (manual 004 §4.1): a temporary password by SMS to a general admin, valid
    24 hours and to be changed at the next login; the admin's sessions end."""

    error_codes = {
        409: [CorporateErrorCode.PASSWORD_RESET_NOT_ALLOWED, CorporateErrorCode.MEMBER_UNREACHABLE]
    }

    @extend_schema(
        summary="Reset a general admin's password", request=None, responses={202: DetailSerializer}
    )
    def post(self, request, site, id):
        kind, pk = self.entry_ref()
        if kind != ADMIN:
            raise NotFound()
        corporate_admin_password_reset(manager=self.manager, admin_id=pk, context=self.context)
        return Response(
            DetailSerializer({"detail": PASSWORD_SENT}).data,
            status=status.HTTP_202_ACCEPTED,
        )


@extend_schema(tags=TAGS)
class MasterTransferView(MembersMenuView):
    """마스터 권한 이관 (manual 004 §4.3): the chosen active general admin becomes master and the
    caller a general admin; both are told by SMS."""

    error_codes = {
        400: [CorporateErrorCode.TRANSFER_TARGET_INVALID],
        409: [CorporateErrorCode.TRANSFER_CONFLICT],
    }

    @extend_schema(
        summary="Transfer the master role",
        request=MasterTransferSerializer,
        responses={200: MasterTransferResultSerializer},
    )
    def post(self, request, site):
        serializer = MasterTransferSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        master = corporate_master_transfer(
            manager=self.manager,
            target_id=serializer.validated_data["admin_id"],
            context=self.context,
        )
        return Response(MasterTransferResultSerializer({"master": admin_entry(master)}).data)


@own_account_schema(tags=TAGS, read="My info (내 정보)", edit="Edit my info")
class ManagerMeView(OwnAccountMixin, CorporateAPIView):
    """내 정보 (SPEC §7.1 My info): read; change position, email, mobile (with a verification,
    purpose profile_update); withdraw (password; a master must transfer the role first).
    The password is changed with POST `members/me/password/`."""

    access = {
        "GET": Capability.MANAGER_SELF,
        "PATCH": Capability.MANAGER_SELF,
        "DELETE": Capability.MANAGER_SELF,
    }
    serializer_class = ManagerProfileSerializer
    update_serializer_class = ManagerProfileUpdateSerializer
    error_codes = {
        "patch": {400: OWN_ACCOUNT_EDIT_CODES},
        "delete": {400: OWN_ACCOUNT_WITHDRAW_CODES},
    }

    def own_account(self):
        return self.manager

    def own_account_update(self, *, changes: dict, verification_token: str):
        return corporate_manager_profile_update(
            manager=self.manager,
            changes=changes,
            verification_token=verification_token,
            context=self.context,
        )

    def own_account_withdraw(self, **answers) -> None:
        corporate_manager_withdraw(manager=self.manager, context=self.context, **answers)


class InvitationLinkView(SiteAPIView):
    """Anyone holding the link; no login (the invitee has no account yet). Only on sites with
    companies, like every onnuri-biz endpoint (api/corporates/base.py)."""

    access = {"GET": PUBLIC, "POST": PUBLIC}
    feature = CorporateAPIView.feature
    authentication_classes = [NoAuthentication]
    required_action_exempt = True
    password_change_exempt = True


@extend_schema(tags=TAGS)
class InvitationDetailView(InvitationLinkView):
    """The join page's header (manual 004 §1.2): only what the invitee may know — who invited
    (masked), department, position and when the link expires; not the company's name or
    number, which the invitee must enter."""

    serializer_class = InvitationSerializer
    error_codes = INVITATION_CODES

    @extend_schema(summary="An invitation by its link")
    def get(self, request, site, token):
        invitation = invitation_get_by_token(site=self.site, token=token)
        return Response(self.get_serializer(invitation).data)


@extend_schema(tags=TAGS)
class InvitationAcceptView(InvitationLinkView):
    """관리자 추가 가입 (SPEC §7.1; manual 004 §1.2): the invitee joins as a general admin, with
    no further approval.

    Verify the invited mobile first (`verifications/`, purpose `invitation`, method `mobile`).
    The company name must be exactly the inviting company's and the business number its own;
    ID, password and consents follow the site's sign-up rules.
    """

    serializer_class = InvitationAcceptSerializer
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "sign_up"
    error_codes = {
        400: [
            CorporateErrorCode.INVITATION_EXPIRED,
            CorporateErrorCode.INVITATION_COMPANY_MISMATCH,
            *JOIN_CODES,
        ],
        404: [CorporateErrorCode.INVITATION_NOT_FOUND],
        409: [CommonErrorCode.INVALID_TRANSITION],
    }

    def accept_data(self) -> InvitationAcceptData:
        serializer = self.get_serializer(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        values["consents"] = [dict(c) for c in values["consents"]]
        return InvitationAcceptData(**values)

    def joined(self, manager) -> Response:
        return Response(
            MemberProfileSerializer(manager.member).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(summary="Accept an invitation", responses={201: MemberProfileSerializer})
    def post(self, request, site, token):
        manager = invitation_accept(
            site=self.site, token=token, data=self.accept_data(), context=self.context
        )
        return self.joined(manager)


@extend_schema(tags=TAGS)
class InvitationAcceptByCompanyView(InvitationAcceptView):
    """관리자 추가 가입 without the link's token, as manual 004 §1.2 shows it (the SMS's bare
    `/join` link): the invitee enters the company name and business number, verifies the
    invited mobile (`verifications/`, purpose `invitation`, method `mobile`) and the manager
    details; the server finds the pending invitation of that company for the verified mobile
    and the invitee becomes a general admin, with no further approval.

    `invitation_no_match` (400) whichever of company name, business number or mobile has no
    pending invitation; every refusal leaves the verification token usable.
    """

    error_codes = {
        400: [
            CommonErrorCode.INVALID_BUSINESS_NUMBER,
            CorporateErrorCode.INVITATION_NO_MATCH,
            CorporateErrorCode.INVITATION_EXPIRED,
            *JOIN_CODES,
        ],
        409: [CommonErrorCode.INVALID_TRANSITION],
    }

    @extend_schema(
        summary="Accept an invitation without its link (company name and business number)",
        operation_id="sites_invitations_accept_by_company",
        responses={201: MemberProfileSerializer},
    )
    def post(self, request, site):
        manager = invitation_accept_by_company(
            site=self.site, data=self.accept_data(), context=self.context
        )
        return self.joined(manager)
