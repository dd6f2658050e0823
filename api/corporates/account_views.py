"""A corporate's bank accounts (onnuri-biz; SPEC §7.2, §11; manual 004 §2.3 계좌추가/삭제).

The master and general admins see their corporate's accounts; only the master adds or deletes;
staff see every corporate of the site, approve or reject requests and read bankbook copies
(logged).
Anything outside the caller's scope is a 404 (api.corporates.base).
"""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from api.files import DOCUMENT_RESPONSES, FILE_CODES, STORAGE_CODES, FileDownloadMixin
from api.filters import query_filters
from domain.common.capabilities import Capability
from domain.common.errors import CommonErrorCode
from domain.corporates.accounts import (
    bank_account_approve,
    bank_account_bankbook_open,
    bank_account_delete,
    bank_account_get,
    bank_account_list,
    bank_account_reject,
    bank_account_request,
)
from domain.corporates.errors import CorporateErrorCode
from domain.corporates.models import BankAccount
from domain.messaging.errors import MessagingErrorCode

from .account_serializers import (
    BankAccountCreateSerializer,
    BankAccountFilterSerializer,
    BankAccountRejectSerializer,
    BankAccountSerializer,
)
from .base import CorporateAPIView

NOT_FOUND_CODES = {404: [CorporateErrorCode.BANK_ACCOUNT_NOT_FOUND]}


class BankAccountScopedMixin:
    serializer_class = BankAccountSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request
            return BankAccount.objects.none()
        filters = query_filters(BankAccountFilterSerializer, self.request.query_params)
        return bank_account_list(corporates=self.corporate_scope(), filters=filters)


@extend_schema(tags=["accounts"])
class BankAccountListView(BankAccountScopedMixin, mixins.ListModelMixin, CorporateAPIView):
    """등록된 계좌 (manual 004 §2.3): pending, in use and deleted accounts, numbers masked.

    GET: the corporate's master and general admins; staff see the whole site (filters
    `corporate`, `status`). POST (multipart, master only): ask for a new account, pending staff
    approval; one pending request at a time.
    """

    access = {
        "GET": (Capability.ACCOUNTS_VIEW, Capability.SITE_READ),
        "POST": Capability.ACCOUNTS_MANAGE,
    }
    parser_classes = [MultiPartParser, FormParser]
    error_codes = {
        "get": {},
        "post": {
            400: [
                CorporateErrorCode.INVALID_BANK,
                CorporateErrorCode.INVALID_ACCOUNT_NUMBER,
                CorporateErrorCode.ACCOUNT_HOLDER_MISMATCH,
                *FILE_CODES,
            ],
            409: [
                CorporateErrorCode.ACCOUNT_REQUEST_PENDING,
                CorporateErrorCode.ACCOUNT_ALREADY_REGISTERED,
            ],
            **STORAGE_CODES,
        },
    }

    @extend_schema(summary="Bank accounts", parameters=[BankAccountFilterSerializer])
    def get(self, request, site):
        return self.list(request)

    @extend_schema(
        summary="Request a new bank account",
        request={"multipart/form-data": BankAccountCreateSerializer},
        responses={201: BankAccountSerializer},
    )
    def post(self, request, site):
        serializer = BankAccountCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        account = bank_account_request(
            manager=self.manager,
            bank_code=data["bank_code"],
            account_number=data["account_number"],
            holder=data["holder"],
            bankbook=data["bankbook"],
        )
        return Response(self.get_serializer(account).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["accounts"])
class BankAccountDetailView(BankAccountScopedMixin, CorporateAPIView):
    """One account (GET: admins and staff). DELETE (master): withdraw a pending request; the
    account in use cannot be deleted — add a new one and have it approved instead."""

    access = {
        "GET": (Capability.ACCOUNTS_VIEW, Capability.SITE_READ),
        "DELETE": Capability.ACCOUNTS_MANAGE,
    }
    error_codes = {
        "get": NOT_FOUND_CODES,
        "delete": {
            **NOT_FOUND_CODES,
            409: [CorporateErrorCode.ACCOUNT_IN_USE, CommonErrorCode.INVALID_TRANSITION],
        },
    }

    @extend_schema(summary="A bank account")
    def get(self, request, site, id):
        account = bank_account_get(corporates=self.corporate_scope(), account_id=id)
        return Response(self.get_serializer(account).data)

    @extend_schema(
        summary="Delete a pending account request",
        request=None,
        responses={200: BankAccountSerializer},
    )
    def delete(self, request, site, id):
        account = bank_account_delete(manager=self.manager, account_id=id)
        return Response(self.get_serializer(account).data)


@extend_schema(tags=["accounts"])
class BankAccountApproveView(BankAccountScopedMixin, CorporateAPIView):
    """Staff approve a pending request: it goes in use, the previous account is retired, and the
    master is told by SMS."""

    access = {"POST": Capability.ACCOUNTS_REVIEW}
    error_codes = {
        **NOT_FOUND_CODES,
        409: [CommonErrorCode.INVALID_TRANSITION, CorporateErrorCode.CORPORATE_NOT_APPROVED],
    }

    @extend_schema(summary="Approve a bank account request", request=None)
    def post(self, request, site, id):
        account = bank_account_approve(site=self.site, staff=request.user, account_id=id)
        return Response(self.get_serializer(account).data)


@extend_schema(tags=["accounts"])
class BankAccountRejectView(BankAccountScopedMixin, CorporateAPIView):
    """Staff reject a pending request with a reason: it is deleted with the reason (shown in
    the list), the account in use stays, and the master is told by SMS."""

    access = {"POST": Capability.ACCOUNTS_REVIEW}
    error_codes = {
        **NOT_FOUND_CODES,
        400: [
            CommonErrorCode.REASON_REQUIRED,
            MessagingErrorCode.UNSUPPORTED_CHARACTER,
            CommonErrorCode.MAX_LENGTH,
        ],
        409: [CommonErrorCode.INVALID_TRANSITION, CorporateErrorCode.CORPORATE_NOT_APPROVED],
    }

    @extend_schema(
        summary="Reject a bank account request (staff)",
        request=BankAccountRejectSerializer,
        responses={200: BankAccountSerializer},
    )
    def post(self, request, site, id):
        serializer = BankAccountRejectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        account = bank_account_reject(
            site=self.site,
            staff=request.user,
            account_id=id,
            reason=serializer.validated_data["reason"],
            context=self.context,
        )
        return Response(self.get_serializer(account).data)


@extend_schema(tags=["accounts"])
class BankAccountBankbookView(FileDownloadMixin, CorporateAPIView):
    """The bankbook copy, for the corporate's admins and staff (staff reads are logged, §14)."""

    access = {"GET": (Capability.ACCOUNTS_VIEW, Capability.SITE_READ)}
    error_codes = {
        404: [CorporateErrorCode.BANK_ACCOUNT_NOT_FOUND, CommonErrorCode.FILE_NOT_FOUND],
        **STORAGE_CODES,
    }

    @extend_schema(
        summary="Download the bankbook copy of a bank account",
        responses=DOCUMENT_RESPONSES,
    )
    def get(self, request, site, id):
        account, file = bank_account_bankbook_open(
            corporates=self.corporate_scope(),
            viewer=request.user,
            account_id=id,
            context=self.context,
        )
        return self.document_response(
            file,
            content_type=account.bankbook_content_type,
            stem=f"bank-account-{account.pk}-bankbook",
        )
