"""Sending gifts: create a dispatch, and test-send its message (SPEC §7.4; manual 004 §3.1
발송하기). Both take JSON, or a multipart form when an image is attached
(then `recipients` is the same list written as JSON text)."""

import json

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response

from api.files import STORAGE_CODES
from api.idempotency import IdempotentMixin
from api.members.name_change_views import FILE_CODES
from api.serializers import IdField, TextField
from domain.common.capabilities import Capability
from domain.common.errors import CommonErrorCode
from domain.dispatches.create import dispatch_create, dispatch_test_send
from domain.dispatches.errors import DispatchErrorCode
from domain.dispatches.models import Dispatch
from domain.dispatches.recipients import ROW_ERROR_CODES
from domain.messaging.errors import MessagingErrorCode
from domain.verifications.services import TOKEN_ERROR_CODES

from .base import DispatchAPIView
from .serializers import DispatchSerializer
from .views import DispatchListView

MESSAGE_CODES = [
    MessagingErrorCode.MESSAGE_EMPTY,
    MessagingErrorCode.MESSAGE_TOO_LONG,
    MessagingErrorCode.SUBJECT_TOO_LONG,
    MessagingErrorCode.UNSUPPORTED_CHARACTER,
    *FILE_CODES,
]


class RecipientInputSerializer(serializers.Serializer):
    """One recipient as typed (manual 004 §3.1 받는 고객 정보: 고객명, 휴대폰 번호, 금액); checked
    like an Excel row."""

    name = TextField()
    mobile = TextField(help_text="A Korean mobile; dashes and spaces are ignored.")
    amount = serializers.IntegerField(help_text="Won: a positive multiple of 1,000.")


@extend_schema_field(RecipientInputSerializer(many=True))
class RecipientListField(serializers.Field):
    """A list of {name, mobile, amount}; in a multipart form, that list as JSON text. The rows'
    values are checked by the service (domain.dispatches.recipients), row by row."""

    default_error_messages = {
        "invalid": _("Give the recipients as a list of name, mobile, amount."),
    }

    def to_internal_value(self, data):
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except ValueError:
                self.fail("invalid")
        if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
            self.fail("invalid")
        return data


class DispatchMessageSerializer(serializers.Serializer):
    """문자 내용 입력: the message a test send and a dispatch share (SPEC §13 limits)."""

    subject = TextField(
        required=False,
        allow_blank=True,
        default="",
        help_text="≤ 40 bytes in EUC-KR; a subject makes the message an LMS.",
    )
    body = TextField(
        multiline=True,
        allow_blank=True,
        trim_whitespace=False,
        help_text="≤ 1,000 characters; over 90 EUC-KR bytes or 40 characters an LMS. No emoji.",
    )
    # Emptiness, size and type are the service's checks (by content, SPEC §14).
    image = serializers.FileField(
        required=False,
        allow_null=True,
        allow_empty_file=True,
        help_text="Optional JPG < 300 KB, ≤ 1500×1440 px: the message goes as an MMS.",
    )


class DispatchCreateSerializer(DispatchMessageSerializer):
    title = TextField(allow_blank=True, help_text="≤ 100 characters.")
    send_type = serializers.ChoiceField(choices=Dispatch.SendType.choices)
    scheduled_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="`scheduled`: when to send, in the future."
    )
    recipients = RecipientListField(required=False, help_text="Up to 10,000 (a site setting).")
    upload = IdField(required=False, help_text="Instead of `recipients`: a kept Excel upload.")
    verification_token = TextField(
        required=False,
        allow_blank=True,
        default="",
        help_text="From an SMS-code verification of purpose `dispatch_send` (own mobile).",
    )

    def validate(self, data):
        if "recipients" in data and data.get("upload") is not None:
            raise serializers.ValidationError(
                _("Give either the recipients or an upload, not both."),
                code=CommonErrorCode.INVALID,
            )
        return data


class TestSentSerializer(serializers.Serializer):
    to = serializers.CharField(help_text="The caller's registered mobile, masked.")
    kind = serializers.CharField(help_text="How it went: `sms`, `lms` or `mms` (SPEC §13).")


@extend_schema(tags=["dispatches"])
class DispatchListCreateView(IdempotentMixin, DispatchListView):
    """발송내역: the company's dispatches (staff: every company's of the site); POST 발송하기."""

    access = {**DispatchListView.access, "POST": Capability.DISPATCHES_MANAGE}
    error_codes = {
        **DispatchListView.error_codes,
        "post": {
            400: [
                DispatchErrorCode.TITLE_REQUIRED,
                DispatchErrorCode.TITLE_TOO_LONG,
                *MESSAGE_CODES,
                DispatchErrorCode.SCHEDULED_AT_REQUIRED,
                DispatchErrorCode.SCHEDULED_AT_PAST,
                DispatchErrorCode.SCHEDULED_AT_AFTER_PURCHASE_EXPIRY,
                DispatchErrorCode.NO_RECIPIENTS,
                DispatchErrorCode.INVALID_RECIPIENTS,
                *ROW_ERROR_CODES,  # in `row_errors`
                *TOKEN_ERROR_CODES,
                DispatchErrorCode.INSUFFICIENT_SINGLE_PURCHASE_BALANCE,
            ],
            404: [DispatchErrorCode.UPLOAD_NOT_FOUND],
            **STORAGE_CODES,
        },
    }

    @extend_schema(
        summary="Create a dispatch (send gifts)",
        request={
            "application/json": DispatchCreateSerializer,
            "multipart/form-data": DispatchCreateSerializer,
        },
        responses={201: DispatchSerializer},
    )
    def post(self, request, site):
        """발송하기 (master or general admin; manual 004 §3.1): recipients inline or a kept
        upload, and a `dispatch_send` verification token from an SMS code to the caller's own
        registered mobile. The server draws the whole total from the company's approved,
        unexpired purchase that expires first among those whose balance covers it, and
        reserves it at once; `insufficient_single_purchase_balance` carries `largest_sendable`,
        the most one dispatch can send now (split the rest over several). An immediate dispatch
        starts within minutes, a scheduled one at `scheduled_at`. `Idempotency-Key` replays a
        retried request's answer."""
        serializer = DispatchCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        dispatch = dispatch_create(
            manager=self.manager,
            site=self.site,
            title=data["title"],
            send_type=data["send_type"],
            scheduled_at=data.get("scheduled_at"),
            subject=data["subject"],
            body=data["body"],
            image=data.get("image"),
            recipients=data.get("recipients"),
            upload_id=data.get("upload"),
            verification_token=data["verification_token"],
        )
        return Response(DispatchSerializer(dispatch).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["dispatches"])
class DispatchTestSendView(DispatchAPIView):
    """테스트 발송: the message (with its image, as an MMS) to the caller's own registered mobile;
    no gift, no money. At most 5 per 10 minutes per member (429 `test_send_limit`)."""

    access = {"POST": Capability.DISPATCHES_MANAGE}
    error_codes = {
        400: [*MESSAGE_CODES, CommonErrorCode.INVALID_PHONE],
        429: [DispatchErrorCode.TEST_SEND_LIMIT],
        **STORAGE_CODES,
    }

    @extend_schema(
        summary="Test-send a dispatch's message to yourself",
        request={
            "application/json": DispatchMessageSerializer,
            "multipart/form-data": DispatchMessageSerializer,
        },
        responses={202: TestSentSerializer},
    )
    def post(self, request, site):
        serializer = DispatchMessageSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        to, kind = dispatch_test_send(
            manager=self.manager,
            site=self.site,
            subject=data["subject"],
            body=data["body"],
            image=data.get("image"),
        )
        sent = TestSentSerializer({"to": to, "kind": kind})
        return Response(sent.data, status=status.HTTP_202_ACCEPTED)
