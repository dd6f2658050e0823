from rest_framework import serializers

from api.serializers import INTEGER_MAX, EmailField, IdField, RegexField, TextField

from .serializers import AddressSerializer


class ConsentAnswerSerializer(serializers.Serializer):
    document = TextField(max_length=50, help_text="Consent document code.")
    version = serializers.IntegerField(min_value=1, max_value=INTEGER_MAX)
    agreed = serializers.BooleanField()


class GuardianSerializer(serializers.Serializer):
    name = TextField(max_length=100)
    phone = TextField(max_length=20)


class IncheonCorporateSerializer(serializers.Serializer):
    representative_company_name = TextField(max_length=100)
    corporation_name = TextField(max_length=100)
    business_number = TextField(max_length=12, help_text="10 digits, dashes ok.")
    corporation_registration_number = TextField(
        max_length=14, required=False, allow_blank=True, help_text="13 digits, optional."
    )
    applicant_name = TextField(max_length=100)
    applicant_birth_date = serializers.DateField()


class SignUpSerializer(serializers.Serializer):
    kind = TextField(max_length=32, help_text="A member kind of the site's policy.")
    username = TextField(max_length=150)
    password = TextField(max_length=128, trim_whitespace=False, style={"input_type": "password"})
    password_confirm = TextField(
        max_length=128, trim_whitespace=False, style={"input_type": "password"}
    )
    verification_token = TextField(
        max_length=100, help_text="Token of the member's own verification (purpose sign_up)."
    )
    consents = ConsentAnswerSerializer(many=True)
    email = EmailField(required=False, allow_blank=True)
    address = AddressSerializer(required=False)
    landline = RegexField(r"^[0-9-]{8,14}$", required=False, allow_blank=True)
    home_library = IdField(
        required=False, allow_null=True, help_text="yongin-library: a branch id."
    )
    guardian_verification_token = TextField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="yongin-library child: the guardian's verification (purpose guardian).",
    )
    guardian = GuardianSerializer(required=False)
    business_verification_token = TextField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="incheon-water corporate: the business certificate verification.",
    )
    corporate = IncheonCorporateSerializer(required=False)
    sms_opt_in = serializers.BooleanField(
        required=False,
        help_text="SMS marketing opt-in: recorded as the answer to the site's SMS marketing "
        "consent document (SPEC §3); must not contradict that document's answer in `consents`.",
    )
    email_opt_in = serializers.BooleanField(
        required=False,
        help_text="Email marketing opt-in, recorded like `sms_opt_in`.",
    )


class AvailabilitySerializer(serializers.Serializer):
    available = serializers.BooleanField()
    reason = serializers.CharField(
        allow_null=True,
        help_text="`username_length`, `username_pattern` or `username_taken`; null if free.",
    )
    detail = serializers.CharField(allow_blank=True)


class BranchSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
