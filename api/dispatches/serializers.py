"""Serializers of onnuri-biz dispatches (SPEC §7.4, §13 masking; manual 004 §3)."""

from rest_framework import serializers

from domain.dispatches.models import Dispatch


class DispatchSerializer(serializers.ModelSerializer):
    """A dispatch as listed in manual 004 §3.1 발송내역 (number, status, send type, registered,
    send time, title, total)."""

    number = serializers.IntegerField(source="pk", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    send_type_label = serializers.CharField(source="get_send_type_display", read_only=True)

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
