"""Serializers for a corporate's bank accounts (SPEC §7.2, §11, §13 masking)."""

from rest_framework import serializers

from api.serializers import IdField, RejectSerializer, TextField
from domain.common.masking import mask_account
from domain.corporates.banks import BANKS
from domain.corporates.models import BankAccount


class BankAccountSerializer(serializers.ModelSerializer):
    """An account as listed (manual 004 §2.3 "등록된 계좌"): the number keeps its first 6 digits."""

    bank_name = serializers.SerializerMethodField()
    number = serializers.SerializerMethodField(help_text="Masked: the first 6 digits are kept.")

    class Meta:
        model = BankAccount
        fields = [
            "id",
            "corporate",
            "bank_code",
            "bank_name",
            "number",
            "holder",
            "status",
            "created_at",
            "approved_at",
            "deleted_at",
            "reject_reason",
        ]
        read_only_fields = fields

    def get_bank_name(self, account: BankAccount) -> str:
        return BANKS.get(account.bank_code, "")

    def get_number(self, account: BankAccount) -> str:
        return mask_account(account.number)


class BankAccountFilterSerializer(serializers.Serializer):
    """List filters; `corporate` matters to staff, who see every corporate of the site."""

    corporate = IdField(required=False)
    status = serializers.ChoiceField(choices=BankAccount.Status.choices, required=False)


class BankAccountCreateSerializer(serializers.Serializer):
    """계좌 추가하기 (manual 004 §2.3). Bank, number and holder are checked by the service."""

    bank_code = TextField(help_text="KFTC bank code (SPEC §13), e.g. `088`.")
    account_number = TextField(help_text="10 to 14 digits; dashes and spaces are ignored.")
    holder = TextField(
        max_length=100, help_text="예금주: exactly the company name on the business registration."
    )
    # Emptiness, size and type are the service's checks (by content, SPEC §14).
    bankbook = serializers.FileField(
        allow_empty_file=True, help_text="The bankbook copy (통장사본): PDF, JPG or PNG, ≤ 10 MB."
    )


class BankAccountRejectSerializer(RejectSerializer):
    told = "the master"
