from rest_framework import serializers

from api.serializers import EmailField, IdField, RegexField, TextField
from domain.members.account import NOT_EDITABLE
from domain.members.recovery import Channel

from .serializers import AddressSerializer

PASSWORD_STYLE = {"input_type": "password"}


def password_field(**kwargs) -> TextField:
    return TextField(max_length=128, trim_whitespace=False, style=PASSWORD_STYLE, **kwargs)


class VerificationTokenField(TextField):
    def __init__(self, purpose: str, **kwargs):
        kwargs.setdefault("max_length", 100)
        kwargs.setdefault("help_text", f"Token of the member's own verification ({purpose}).")
        super().__init__(**kwargs)


class FindIdSerializer(serializers.Serializer):
    kind = TextField(max_length=32, help_text="A member kind of the site's policy.")
    verification_token = VerificationTokenField("purpose find_id")


class FoundIdSerializer(serializers.Serializer):
    username = serializers.CharField(help_text="The member's full ID.")
    name = serializers.CharField()


class ResetPasswordSerializer(serializers.Serializer):
    username = TextField(max_length=150)
    kind = TextField(max_length=32, help_text="A member kind of the site's policy.")
    channel = serializers.ChoiceField(
        choices=Channel.CHOICES,
        help_text="Where the temporary password goes; the other channel is used if the member "
        "has no address on this one.",
    )
    verification_token = VerificationTokenField("purpose reset_password")


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class PasswordChangeSerializer(serializers.Serializer):
    """SPEC §11: `{current_password, new_password}`; a form that asks twice may send the
    confirmation too, which must then match."""

    current_password = password_field()
    new_password = password_field()
    new_password_confirm = password_field(
        required=False, help_text="Optional: if given, it must equal `new_password`."
    )


class ProfileUpdateSerializer(serializers.Serializer):
    """PATCH body of members/me/; every field is optional. Identity fields are refused."""

    email = EmailField(required=False, allow_blank=True)
    address = AddressSerializer(required=False)
    landline = RegexField(r"^[0-9-]{8,14}$", required=False, allow_blank=True)
    home_library = IdField(
        required=False, allow_null=True, help_text="yongin-library: a branch id."
    )
    mobile = TextField(
        max_length=20,
        required=False,
        help_text="Optional check: must be the verified number. The number stored is always the "
        "one of the verification.",
    )
    verification_token = VerificationTokenField(
        "purpose profile_update",
        required=False,
        allow_blank=True,
        help_text="Needed to change the mobile number: a verification of the member's own "
        "identity (purpose profile_update).",
    )

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        # Carried through so the service refuses them by name (field_not_editable).
        values.update({field: data[field] for field in NOT_EDITABLE if field in data})
        return values


class WithdrawSerializer(serializers.Serializer):
    password = password_field()
