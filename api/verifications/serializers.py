from rest_framework import serializers

from api.serializers import TextField
from domain.common.masking import mask_name, mask_phone
from domain.verifications.models import Verification
from domain.verifications.services import INTERNAL_PURPOSES

PUBLIC_PURPOSES = [p for p in Verification.Purpose.values if p not in INTERNAL_PURPOSES]


class VerificationStartSerializer(serializers.Serializer):
    purpose = serializers.ChoiceField(choices=PUBLIC_PURPOSES)
    method = serializers.ChoiceField(choices=Verification.Method.values)
    phone = TextField(
        required=False, allow_blank=True, max_length=20, help_text="sms_code: the number to text."
    )
    business_number = TextField(
        required=False,
        allow_blank=True,
        max_length=12,
        help_text="business_certificate: the business registration number.",
    )


class VerificationStartedSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    purpose = serializers.CharField()
    method = serializers.CharField()
    status = serializers.CharField()
    provider = serializers.CharField()
    expires_at = serializers.DateTimeField()
    parameters = serializers.DictField(
        help_text="Provider parameters: `challenge` for business_certificate; PortOne ids; "
        "sandbox hints. Never the SMS code."
    )


class SandboxIdentitySerializer(serializers.Serializer):
    name = TextField(max_length=100)
    birth_date = serializers.DateField()
    gender = serializers.ChoiceField(choices=["male", "female"])
    phone = TextField(max_length=20)
    carrier = TextField(max_length=20, required=False, allow_blank=True)
    nationality = serializers.ChoiceField(choices=["domestic", "foreign"], default="domestic")
    ci = TextField(
        max_length=88,
        required=False,
        help_text="Optional: the CI to emulate (two people with the same name, birth date and "
        "gender). By default the sandbox derives it from those three, never from the phone "
        "(SPEC §12), so a new number keeps the person's CI.",
    )


class VerificationConfirmSerializer(serializers.Serializer):
    code = TextField(
        required=False, max_length=12, help_text="sms_code: the texted code; sandbox: 000000."
    )
    identity = SandboxIdentitySerializer(
        required=False, help_text="Sandbox only: the identity to emulate."
    )
    provider_tx_id = TextField(
        required=False, max_length=200, help_text="Real providers: the transaction id."
    )
    signature = TextField(
        required=False, max_length=128, help_text="business_certificate: signature (hex)."
    )

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        if "identity" in values:  # providers take plain JSON types
            identity = dict(values["identity"])
            identity["birth_date"] = identity["birth_date"].isoformat()
            values["identity"] = identity
        return values


class VerificationResultSerializer(serializers.Serializer):
    name = serializers.SerializerMethodField()
    birth_date = serializers.DateField(allow_null=True)
    phone = serializers.SerializerMethodField()
    nationality = serializers.CharField()

    def get_name(self, verification) -> str:
        return mask_name(verification.name)

    def get_phone(self, verification) -> str:
        return mask_phone(verification.mobile)


class VerificationConfirmedSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="verification.id")
    status = serializers.CharField(source="verification.status")
    verification_token = serializers.CharField(
        source="token", help_text="Single use, bound to site and purpose, valid 10 minutes."
    )
    token_expires_at = serializers.DateTimeField(source="verification.token_expires_at")
    result = VerificationResultSerializer(
        source="verification", help_text="The verified identity, masked."
    )
