"""Serializers for re-verification and name change requests (SPEC §5, §11)."""

from rest_framework import serializers

from api.serializers import RejectSerializer, TextField
from domain.common.masking import mask_name, mask_username
from domain.members.models import NameChangeRequest

from .account_serializers import VerificationTokenField


class ReVerificationSerializer(serializers.Serializer):
    verification_token = VerificationTokenField("purpose profile_update")


class NameChangeRequestCreateSerializer(serializers.Serializer):
    requested_name = TextField(max_length=100)
    # Emptiness, size and type are the service's checks (by content, SPEC §14).
    evidence = serializers.FileField(
        allow_empty_file=True,
        help_text="The legal rename certificate: PDF, JPG or PNG, at most 10 MB.",
    )
    verification_token = VerificationTokenField(
        "purpose profile_update; the verified name must be the requested name"
    )


class NameChangeRequestSerializer(serializers.ModelSerializer):
    """A request as its member sees it; for staff lists the names and ID are masked (§13)."""

    username = serializers.CharField(source="member.username", read_only=True)

    class Meta:
        model = NameChangeRequest
        fields = [
            "id",
            "member",
            "username",
            "current_name",
            "requested_name",
            "evidence_content_type",
            "status",
            "reason",
            "created_at",
            "reviewed_at",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if self.context.get("masked"):
            data["username"] = mask_username(data["username"])
            data["current_name"] = mask_name(data["current_name"])
            data["requested_name"] = mask_name(data["requested_name"])
        return data


class NameChangeRejectSerializer(RejectSerializer):
    told = "the member"
