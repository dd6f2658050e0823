"""Serializers of onnuri-biz purchases (SPEC §7.3, §13 masking; manual 004 §2.1–2.2)."""

from functools import cached_property

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.filters import HistoryFilterSerializer
from api.serializers import ChoiceLabelField, FieldsOnceMixin
from domain.common.masking import mask_name
from domain.corporates.banks import BANKS
from domain.purchases.models import Purchase
from domain.purchases.services import REQUIRED_DOCUMENTS, receiving_account

ORDERINGS = ["created_at", "-created_at", "amount", "-amount", "expires_at", "-expires_at"]


class ReceivingAccountSerializer(serializers.Serializer):
    bank = serializers.CharField()
    number = serializers.CharField()
    holder = serializers.CharField()


class RequiredDocumentSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()


class PurchaseSerializer(FieldsOnceMixin, serializers.ModelSerializer):
    """A purchase with the columns of manual 004's 구매내역 (number, status, time, masked depositor,
    masked account, deposit amount, discount rate, amount, balance, valid until), the receiving
    account and the deposit deadline (manual 004 §2.2)."""

    number = serializers.IntegerField(source="pk", read_only=True)
    status_label = ChoiceLabelField(source="status", choices=Purchase.Status.choices)
    depositor = serializers.SerializerMethodField(
        help_text="The depositor account's holder, masked."
    )
    depositor_bank_name = serializers.SerializerMethodField()
    depositor_account = serializers.CharField(
        source="depositor_account_masked", read_only=True, help_text="Masked (first 6 digits)."
    )
    receiving_account = serializers.SerializerMethodField()
    required_documents = serializers.SerializerMethodField()

    class Meta:
        model = Purchase
        fields = [
            "id",
            "number",
            "corporate",
            "status",
            "status_label",
            "created_at",
            "depositor",
            "depositor_bank_name",
            "depositor_account",
            "amount",
            "discount_rate",
            "discount_amount",
            "deposit_amount",
            "balance",
            "reserved",
            "approved_at",
            "expires_at",
            "deposit_deadline",
            "receiving_account",
            "documents_required",
            "required_documents",
            "documents_received_at",
            "cancelled_at",
            "refunded_at",
            "refund_amount",
        ]
        read_only_fields = fields

    def get_depositor(self, purchase: Purchase) -> str:
        return mask_name(purchase.depositor_holder)

    def get_depositor_bank_name(self, purchase: Purchase) -> str:
        return BANKS.get(purchase.depositor_bank_code, "")

    @extend_schema_field(ReceivingAccountSerializer)
    def get_receiving_account(self, purchase: Purchase) -> dict:
        return self._receiving_account

    @cached_property
    def _receiving_account(self) -> dict:
        """The same for every purchase (a setting): rendered once per list."""
        return ReceivingAccountSerializer(receiving_account()).data

    @extend_schema_field(RequiredDocumentSerializer(many=True))
    def get_required_documents(self, purchase: Purchase) -> list:
        if not purchase.documents_required:
            return []
        return [{"code": code, "label": str(label)} for code, label in REQUIRED_DOCUMENTS]


class PurchaseCreateSerializer(serializers.Serializer):
    amount = serializers.IntegerField(
        help_text="Whole won, a positive multiple of 1,000 (checked by the service)."
    )


class PurchaseFilterSerializer(HistoryFilterSerializer):
    """History filters (SPEC §7.3; manual 004 구매내역 검색): the shared period, dates and
    company, plus status and ordering."""

    status = serializers.ChoiceField(choices=Purchase.Status.choices, required=False)
    ordering = serializers.ChoiceField(choices=ORDERINGS, required=False)


class PurchaseSummarySerializer(serializers.Serializer):
    """The four cards of manual 004 §2.1."""

    balance = serializers.IntegerField(help_text="Won left across approved, unexpired purchases.")
    last_purchase_amount = serializers.IntegerField(allow_null=True)
    last_purchase_at = serializers.DateTimeField(allow_null=True)
    approved_total = serializers.IntegerField(help_text="Won of every purchase ever approved.")
    registered_accounts = serializers.IntegerField()
