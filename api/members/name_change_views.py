"""Re-verification and name change requests (animal-protection; manual 002 §II; SPEC §5, §11)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from api.base import SiteAPIView
from api.files import DOCUMENT_RESPONSES, FILE_CODES, STORAGE_CODES, FileDownloadMixin
from domain.capabilities import member_can
from domain.common.capabilities import Capability
from domain.common.errors import CommonErrorCode
from domain.consents.errors import ConsentErrorCode
from domain.members.errors import MemberErrorCode
from domain.members.models import NameChangeRequest
from domain.members.name_changes import (
    name_change_evidence_open,
    name_change_request_approve,
    name_change_request_create,
    name_change_request_reject,
    name_change_requests_visible,
)
from domain.members.reverification import member_re_verify

from .account_views import TOKEN_CODES
from .name_change_serializers import (
    NameChangeRejectSerializer,
    NameChangeRequestCreateSerializer,
    NameChangeRequestSerializer,
    ReVerificationSerializer,
)
from .serializers import MemberProfileSerializer

REQUIRED_ACTION_CODES = {
    403: [MemberErrorCode.PASSWORD_CHANGE_REQUIRED, ConsentErrorCode.CONSENT_REQUIRED]
}
FEATURE_CODES = {404: [CommonErrorCode.FEATURE_NOT_AVAILABLE]}


@extend_schema(tags=["members"])
class ReVerificationView(SiteAPIView):
    """기존회원 본인확인 (manual 002 §II): verify again before editing the profile.

    A verified name other than the stored one is refused with `name_mismatch` and the manual's
    guidance (a legal rename → a name change request with the certificate; an owner change →
    the district office); nothing changes.
    """

    access = {"POST": Capability.PROFILE}
    serializer_class = ReVerificationSerializer
    error_codes = {
        400: [MemberErrorCode.NAME_MISMATCH, MemberErrorCode.IDENTITY_MISMATCH, *TOKEN_CODES],
        **REQUIRED_ACTION_CODES,
        **FEATURE_CODES,
    }

    @extend_schema(summary="Re-verify my identity", responses={200: MemberProfileSerializer})
    def post(self, request, site):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        member = member_re_verify(
            member=request.user,
            verification_token=serializer.validated_data["verification_token"],
            context=self.context,
        )
        return Response(MemberProfileSerializer(member, context=self.get_serializer_context()).data)


class NameChangeScopedMixin:
    """Staff see the site's requests (names masked, SPEC §13); a member only their own."""

    serializer_class = NameChangeRequestSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request
            return NameChangeRequest.objects.none()
        return name_change_requests_visible(site=self.site, viewer=self.request.user)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["masked"] = member_can(self.request.user, self.site, Capability.SITE_READ)
        return context


@extend_schema(tags=["members"])
class NameChangeRequestListView(NameChangeScopedMixin, mixins.ListModelMixin, SiteAPIView):
    """Name change requests (manual 002 §II 1-2: a legal rename with its certificate).

    GET: a member's own requests, or all of the site's for staff. POST (multipart): the
    requested name, the evidence file (PDF/JPG/PNG ≤ 10 MB, checked by content) and a
    verification token (purpose profile_update) whose verified name is the requested name.
    """

    access = {"GET": Capability.PROFILE, "POST": Capability.PROFILE}
    feature = "name_change_requests"
    parser_classes = [MultiPartParser, FormParser]
    error_codes = {
        "get": {**REQUIRED_ACTION_CODES, **FEATURE_CODES},
        "post": {
            400: [
                MemberErrorCode.NAME_MISMATCH,
                MemberErrorCode.IDENTITY_MISMATCH,
                MemberErrorCode.NAME_UNCHANGED,
                *FILE_CODES,
                *TOKEN_CODES,
            ],
            **REQUIRED_ACTION_CODES,
            **FEATURE_CODES,
            409: [MemberErrorCode.NAME_CHANGE_PENDING],
            **STORAGE_CODES,
        },
    }

    @extend_schema(summary="Name change requests")
    def get(self, request, site):
        return self.list(request)

    @extend_schema(
        summary="Request a name change",
        request={"multipart/form-data": NameChangeRequestCreateSerializer},
        responses={201: NameChangeRequestSerializer},
    )
    def post(self, request, site):
        serializer = NameChangeRequestCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        created = name_change_request_create(
            member=request.user,
            requested_name=data["requested_name"],
            evidence=data["evidence"],
            verification_token=data["verification_token"],
            context=self.context,
        )
        return Response(self.get_serializer(created).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["members"])
class NameChangeEvidenceView(FileDownloadMixin, SiteAPIView):
    """The evidence file, for the member who sent it or the site's staff (others: 404).

    Staff downloads are written to the access log (SPEC §14).
    """

    access = {"GET": Capability.PROFILE}
    error_codes = {
        **REQUIRED_ACTION_CODES,
        404: [
            MemberErrorCode.NAME_CHANGE_REQUEST_NOT_FOUND,
            CommonErrorCode.FILE_NOT_FOUND,
            CommonErrorCode.FEATURE_NOT_AVAILABLE,
        ],
        **STORAGE_CODES,
    }

    @extend_schema(
        summary="Download the evidence of a name change request",
        responses=DOCUMENT_RESPONSES,
    )
    def get(self, request, site, id):
        found, file = name_change_evidence_open(
            site=self.site, viewer=request.user, request_id=id, context=self.context
        )
        return self.document_response(
            file,
            content_type=found.evidence_content_type,
            stem=f"name-change-{found.pk}-evidence",
        )


class NameChangeReviewView(NameChangeScopedMixin, SiteAPIView):
    access = {"POST": Capability.NAME_CHANGES_REVIEW}
    error_codes = {
        403: [MemberErrorCode.OWN_REQUEST_REVIEW],
        404: [MemberErrorCode.NAME_CHANGE_REQUEST_NOT_FOUND, CommonErrorCode.FEATURE_NOT_AVAILABLE],
        409: [CommonErrorCode.INVALID_TRANSITION],
    }


@extend_schema(tags=["members"])
class NameChangeApproveView(NameChangeReviewView):
    """Staff approve a pending request: the member's name changes and the member is told by SMS."""

    @extend_schema(
        summary="Approve a name change", request=None, responses={200: NameChangeRequestSerializer}
    )
    def post(self, request, site, id):
        approved = name_change_request_approve(
            site=self.site, staff=request.user, request_id=id, context=self.context
        )
        return Response(self.get_serializer(approved).data)


@extend_schema(tags=["members"])
class NameChangeRejectView(NameChangeReviewView):
    """Staff reject a pending request with a reason, which the member is told by SMS."""

    error_codes = {
        **NameChangeReviewView.error_codes,
        400: [CommonErrorCode.REASON_REQUIRED],
    }

    @extend_schema(
        summary="Reject a name change",
        request=NameChangeRejectSerializer,
        responses={200: NameChangeRequestSerializer},
    )
    def post(self, request, site, id):
        serializer = NameChangeRejectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rejected = name_change_request_reject(
            site=self.site,
            staff=request.user,
            request_id=id,
            reason=serializer.validated_data["reason"],
            context=self.context,
        )
        return Response(self.get_serializer(rejected).data)
