"""Serializers of the corporate sign-up and review (manual 004 §1.1; SPEC §7.1, §11, §13)."""

import json
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.members.signup_serializers import ConsentAnswerSerializer
from api.serializers import EmailField, RejectSerializer, TextField
from domain.common.errors import CommonErrorCode
from domain.common.masking import mask_name
from domain.common.money import WON_MAX
from domain.corporates.banks import BANKS
from domain.corporates.models import Corporate
from domain.corporates.selectors import (
    bank_account_in_use,
    corporate_documents,
    corporate_master,
)

from .account_serializers import BankAccountSerializer


class ConsentsJSONField(TextField):
    """`consents` as JSON text: multipart cannot nest, so the list is sent encoded."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text",
            'JSON-encoded list of answers: `[{"document": "terms", "version": 1, '
            '"agreed": true}, ...]`, one per current consent document of kind '
            "`corporate_manager`.",
        )
        kwargs.setdefault("max_length", 10_000)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        try:
            value = json.loads(text)
        except ValueError:
            raise serializers.ValidationError(
                _("Send the consents as a JSON-encoded list."), code=CommonErrorCode.INVALID
            )
        if not isinstance(value, list):
            raise serializers.ValidationError(
                _("Send the consents as a JSON-encoded list."), code=CommonErrorCode.INVALID
            )
        answers = ConsentAnswerSerializer(data=value, many=True)
        answers.is_valid(raise_exception=True)
        return [dict(answer) for answer in answers.validated_data]


def _document_field(label: str) -> serializers.FileField:
    # Emptiness, size and type are the service's checks (by content, SPEC §14).
    return serializers.FileField(
        allow_empty_file=True, help_text=f"{label}: PDF, JPG or PNG, at most 10 MB."
    )


class CorporateSignUpSerializer(serializers.Serializer):
    """기업 신규 가입 (manual 004 §1.1): business information, documents and the manager."""

    company_name = TextField(
        max_length=100, help_text="상호명, exactly as on the business registration certificate."
    )
    business_number = TextField(
        max_length=14, help_text="Business registration number, 10 digits (dashes allowed)."
    )
    representative_name = TextField(max_length=100)
    representative_phone = TextField(
        max_length=20, help_text="The company's phone number, 9–12 digits (dashes allowed)."
    )
    registration_certificate = _document_field("Business registration certificate")
    bank_code = TextField(
        max_length=10, help_text="KFTC bank code: " + ", ".join(sorted(BANKS)) + "."
    )
    account_number = TextField(max_length=30, help_text="10–14 digits (dashes allowed).")
    account_holder = TextField(max_length=100, help_text="Must be exactly the company name.")
    bankbook = _document_field("Bankbook copy")
    headcount_document_type = serializers.ChoiceField(choices=Corporate.HeadcountDocument.choices)
    headcount_document = _document_field(
        "A document proving the headcount, issued within the last month"
    )
    headcount = serializers.IntegerField(
        min_value=1, max_value=10_000_000, help_text="Number of regular employees."
    )
    department = TextField(max_length=100)
    position = TextField(max_length=100)
    email = EmailField(max_length=254)
    username = TextField(max_length=150)
    password = TextField(max_length=128, trim_whitespace=False, style={"input_type": "password"})
    password_confirm = TextField(
        max_length=128, trim_whitespace=False, style={"input_type": "password"}
    )
    verification_token = TextField(
        max_length=100,
        help_text="The manager's own verification (purpose sign_up, method mobile).",
    )
    consents = ConsentsJSONField()


class CorporateSignedUpSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    business_number = serializers.CharField()
    status = serializers.ChoiceField(choices=Corporate.Status.choices)
    detail = serializers.CharField(help_text="What happens next.")


class CorporateDocumentSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=["registration_certificate", "headcount_document", "bankbook"]
    )
    content_type = serializers.CharField()
    url = serializers.CharField(help_text="Download path (authorised callers only).")


class CorporateListSerializer(serializers.ModelSerializer):
    """A row of the staff list; the representative's name masked (SPEC §13)."""

    representative_name = serializers.SerializerMethodField()

    class Meta:
        model = Corporate
        fields = [
            "id",
            "name",
            "business_number",
            "representative_name",
            "status",
            "headcount",
            "created_at",
            "reviewed_at",
        ]
        read_only_fields = fields

    def get_representative_name(self, corporate) -> str:
        return mask_name(corporate.representative_name)


class CorporateSerializer(serializers.ModelSerializer):
    """A corporate as its own admins see it: purchase terms, the account in use (masked) and
    the sign-up documents."""

    account_in_use = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField()

    class Meta:
        model = Corporate
        fields = [
            "id",
            "name",
            "business_number",
            "representative_name",
            "representative_phone",
            "status",
            "headcount",
            "headcount_document_type",
            "discount_rate",
            "monthly_discount_limit",
            "monthly_purchase_limit",
            "account_in_use",
            "documents",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(BankAccountSerializer(allow_null=True))
    def get_account_in_use(self, corporate) -> dict | None:
        account = bank_account_in_use(corporate=corporate)
        if account is None:
            return None
        return BankAccountSerializer(account).data

    @extend_schema_field(CorporateDocumentSerializer(many=True))
    def get_documents(self, corporate) -> list[dict]:
        return [
            {
                "kind": document.kind,
                "content_type": document.content_type,
                "url": reverse(
                    "corporate-document",
                    kwargs={"site": corporate.site.slug, "id": corporate.pk, "kind": document.kind},
                ),
            }
            for document in corporate_documents(corporate=corporate)
        ]


class CorporateMasterSerializer(serializers.Serializer):
    member = serializers.IntegerField(source="member.id")
    username = serializers.CharField(source="member.username")
    name = serializers.CharField(source="member.name")
    mobile = serializers.CharField(source="member.mobile")
    email = serializers.CharField(source="member.email")
    status = serializers.CharField(source="member.status")
    department = serializers.CharField()
    position = serializers.CharField()


class CorporateStaffSerializer(CorporateSerializer):
    """The operator's full view for the review: the master's details and every account
    (numbers masked; the bankbook copy is a download). Reading it is written to the access log
    (SPEC §14)."""

    master = serializers.SerializerMethodField()
    bank_accounts = serializers.SerializerMethodField()

    class Meta(CorporateSerializer.Meta):
        fields = [
            *CorporateSerializer.Meta.fields,
            "reject_reason",
            "reviewed_by",
            "reviewed_at",
            "updated_at",
            "master",
            "bank_accounts",
        ]
        read_only_fields = fields

    @extend_schema_field(CorporateMasterSerializer(allow_null=True))
    def get_master(self, corporate) -> dict | None:
        manager = corporate_master(corporate=corporate)
        return CorporateMasterSerializer(manager).data if manager else None

    @extend_schema_field(BankAccountSerializer(many=True))
    def get_bank_accounts(self, corporate) -> list[dict]:
        return BankAccountSerializer(corporate.bank_accounts.all(), many=True).data


class CorporateTermsSerializer(serializers.Serializer):
    """Purchase terms set by staff (SPEC §7.3); omitted fields stay as they are."""

    discount_rate = serializers.DecimalField(
        max_digits=4,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=Decimal("99.99"),
        required=False,
        help_text="Percent, 0–99.99 with at most two decimals.",
    )
    monthly_discount_limit = serializers.IntegerField(
        min_value=0, max_value=WON_MAX, required=False, help_text="Won."
    )
    monthly_purchase_limit = serializers.IntegerField(
        min_value=0, max_value=WON_MAX, required=False, help_text="Won."
    )


class CorporateRejectSerializer(RejectSerializer):
    told = "the manager"
