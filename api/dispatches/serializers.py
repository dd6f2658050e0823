"""Serializers of onnuri-biz dispatches (SPEC §7.4, §13 masking; manual 004 §3)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.filters import HistoryFilterSerializer
from api.serializers import ChoiceLabelField, FieldsOnceMixin, IdField, TextField
from domain.common.masking import mask_name, mask_phone
from domain.dispatches.changes import dispatch_editable
from domain.dispatches.models import Dispatch, Recipient
from domain.dispatches.selectors import dispatch_counts, dispatch_requester, dispatch_states


class DispatchSerializer(FieldsOnceMixin, serializers.ModelSerializer):
    """A dispatch as listed in manual 004 §3.1 발송내역 (number, status, send type, registered,
    send time, title, total)."""

    number = serializers.IntegerField(source="pk", read_only=True)
    status_label = ChoiceLabelField(source="status", choices=Dispatch.Status.choices)
    send_type_label = ChoiceLabelField(source="send_type", choices=Dispatch.SendType.choices)

    class Meta:
        model = Dispatch
        fields = [
            "id",
            "number",
            "corporate",
            "status",
            "status_label",
            "send_type",
            "send_type_label",
            "created_at",
            "scheduled_at",
            "title",
            "kind",
            "recipient_count",
            "total",
        ]
        read_only_fields = fields


# --- history, detail, recipients, dashboard, changes (manual 004 §3.1–3.2) ---------------------


class DispatchFilterSerializer(HistoryFilterSerializer):
    """발송내역 검색: the purchases' period, dates and company, plus status and send type
    (전체 / 예약발송 / 즉시발송)."""

    status = serializers.ChoiceField(choices=Dispatch.Status.choices, required=False)
    send_type = serializers.ChoiceField(choices=Dispatch.SendType.choices, required=False)


class DispatchCountsSerializer(serializers.Serializer):
    """Recipients per state (domain.dispatches.selectors): the groups add up to
    `recipient_count`; `sent` = unreceived + received + reclaimed + refused."""

    waiting = serializers.IntegerField(help_text="발송대기: queued or being sent.")
    sent = serializers.IntegerField(help_text="Messages that went out.")
    unreceived = serializers.IntegerField(help_text="미수령")
    received = serializers.IntegerField(help_text="수령")
    reclaimed = serializers.IntegerField(help_text="회수")
    refused = serializers.IntegerField(help_text="고객거절")
    failed = serializers.IntegerField(help_text="발송실패 (amount returned).")
    cancelled = serializers.IntegerField(help_text="The dispatch was cancelled.")


class DispatchHistorySerializer(DispatchSerializer):
    """A row of 발송내역 (manual 004 §3.1): 번호 `number`, 상태 `status_label`, 발송타입
    `send_type_label`, 등록일자 `created_at`, 발송일시 `scheduled_at`, 타이틀 `title`, 신청인
    `requester` (masked), 발송 `recipient_count`, 수령/미수령/회수/고객거절 in `counts`, 금액
    `total`."""

    requester = serializers.SerializerMethodField(help_text="The requesting manager, masked.")
    counts = serializers.SerializerMethodField()

    class Meta(DispatchSerializer.Meta):
        fields = [*DispatchSerializer.Meta.fields, "requester", "started_at", "counts"]
        read_only_fields = fields

    def get_requester(self, dispatch: Dispatch) -> str:
        return dispatch_requester(dispatch)

    @extend_schema_field(DispatchCountsSerializer)
    def get_counts(self, dispatch: Dispatch) -> dict:
        return dispatch_counts(dispatch)


class DispatchStateSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    amount = serializers.IntegerField(help_text="Won.")
    percent = serializers.CharField(help_text='Of `recipient_count`, two decimals ("16.67").')


class DispatchStatesSerializer(serializers.Serializer):
    """발송내역 상세정보: "수령 0 건 (0.00%, 0원)" for each state."""

    waiting = DispatchStateSerializer()
    unreceived = DispatchStateSerializer()
    received = DispatchStateSerializer()
    reclaimed = DispatchStateSerializer()
    refused = DispatchStateSerializer()
    failed = DispatchStateSerializer()
    cancelled = DispatchStateSerializer()


class DispatchProgressSerializer(serializers.Serializer):
    sent = serializers.IntegerField(help_text="Messages out so far.")
    failed = serializers.IntegerField()
    total = serializers.IntegerField(help_text="The dispatch's recipients.")


class DispatchDetailSerializer(DispatchHistorySerializer):
    """발송내역 상세정보 (manual 004 §3.2): the message, the purchase drawn on, counts, amounts and
    shares per state, progress while sending, and whether it can still be changed. A `failed`
    dispatch says why in `failure_reason` ("" otherwise): `purchase_expired`, its purchase's
    validity ended before every recipient was sent (those not sent are `failed`, their amount
    returned to the expired purchase)."""

    has_image = serializers.SerializerMethodField()
    editable = serializers.SerializerMethodField(
        help_text="A scheduled dispatch still pending before its time (PATCH, remove, cancel)."
    )
    states = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()
    failure_reason_label = ChoiceLabelField(
        source="failure_reason", choices=Dispatch.FailureReason.choices
    )

    class Meta(DispatchHistorySerializer.Meta):
        fields = [
            *DispatchHistorySerializer.Meta.fields,
            "subject",
            "body",
            "has_image",
            "purchase",
            "completed_at",
            "cancelled_at",
            "failed_at",
            "failure_reason",
            "failure_reason_label",
            "editable",
            "states",
            "progress",
        ]
        read_only_fields = fields

    def get_has_image(self, dispatch: Dispatch) -> bool:
        return bool(dispatch.image)

    def get_editable(self, dispatch: Dispatch) -> bool:
        return dispatch_editable(dispatch)

    @extend_schema_field(DispatchStatesSerializer)
    def get_states(self, dispatch: Dispatch) -> dict:
        return dispatch_states(dispatch)

    @extend_schema_field(DispatchProgressSerializer)
    def get_progress(self, dispatch: Dispatch) -> dict:
        counts = dispatch_counts(dispatch)
        return {
            "sent": counts["sent"],
            "failed": counts["failed"],
            "total": dispatch.recipient_count,
        }


class RecipientSerializer(serializers.ModelSerializer):
    """A recipient as the detail lists them: 번호, 고객명 and 휴대폰 번호 masked (SPEC §13), 금액,
    상태."""

    number = serializers.IntegerField(source="row", read_only=True)
    name = serializers.SerializerMethodField()
    mobile = serializers.SerializerMethodField()
    status_label = ChoiceLabelField(source="status", choices=Recipient.Status.choices)

    class Meta:
        model = Recipient
        fields = [
            "id",
            "number",
            "name",
            "mobile",
            "amount",
            "status",
            "status_label",
            "sent_at",
            "outcome_at",
        ]
        read_only_fields = fields

    def get_name(self, recipient: Recipient) -> str:
        return mask_name(recipient.name)

    def get_mobile(self, recipient: Recipient) -> str:
        return mask_phone(recipient.mobile)


class RecipientFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Recipient.Status.choices, required=False)


class DispatchSummarySerializer(serializers.Serializer):
    """발송현황, the four cards of manual 004 §3.1 (domain.dispatches.selectors)."""

    sendable_balance = serializers.IntegerField(
        help_text="발송가능 잔고: won left on approved, unexpired purchases."
    )
    scheduled_count = serializers.IntegerField(help_text="발송예약 건: scheduled, still pending.")
    last_dispatch_count = serializers.IntegerField(
        allow_null=True, help_text="마지막 발송 건: recipients of the last dispatch that started."
    )
    last_dispatch_at = serializers.DateTimeField(allow_null=True, help_text="When it started.")
    cumulative_count = serializers.IntegerField(
        help_text="누적 발송 건: gifts whose message went out (sent, received, reclaimed, refused)."
    )


class DispatchSummaryFilterSerializer(serializers.Serializer):
    corporate = IdField(required=False)


class DispatchChangeSerializer(serializers.Serializer):
    """예약발송 변경 (manual 004 §3.2): any of these; the message is checked as at creation."""

    title = TextField(max_length=100, required=False)
    scheduled_at = serializers.DateTimeField(required=False, help_text="In the future.")
    subject = TextField(
        required=False, allow_blank=True, help_text="≤ 40 bytes in EUC-KR (LMS/MMS only)."
    )
    body = TextField(max_length=1000, multiline=True, required=False, trim_whitespace=False)


class RecipientRemoveSerializer(serializers.Serializer):
    recipients = serializers.ListField(
        child=IdField(),
        min_length=1,
        max_length=10_000,
        help_text="Ids of waiting recipients; all of them cancels the dispatch.",
    )
