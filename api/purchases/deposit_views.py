"""Deposit matching for site staff (SPEC §7.3, §8).

Staff upload the bank statement of the receiving account (`POST purchases/deposits/`), read the
proposals (`GET purchases/deposits/{id}/`) and confirm a list of (row, purchase) pairs in one
call (`POST purchases/deposits/confirm/`); each pair is approved in its own transaction by the
same service as `purchases/{id}/approve/`. Everything needs `purchases.review`: companies'
managers, whose capability table lacks it, get 404 like for any hidden capability.

The upload takes an `Idempotency-Key` (a retried upload replays the first statement instead of
storing a second). The confirmation does not: the mixin would run the whole list in one
transaction, and each pair must commit on its own; a retried confirmation is safe anyway, since
a confirmed row answers `row_already_used`.
"""

import io

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from api.corporates.base import CorporateAPIView
from api.files import XLSX, FileDownloadMixin, file_response
from api.idempotency import IdempotentMixin
from domain.common.capabilities import Capability
from domain.common.errors import CommonErrorCode
from domain.purchases.deposits import (
    deposit_matches_confirm,
    deposit_statement_get,
    deposit_statement_list,
    deposit_statement_upload,
)
from domain.purchases.errors import PurchaseErrorCode
from domain.purchases.models import DepositStatement
from domain.purchases.statements import statement_template

from .deposit_serializers import (
    CONFIRM_RESULTS,
    DepositConfirmResponseSerializer,
    DepositConfirmSerializer,
    DepositStatementDetailSerializer,
    DepositStatementSerializer,
    DepositStatementUploadSerializer,
)

REVIEW = Capability.PURCHASES_REVIEW
TEMPLATE_NAME = "deposit-statement-template.xlsx"
STATEMENT_NOT_FOUND = {404: [PurchaseErrorCode.STATEMENT_NOT_FOUND]}
APPROVED, REFUSED = CONFIRM_RESULTS


class DepositAPIView(CorporateAPIView):
    feature = "purchases"
    serializer_class = DepositStatementSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request
            return DepositStatement.objects.none()
        return deposit_statement_list(site=self.site)


@extend_schema(tags=["purchases"])
class DepositStatementListView(IdempotentMixin, mixins.ListModelMixin, DepositAPIView):
    """Bank statements of the receiving account (staff): list them, or upload one."""

    access = {"GET": REVIEW, "POST": REVIEW}
    parser_classes = [MultiPartParser, FormParser]
    error_codes = {
        "get": {},
        "post": {
            400: [
                CommonErrorCode.FILE_EMPTY,
                CommonErrorCode.FILE_TOO_LARGE,
                CommonErrorCode.UNSUPPORTED_FILE_TYPE,
                CommonErrorCode.TOO_MANY_COLUMNS,
                PurchaseErrorCode.STATEMENT_HEADER_MISSING,
                PurchaseErrorCode.STATEMENT_EMPTY,
                PurchaseErrorCode.STATEMENT_TOO_MANY_ROWS,
            ],
            **STATEMENT_NOT_FOUND,
        },
    }

    @extend_schema(summary="Deposit statements (staff)")
    def get(self, request, site):
        return self.list(request)

    @extend_schema(
        summary="Upload a deposit statement and get the proposed matches (staff)",
        description=(
            "Reads the statement (columns 거래일시/`deposited_at`, 입금자명/`depositor`, "
            "입금액/`amount`; .xlsx or CSV in UTF-8 or CP949), proposes for each row the pending "
            "purchase with that exact deposit amount whose company name or depositor account "
            "holder equals the depositor (ignoring spaces, (주)/㈜/주식회사 and similar, width "
            "and case) and that was requested no later than the deposit. One candidate: "
            "`proposed`; several: `ambiguous`; none: `unmatched` with a `reason`. Rows that "
            "cannot be read are left out and listed in `errors`. Nothing is approved."
        ),
        request={"multipart/form-data": DepositStatementUploadSerializer},
        responses={201: DepositStatementDetailSerializer},
    )
    def post(self, request, site):
        serializer = DepositStatementUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        statement = deposit_statement_upload(
            site=self.site, staff=request.user, file=serializer.validated_data["file"]
        )
        statement = deposit_statement_get(site=self.site, statement_id=statement.pk)
        return Response(
            DepositStatementDetailSerializer(statement).data, status=status.HTTP_201_CREATED
        )


@extend_schema(tags=["purchases"])
class DepositStatementDetailView(DepositAPIView):
    access = {"GET": REVIEW}
    error_codes = STATEMENT_NOT_FOUND

    @extend_schema(
        summary="A deposit statement with its rows and proposals (staff)",
        responses={200: DepositStatementDetailSerializer},
    )
    def get(self, request, site, id):
        statement = deposit_statement_get(site=self.site, statement_id=id)
        return Response(DepositStatementDetailSerializer(statement).data)


@extend_schema(tags=["purchases"])
class DepositConfirmView(DepositAPIView):
    access = {"POST": REVIEW}
    parser_classes = [JSONParser]  # a list of pairs
    error_codes = {400: [CommonErrorCode.MIN_VALUE, CommonErrorCode.MAX_LENGTH]}

    @extend_schema(
        summary="Confirm deposit matches: approve their purchases (staff)",
        description=(
            "Each (row, purchase) pair is confirmed in order and in its own transaction: the "
            "row is locked, must be `proposed` or `ambiguous` with the purchase among its "
            "candidates, and the purchase is approved as by `purchases/{id}/approve/` (balance, "
            "five-year validity, SMS). The answer is 200 with one result per pair, `approved` or "
            "`refused` with a code: `row_already_used` (a row is confirmed once), "
            "`deposit_row_unmatched`, `purchase_not_a_candidate`, `deposit_row_not_found`, "
            "`purchase_not_found`, `invalid_transition` (the purchase is no longer pending), "
            "`documents_missing` (≥ 10,000,000 won without its documents)."
        ),
        request=DepositConfirmSerializer,
        responses={200: DepositConfirmResponseSerializer},
    )
    def post(self, request, site):
        serializer = DepositConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        matches = [(m["row"], m["purchase"]) for m in serializer.validated_data["matches"]]
        outcomes = deposit_matches_confirm(site=self.site, staff=request.user, matches=matches)
        results = [
            {
                "row": outcome.row_id,
                "purchase": outcome.purchase_id,
                "result": APPROVED if outcome.row else REFUSED,
                "code": outcome.code,
                "detail": str(outcome.message) if outcome.code else None,
                "purchase_status": outcome.row.confirmed_purchase.status if outcome.row else None,
            }
            for outcome in outcomes
        ]
        approved = sum(1 for outcome in outcomes if outcome.row)
        body = {"approved": approved, "refused": len(outcomes) - approved, "results": results}
        return Response(DepositConfirmResponseSerializer(body).data)


@extend_schema(tags=["purchases"])
class DepositTemplateView(FileDownloadMixin, DepositAPIView):
    access = {"GET": REVIEW}
    error_codes = {}

    @extend_schema(
        summary="The deposit statement template (.xlsx, staff)",
        description="The three columns with an example row, and a sheet explaining the columns "
        "and the matching rules.",
        responses={(200, XLSX): OpenApiTypes.BINARY},
    )
    def get(self, request, site):
        return file_response(
            io.BytesIO(statement_template()), content_type=XLSX, filename=TEMPLATE_NAME
        )
