"""onnuri-biz purchases (SPEC §7.3, §8; manual 004 §2.1–2.2).

The master and general admins request, list and cancel their company's purchases; site staff
list every company's, mark documents received, approve and refund. Another company's purchase
is a 404 (the corporate scope of api.corporates.base).
"""

from django.utils import timezone
from django.utils.translation import pgettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.response import Response

from api.corporates.base import CorporateAPIView
from api.files import XLSX, FileDownloadMixin, xlsx_response
from api.filters import query_filters
from api.idempotency import IdempotentMixin
from domain.common.capabilities import Capability
from domain.common.errors import CommonErrorCode
from domain.corporates.errors import CorporateErrorCode
from domain.purchases.errors import PurchaseErrorCode
from domain.purchases.models import Purchase
from domain.purchases.services import (
    purchase_approve,
    purchase_cancel,
    purchase_documents_received,
    purchase_get,
    purchase_list,
    purchase_refund,
    purchase_request,
    purchase_summary,
)

from .serializers import (
    PURCHASE_EXPORT_COLUMNS,
    PurchaseCreateSerializer,
    PurchaseFilterSerializer,
    PurchaseSerializer,
    PurchaseSummarySerializer,
)

NOT_FOUND_CODES = {404: [PurchaseErrorCode.PURCHASE_NOT_FOUND]}
# A history filter that does not parse (PurchaseFilterSerializer): an unknown period, status or
# ordering, a malformed date, a company id below 1.
FILTER_CODES = {
    400: [CommonErrorCode.INVALID, CommonErrorCode.INVALID_CHOICE, CommonErrorCode.MIN_VALUE]
}
VIEW = (Capability.PURCHASES_VIEW, Capability.SITE_READ)
# Rows fetched from the database at a time by the export (a server-side cursor on PostgreSQL).
EXPORT_CHUNK_SIZE = 2_000


class PurchaseAPIView(CorporateAPIView):
    feature = "purchases"
    serializer_class = PurchaseSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request
            return Purchase.objects.none()
        filters = query_filters(PurchaseFilterSerializer, self.request.query_params)
        return purchase_list(corporates=self.corporate_scope(), filters=filters)


@extend_schema(tags=["purchases"])
class PurchaseListView(IdempotentMixin, mixins.ListModelMixin, PurchaseAPIView):
    """구매내역 (GET: the company's admins; staff see the whole site, filter `corporate`) and
    구매하기 (POST: master or general admin of an approved company with an account in use)."""

    access = {"GET": VIEW, "POST": Capability.PURCHASES_MANAGE}
    error_codes = {
        "get": FILTER_CODES,
        "post": {
            400: [
                PurchaseErrorCode.INVALID_PURCHASE_AMOUNT,
                PurchaseErrorCode.MONTHLY_LIMIT_EXCEEDED,
            ],
            409: [CorporateErrorCode.CORPORATE_NOT_APPROVED, PurchaseErrorCode.NO_ACCOUNT_IN_USE],
        },
    }

    @extend_schema(summary="Purchase history", parameters=[PurchaseFilterSerializer])
    def get(self, request, site):
        return self.list(request)

    @extend_schema(
        summary="Request a purchase",
        request=PurchaseCreateSerializer,
        responses={201: PurchaseSerializer},
    )
    def post(self, request, site):
        serializer = PurchaseCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        purchase = purchase_request(
            manager=self.manager, amount=serializer.validated_data["amount"]
        )
        return Response(self.get_serializer(purchase).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["purchases"])
class PurchaseExportView(FileDownloadMixin, PurchaseAPIView):
    """구매내역 액셀 다운로드 (manual 004 §2.2; SPEC §7.3): the history with the list's callers,
    filters (`corporate` for staff) and ordering, every row rather than a page, under the
    manual's Korean headers (English on request).

    The rows come from a database cursor in chunks and go one by one into a write-only sheet on
    disk, which the answer then streams (api.files): an export of 100,000 purchases holds a
    chunk of rows in memory, never all of them (README "Benchmarks" measures it).
    """

    access = {"GET": VIEW}
    error_codes = FILTER_CODES

    @extend_schema(
        summary="Download the purchase history (Excel)",
        parameters=[PurchaseFilterSerializer],
        responses={(200, XLSX): OpenApiTypes.BINARY},
    )
    def get(self, request, site):
        purchases = self.get_queryset().iterator(chunk_size=EXPORT_CHUNK_SIZE)
        title = pgettext_lazy("purchase export", "Purchase history")
        day = f"{timezone.localdate():%Y%m%d}"
        return xlsx_response(
            title=title,
            columns=PURCHASE_EXPORT_COLUMNS,
            rows=purchases,
            filename=f"{title}-{day}.xlsx",
            ascii_filename=f"purchases-{day}.xlsx",
        )


@extend_schema(tags=["purchases"])
class PurchaseSummaryView(PurchaseAPIView):
    """The dashboard's four cards (manual 004 §2.1)."""

    access = {"GET": VIEW}
    error_codes = {}

    @extend_schema(summary="Purchase dashboard", responses={200: PurchaseSummarySerializer})
    def get(self, request, site):
        summary = purchase_summary(corporates=self.corporate_scope())
        return Response(PurchaseSummarySerializer(summary).data)


@extend_schema(tags=["purchases"])
class PurchaseDetailView(PurchaseAPIView):
    access = {"GET": VIEW}
    error_codes = NOT_FOUND_CODES

    @extend_schema(summary="A purchase")
    def get(self, request, site, id):
        purchase = purchase_get(corporates=self.corporate_scope(), purchase_id=id)
        return Response(self.get_serializer(purchase).data)


@extend_schema(tags=["purchases"])
class PurchaseCancelView(PurchaseAPIView):
    """The company cancels a pending purchase; 409 once it is anything else."""

    access = {"POST": Capability.PURCHASES_MANAGE}
    error_codes = {**NOT_FOUND_CODES, 409: [CommonErrorCode.INVALID_TRANSITION]}

    @extend_schema(summary="Cancel a pending purchase", request=None)
    def post(self, request, site, id):
        purchase = purchase_cancel(manager=self.manager, purchase_id=id)
        return Response(self.get_serializer(purchase).data)


@extend_schema(tags=["purchases"])
class PurchaseDocumentsReceivedView(PurchaseAPIView):
    """Staff mark the four documents of a ≥ 10,000,000 won purchase received."""

    access = {"POST": Capability.PURCHASES_REVIEW}
    error_codes = {**NOT_FOUND_CODES, 409: [PurchaseErrorCode.DOCUMENTS_NOT_REQUIRED]}

    @extend_schema(summary="Mark a purchase's documents received (staff)", request=None)
    def post(self, request, site, id):
        purchase = purchase_documents_received(
            corporates=self.corporate_scope(), staff=request.user, purchase_id=id
        )
        return Response(self.get_serializer(purchase).data)


@extend_schema(tags=["purchases"])
class PurchaseApproveView(PurchaseAPIView):
    """Staff approve a pending purchase once its deposit is in: balance = amount, valid five
    years, the requester told by SMS."""

    access = {"POST": Capability.PURCHASES_REVIEW}
    error_codes = {
        **NOT_FOUND_CODES,
        409: [CommonErrorCode.INVALID_TRANSITION, PurchaseErrorCode.DOCUMENTS_MISSING],
    }

    @extend_schema(summary="Approve a purchase (staff)", request=None)
    def post(self, request, site, id):
        purchase = purchase_approve(
            corporates=self.corporate_scope(), staff=request.user, purchase_id=id
        )
        return Response(self.get_serializer(purchase).data)


@extend_schema(tags=["purchases"])
class PurchaseRefundView(PurchaseAPIView):
    """Staff refund the remaining balance of an approved purchase."""

    access = {"POST": Capability.PURCHASES_REVIEW}
    error_codes = {
        **NOT_FOUND_CODES,
        409: [CommonErrorCode.INVALID_TRANSITION, PurchaseErrorCode.BALANCE_RESERVED],
    }

    @extend_schema(summary="Refund a purchase's balance (staff)", request=None)
    def post(self, request, site, id):
        purchase = purchase_refund(
            corporates=self.corporate_scope(), staff=request.user, purchase_id=id
        )
        return Response(self.get_serializer(purchase).data)
