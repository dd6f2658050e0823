from rest_framework import serializers

from api.serializers import INTEGER_MAX, SlugField, TextField
from domain.consents.models import ConsentDocument


class ConsentAgreementSerializer(serializers.Serializer):
    """One answer to a consent document; sign-up's `consents` is a list of these (SPEC §11)."""

    document = SlugField(max_length=50, help_text="The document's code, e.g. `terms`.")
    version = serializers.IntegerField(
        min_value=1, max_value=INTEGER_MAX, help_text="The version that was shown."
    )
    agreed = serializers.BooleanField()


class ConsentAgreementsSerializer(serializers.Serializer):
    agreements = ConsentAgreementSerializer(many=True, allow_empty=False)


class ConsentDocumentQuerySerializer(serializers.Serializer):
    kind = TextField(max_length=32, help_text="A member kind code of the site.")
    scope = serializers.ChoiceField(
        choices=ConsentDocument.Scope.choices,
        default=ConsentDocument.Scope.SIGN_UP,
        help_text="`library_upgrade`: the documents asked when applying for a library upgrade.",
    )


class ConsentDocumentSerializer(serializers.ModelSerializer):
    kinds = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="Member kind codes it applies to."
    )

    class Meta:
        model = ConsentDocument
        fields = [
            "code",
            "version",
            "title",
            "body",
            "required",
            "is_marketing",
            "kinds",
            "scope",
            "effective_at",
        ]
        read_only_fields = fields


class ConsentStateSerializer(serializers.Serializer):
    code = serializers.CharField()
    version = serializers.IntegerField(help_text="The current version.")
    title = serializers.CharField()
    required = serializers.BooleanField()
    is_marketing = serializers.BooleanField()
    agreed = serializers.BooleanField(help_text="The member agreed to the current version.")
    agreed_version = serializers.IntegerField(
        allow_null=True, help_text="The version of the member's active agreement, if any."
    )
    agreed_at = serializers.DateTimeField(allow_null=True)
