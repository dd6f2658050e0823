"""Serializers for SNS accounts: link, unlink and SNS login (SPEC §5, §11)."""

from rest_framework import serializers

from api.serializers import TextField
from domain.members.models import SocialAccount


class SocialAccountSerializer(serializers.ModelSerializer):
    linked_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = SocialAccount
        fields = ["provider", "linked_at"]
        read_only_fields = fields


class SocialCodeSerializer(serializers.Serializer):
    """What the provider's redirect gave the client (SPEC §11 `{code, redirect_uri}`)."""

    code = TextField(max_length=2048, help_text="Sandbox: `ok-<provider user id>`.")
    redirect_uri = TextField(
        max_length=2048, help_text="The redirect URI the authorization was requested with."
    )
    state = TextField(
        max_length=512,
        required=False,
        allow_blank=True,
        default="",
        help_text="Naver: the `state` of the authorization request (the client checks it first).",
    )


class SocialLinkSerializer(SocialCodeSerializer):
    provider = TextField(max_length=16, help_text="`kakao` or `naver`.")
