"""Serializers of onnuri-biz purchases (SPEC §7.3, §13 masking; manual 004 §2.1–2.2)."""

from functools import cached_property
from operator import attrgetter

from django.utils.translation import pgettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.files import DATETIME_FORMAT, PERCENT_FORMAT, WON_FORMAT, Column
from api.filters import HistoryFilterSerializer
from api.serializers import ChoiceLabelField, FieldsOnceMixin
from domain.common.masking import mask_name
from domain.common.money import WON_MAX
from domain.corporates.banks import BANKS
from domain.purchases.models import Purchase
from domain.purchases.services import REQUIRED_DOCUMENTS, receiving_account

ORDERINGS = ["created_at", "-created_at", "amount", "-amount", "expires_at", "-expires_at"]


def depositor(purchase: Purchase) -> str:
    """The depositor account's holder, masked (SPEC §13; manual 004 입금자: 김정*)."""
    return mask_name(purchase.depositor_holder)


def depositor_bank_name(purchase: Purchase) -> str:
    return BANKS.get(purchase.depositor_bank_code, "")


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
        return depositor(purchase)

    def get_depositor_bank_name(self, purchase: Purchase) -> str:
        return depositor_bank_name(purchase)

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


# The 구매내역 table of manual 004 §2.1–2.2, its columns in its order; the cells hold what the
# list's rows (PurchaseSerializer) hold: won as integers, times in Asia/Seoul, the rate as a
# fraction shown as a percentage, 입금계좌 as the manual writes it ("케이뱅크 / 700100*****").
PURCHASE_EXPORT_COLUMNS = [
    Column(pgettext_lazy("purchase export", "No."), attrgetter("pk"), width=10),
    Column(
        pgettext_lazy("purchase export", "Status"),
        attrgetter("status"),
        labels=dict(Purchase.Status.choices),
        width=8,
    ),
    Column(
        pgettext_lazy("purchase export", "Purchased at"),
        attrgetter("created_at"),
        DATETIME_FORMAT,
        width=20,
    ),
    Column(pgettext_lazy("purchase export", "Depositor"), depositor, width=12),
    Column(
        pgettext_lazy("purchase export", "Deposit account"),
        lambda p: f"{depositor_bank_name(p)} / {p.depositor_account_masked}",
        width=24,
    ),
    Column(
        pgettext_lazy("purchase export", "Deposit amount"),
        attrgetter("deposit_amount"),
        WON_FORMAT,
        width=16,
    ),
    Column(
        pgettext_lazy("purchase export", "Discount rate"),
        lambda p: p.discount_rate / 100,
        PERCENT_FORMAT,
        width=9,
    ),
    Column(
        pgettext_lazy("purchase export", "Credited amount"),
        attrgetter("amount"),
        WON_FORMAT,
        width=16,
    ),
    Column(
        pgettext_lazy("purchase export", "Balance"), attrgetter("balance"), WON_FORMAT, width=16
    ),
    Column(
        pgettext_lazy("purchase export", "Valid until"),
        attrgetter("expires_at"),
        DATETIME_FORMAT,
        width=20,
    ),
]


class PurchaseCreateSerializer(serializers.Serializer):
    amount = serializers.IntegerField(
        max_value=WON_MAX,
        help_text="Whole won, a positive multiple of 1,000 (checked by the service).",
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
