from rest_framework import serializers

from api.serializers import FieldsOnceMixin, IdField, TextField

TYPES = ["full_member", "multi_child_self", "multi_child_children"]


class ChildClaimSerializer(serializers.Serializer):
    username = TextField(max_length=150)
    name = TextField(max_length=100)
    birth_date = serializers.DateField()


class LibraryStateQuerySerializer(serializers.Serializer):
    member_id = IdField(required=False, help_text="A guardian's child.")


class UpgradeRequestSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=TYPES)
    member_id = IdField(
        required=False, help_text="A guardian applying for a child under 14: the child's id."
    )
    consent = serializers.BooleanField(
        required=False, default=False, help_text="Consent to the MOIS eligibility check."
    )
    # Never echoed, stored or logged: validated by the service without repeating the value.
    rrn_back = TextField(
        required=False,
        allow_blank=True,
        max_length=20,
        write_only=True,
        trim_whitespace=True,
        help_text="The 7 digits after the hyphen of the resident registration number. Used for "
        "the one eligibility check and dropped.",
    )
    loan_pin = TextField(
        required=False,
        allow_blank=True,
        max_length=8,
        write_only=True,
        help_text="full_member: 4 digits.",
    )
    loan_pin_confirm = TextField(required=False, allow_blank=True, max_length=8, write_only=True)
    children = ChildClaimSerializer(
        many=True, required=False, help_text="multi_child_children: the children to convert."
    )


class MobileCardSerializer(serializers.Serializer):
    name = serializers.CharField()
    card_number = serializers.CharField()
    barcode = serializers.CharField(help_text="Value to render as the card's barcode.")
    issued_at = serializers.DateTimeField()


class LibraryStateSerializer(FieldsOnceMixin, serializers.Serializer):
    member_id = serializers.IntegerField()
    level = serializers.CharField(help_text="`associate` (준회원) or `full` (정회원).")
    card_number = serializers.CharField(allow_null=True)
    loan_limit = serializers.IntegerField()
    loan_limit_source = serializers.CharField(
        help_text="`default`, `multi_child_self` or `multi_child_child`."
    )
    loan_limit_valid_until = serializers.DateField(allow_null=True)
    mobile_card = MobileCardSerializer(allow_null=True)


class ConvertedChildSerializer(serializers.Serializer):
    member_id = serializers.IntegerField()
    username = serializers.CharField()
    loan_limit = serializers.IntegerField()
    valid_until = serializers.DateField()


class UpgradeResultSerializer(LibraryStateSerializer):
    type = serializers.CharField()
    converted_children = ConvertedChildSerializer(many=True, required=False)


class ChildBirthDateSerializer(serializers.Serializer):
    birth_date = serializers.DateField()
