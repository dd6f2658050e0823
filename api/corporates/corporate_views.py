"""Corporate sign-up and its review by the site's staff (manual 004 §1.1; SPEC §7.1, §8, §11).

`corporates/` takes the sign-up from anyone (POST, multipart) and lists the site's corporates for
staff (GET). Staff approve or reject a pending corporate and set its purchase terms; a
corporate's own admins read it (`mine/`) and download its documents. Outside the caller's scope
everything is a 404.
"""

from dataclasses import fields

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from api.files import DOCUMENT_RESPONSES, FILE_CODES, STORAGE_CODES, FileDownloadMixin
from api.members.account_views import TOKEN_CODES
from api.openapi import AnyOfSerializer
from api.permissions import PUBLIC
from domain.common.capabilities import Capability
from domain.common.errors import CommonErrorCode
from domain.consents.errors import ConsentErrorCode
from domain.corporates.corporate_admins import MANAGER_POLICY_CODES
from domain.corporates.errors import CorporateErrorCode
from domain.corporates.models import Corporate
from domain.corporates.review import (
    corporate_approve,
    corporate_document_open,
    corporate_personal_data_viewed,
    corporate_reject,
    corporate_terms_update,
)
from domain.corporates.selectors import DOCUMENT_KINDS, corporate_not_found
from domain.corporates.signup import CorporateSignUpData, corporate_sign_up
from domain.members.errors import MemberErrorCode
from domain.members.passwords import PASSWORD_ERROR_CODES
from domain.messaging.errors import MessagingErrorCode
from domain.sites.errors import SiteErrorCode

from .base import CorporateAPIView
from .corporate_serializers import (
    CorporateListSerializer,
    CorporateRejectSerializer,
    CorporateSerializer,
    CorporateSignedUpSerializer,
    CorporateSignUpSerializer,
    CorporateStaffSerializer,
    CorporateTermsSerializer,
)

SIGN_UP_FIELDS = {f.name for f in fields(CorporateSignUpData)}
SIGNED_UP_MESSAGE = _(
    "The sign-up has been received. The operator will review it, and the manager will be told "
    "the result by text message; the manager can log in once it is approved."
)
FEATURE_CODES = [CommonErrorCode.FEATURE_NOT_AVAILABLE]
NOT_FOUND_CODES = [CorporateErrorCode.CORPORATE_NOT_FOUND, *FEATURE_CODES]
SIGN_UP_CODES = [
    CommonErrorCode.INVALID_BUSINESS_NUMBER,
    CorporateErrorCode.BUSINESS_NUMBER_TAKEN,
    CommonErrorCode.INVALID_PHONE,
    CorporateErrorCode.INVALID_BANK,
    CorporateErrorCode.INVALID_ACCOUNT_NUMBER,
    CorporateErrorCode.ACCOUNT_HOLDER_MISMATCH,
    CommonErrorCode.INVALID_CHOICE,
    CommonErrorCode.MAX_LENGTH,
    CommonErrorCode.MIN_VALUE,
    CommonErrorCode.MAX_VALUE,
    *FILE_CODES,
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
    *TOKEN_CODES,
]
CORPORATE_DETAIL = AnyOfSerializer(
    component_name="CorporateDetail",
    serializers=[CorporateStaffSerializer, CorporateSerializer],
)


class CorporateGetMixin:
    def corporate_get(self, pk: int) -> Corporate:
        """One corporate in the caller's scope (staff: the site's; admins: their own)."""
        corporate = self.corporate_scope().select_related("site").filter(pk=pk).first()
        if corporate is None:
            raise corporate_not_found()
        return corporate


@extend_schema(tags=["corporates"])
class CorporateListView(CorporateGetMixin, mixins.ListModelMixin, CorporateAPIView):
    """기업 신규 가입 (POST, anyone) and the staff list of the site's corporates (GET).

    Sign-up: verify the manager first (`verifications/`, purpose `sign_up`, method `mobile`),
    read the consent documents of kind `corporate_manager`, then send everything as
    multipart/form-data with `consents` JSON-encoded. The manager's name, birth date, gender and
    mobile come from the verification. The corporate is then pending review; the manager
    cannot log in until the operator approves it (SMS).
    """

    access = {"GET": Capability.SITE_READ, "POST": PUBLIC}
    parser_classes = [MultiPartParser, FormParser]
    throttle_scope = "sign_up"
    filterset_fields = ["status"]
    error_codes = {
        "get": {404: FEATURE_CODES},
        "post": {400: SIGN_UP_CODES, 404: FEATURE_CODES, **STORAGE_CODES},
    }

    def get_throttles(self):
        if self.request.method == "POST":
            return [ScopedRateThrottle()]
        return []

    def get_serializer_class(self):
        if self.request.method == "POST":
            return CorporateSignUpSerializer
        return CorporateListSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no caller
            return Corporate.objects.none()
        return self.corporate_scope()

    @extend_schema(summary="Corporates of the site (staff)")
    def get(self, request, site):
        return self.list(request)

    @extend_schema(
        summary="Sign up a new corporate",
        request={"multipart/form-data": CorporateSignUpSerializer},
        responses={201: CorporateSignedUpSerializer},
    )
    def post(self, request, site):
        serializer = CorporateSignUpSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = {k: v for k, v in serializer.validated_data.items() if k in SIGN_UP_FIELDS}
        corporate = corporate_sign_up(
            site=self.site, data=CorporateSignUpData(**values), context=self.context
        )
        body = {
            "id": corporate.pk,
            "name": corporate.name,
            "business_number": corporate.business_number,
            "status": corporate.status,
            "detail": str(SIGNED_UP_MESSAGE),
        }
        return Response(CorporateSignedUpSerializer(body).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["corporates"])
class CorporateMineView(CorporateGetMixin, CorporateAPIView):
    """The caller's own corporate (master or general admin): purchase terms and the account in
    use with its number masked."""

    access = {"GET": Capability.CORPORATE_VIEW}
    serializer_class = CorporateSerializer
    error_codes = {404: FEATURE_CODES}

    @extend_schema(summary="My corporate", responses={200: CorporateSerializer})
    def get(self, request, site):
        return Response(CorporateSerializer(self.manager.corporate).data)


@extend_schema(tags=["corporates"])
class CorporateDetailView(CorporateGetMixin, CorporateAPIView):
    """GET: staff see the full detail (written to the access log); the corporate's own admins
    see it without the staff-only fields. PATCH (staff): the purchase terms; the change is
    written as a `terms_changed` event."""

    access = {
        "GET": (Capability.CORPORATE_VIEW, Capability.SITE_READ),
        "PATCH": Capability.CORPORATES_REVIEW,
    }
    serializer_class = CorporateStaffSerializer
    error_codes = {
        "get": {404: NOT_FOUND_CODES},
        "patch": {
            400: [
                CorporateErrorCode.INVALID_DISCOUNT_RATE,
                CorporateErrorCode.INVALID_AMOUNT,
                CommonErrorCode.MIN_VALUE,
                CommonErrorCode.MAX_VALUE,
                CommonErrorCode.MAX_DIGITS,
                CommonErrorCode.MAX_DECIMAL_PLACES,
            ],
            404: NOT_FOUND_CODES,
        },
    }

    @extend_schema(summary="A corporate", responses={200: CORPORATE_DETAIL})
    def get(self, request, site, id):
        corporate = self.corporate_get(id)
        if self.manager is None:
            corporate_personal_data_viewed(
                corporate=corporate, viewer=request.user, item="corporate", context=self.context
            )
            return Response(CorporateStaffSerializer(corporate).data)
        return Response(CorporateSerializer(corporate).data)

    @extend_schema(
        summary="Set a corporate's purchase terms (staff)",
        request=CorporateTermsSerializer,
        responses={200: CorporateStaffSerializer},
    )
    def patch(self, request, site, id):
        serializer = CorporateTermsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        corporate = corporate_terms_update(
            site=self.site,
            staff=request.user,
            corporate_id=id,
            context=self.context,
            **serializer.validated_data,
        )
        return Response(CorporateStaffSerializer(corporate).data)


class CorporateReviewView(CorporateGetMixin, CorporateAPIView):
    access = {"POST": Capability.CORPORATES_REVIEW}
    serializer_class = CorporateStaffSerializer
    error_codes = {404: NOT_FOUND_CODES, 409: [CommonErrorCode.INVALID_TRANSITION]}


@extend_schema(tags=["corporates"])
class CorporateApproveView(CorporateReviewView):
    """Staff approve a pending corporate: its manager becomes an active master, the sign-up
    account goes in use and the manager is told by SMS that they can log in."""

    @extend_schema(
        summary="Approve a corporate sign-up (staff)",
        request=None,
        responses={200: CorporateStaffSerializer},
    )
    def post(self, request, site, id):
        corporate = corporate_approve(
            site=self.site, staff=request.user, corporate_id=id, context=self.context
        )
        return Response(CorporateStaffSerializer(corporate).data)


@extend_schema(tags=["corporates"])
class CorporateRejectView(CorporateReviewView):
    """Staff reject a pending corporate with a reason, which the manager is told by SMS."""

    error_codes = {
        **CorporateReviewView.error_codes,
        400: [
            CommonErrorCode.REASON_REQUIRED,
            MessagingErrorCode.UNSUPPORTED_CHARACTER,
            CommonErrorCode.MAX_LENGTH,
        ],
    }

    @extend_schema(
        summary="Reject a corporate sign-up (staff)",
        request=CorporateRejectSerializer,
        responses={200: CorporateStaffSerializer},
    )
    def post(self, request, site, id):
        serializer = CorporateRejectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        corporate = corporate_reject(
            site=self.site,
            staff=request.user,
            corporate_id=id,
            reason=serializer.validated_data["reason"],
            context=self.context,
        )
        return Response(CorporateStaffSerializer(corporate).data)


@extend_schema(tags=["corporates"])
class CorporateDocumentView(FileDownloadMixin, CorporateGetMixin, CorporateAPIView):
    """A sign-up document for the corporate's admins (master and general) and the site's staff
    (written to the access log); anyone else gets a 404. `bankbook` is the copy of the account
    in use (before approval, of the sign-up account)."""

    access = {"GET": (Capability.CORPORATE_DOCUMENTS, Capability.SITE_READ)}
    error_codes = {
        404: [
            *NOT_FOUND_CODES,
            CorporateErrorCode.DOCUMENT_NOT_FOUND,
            CommonErrorCode.FILE_NOT_FOUND,
        ],
        **STORAGE_CODES,
    }

    @extend_schema(
        summary="Download a corporate's document",
        parameters=[OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=DOCUMENT_KINDS)],
        responses=DOCUMENT_RESPONSES,
    )
    def get(self, request, site, id, kind):
        corporate = self.corporate_get(id)
        document, file = corporate_document_open(
            corporate=corporate, viewer=request.user, kind=kind, context=self.context
        )
        return self.document_response(
            file, content_type=document.content_type, stem=f"corporate-{corporate.pk}-{kind}"
        )
