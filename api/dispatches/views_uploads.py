"""The recipients template and the Excel upload of onnuri-biz dispatches (SPEC §7.4; manual 004
§3.1 엑셀 양식 다운로드 / 엑셀 업로드)."""

import io

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from api.files import XLSX, FileDownloadMixin, file_response
from domain.common.capabilities import Capability
from domain.common.errors import CommonErrorCode
from domain.dispatches.errors import DispatchErrorCode
from domain.dispatches.models import RecipientUpload
from domain.dispatches.recipients import ROW_ERROR_CODES
from domain.dispatches.uploads import (
    TEMPLATE_FILE_NAME,
    recipient_upload_create,
    recipients_template,
)

from .base import VIEW, DispatchAPIView


class RecipientRowSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="The row's number as Excel shows it.")
    name = serializers.CharField()
    mobile = serializers.CharField(
        help_text="Digits only. Not masked: the company's own list, shown back for review."
    )
    amount = serializers.IntegerField(help_text="Won, a positive multiple of 1,000.")


@extend_schema_field(RecipientRowSerializer(many=True))
class RecipientRowsField(serializers.JSONField):
    """The stored rows, already checked and normalised: passed through as they are, not
    serialised again row by row (10,000 of them)."""


class RecipientUploadSerializer(serializers.ModelSerializer):
    rows = RecipientRowsField(read_only=True)

    class Meta:
        model = RecipientUpload
        fields = ["id", "file_name", "count", "total", "created_at", "expires_at", "rows"]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "Give it to the create call as `upload_id`."},
            "total": {"help_text": "Won: the sum of the rows' amounts."},
            "expires_at": {"help_text": "The upload is usable until then (one day)."},
        }


class RecipientUploadCreateSerializer(serializers.Serializer):
    # Emptiness, size and type are the service's checks (by content, SPEC §14).
    file = serializers.FileField(
        allow_empty_file=True,
        help_text="The recipients: xlsx (the template) or CSV (UTF-8, with or without BOM, or "
        "CP949), at most 20 MB.",
    )


@extend_schema(tags=["dispatches"])
class RecipientsTemplateView(FileDownloadMixin, DispatchAPIView):
    """엑셀 양식 다운로드: an xlsx with the columns 고객명, 휴대폰 번호, 금액 and the manual's
    two example rows; the mobile column is text, so Excel keeps the leading 0. Staff may
    download it too (to help a company over the phone)."""

    access = {"GET": VIEW}
    error_codes = {}

    @extend_schema(
        summary="Download the recipients template (xlsx)",
        responses={(200, XLSX): OpenApiTypes.BINARY},
    )
    def get(self, request, site):
        return file_response(
            io.BytesIO(recipients_template()),
            content_type=XLSX,
            filename=TEMPLATE_FILE_NAME,
        )


@extend_schema(tags=["dispatches"])
class RecipientUploadView(DispatchAPIView):
    """엑셀 업로드: check a recipients file and keep it for the create call.

    The header row (within the first 20 rows) names the columns 고객명 / 휴대폰 번호 / 금액
    (or `name` / `mobile` / `amount`), in any order, within columns A to Z. The file may have
    at most the recipient limit plus 20 rows (the header, rows above it and blank rows count;
    more: `too_many_recipients` without `row_errors`). Each row is checked like an inline list:
    a name, a Korean mobile (Excel's number without the leading 0 is accepted), an amount that
    is a positive multiple of 1,000 won, no mobile twice, at most the site's
    `dispatch_max_recipients` rows (10,000).

    201: the normalised rows, their count and total, and the upload's `id` for the create call,
    usable by the company for a day. Any row error refuses the whole file (400
    `invalid_recipients`, or `too_many_recipients`) with every error in `row_errors` (row as
    Excel numbers it, column, code, detail) and nothing is kept: fix the file and upload again.
    """

    access = {"POST": Capability.DISPATCHES_MANAGE}
    parser_classes = [MultiPartParser, FormParser]
    error_codes = {
        400: [
            CommonErrorCode.FILE_EMPTY,
            CommonErrorCode.FILE_TOO_LARGE,
            DispatchErrorCode.UNREADABLE_SPREADSHEET,
            CommonErrorCode.TOO_MANY_COLUMNS,
            DispatchErrorCode.MISSING_COLUMNS,
            DispatchErrorCode.NO_RECIPIENTS,
            DispatchErrorCode.INVALID_RECIPIENTS,
            *ROW_ERROR_CODES,  # in `row_errors`; too_many_recipients also on its own
        ],
    }

    @extend_schema(
        summary="Upload the recipients file",
        request={"multipart/form-data": RecipientUploadCreateSerializer},
        responses={201: RecipientUploadSerializer},
    )
    def post(self, request, site):
        serializer = RecipientUploadCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = recipient_upload_create(
            site=self.site, manager=self.manager, file=serializer.validated_data["file"]
        )
        return Response(RecipientUploadSerializer(upload).data, status=status.HTTP_201_CREATED)
