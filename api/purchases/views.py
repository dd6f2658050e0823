"""onnuri-biz purchases (SPEC §7.3, §8; manual 004 §2.1–2.2).

The master and general admins request, list and cancel their company's purchases; site staff
list every company's, mark documents received, approve and refund. Another company's purchase
is a 404 (the corporate scope of api.corporates.base).
"""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.response import Response

from api.corporates.base import CorporateAPIView
from api.filters import query_filters
from api.idempotency import IdempotentMixin
from domain.capabilities import Capability
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
    PurchaseCreateSerializer,
    PurchaseFilterSerializer,
    PurchaseSerializer,
    PurchaseSummarySerializer,
)

NOT_FOUND_CODES = {404: [PurchaseErrorCode.PURCHASE_NOT_FOUND]}
VIEW = (Capability.PURCHASES_VIEW, Capability.SITE_READ)


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
        "get": {},
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
