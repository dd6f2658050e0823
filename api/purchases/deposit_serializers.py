"""Serializers of deposit matching (the statement format is documented in
domain.purchases.statements, the rules in domain.purchases.matching)."""

from django.conf import settings
from rest_framework import serializers

from api.serializers import ChoiceLabelField, IdField
from domain.purchases.deposits import CONFIRM_REFUSALS
from domain.purchases.matching import PREFIX_MIN_LENGTH
from domain.purchases.models import DepositStatement, DepositStatementRow, Purchase
from domain.purchases.statements import COLUMNS, ROW_ERROR_MESSAGES, StatementRowErrorCode

RowStatus = DepositStatementRow.Status
CONFIRM_RESULTS = ("approved", "refused")


class DepositCandidateSerializer(serializers.ModelSerializer):
    """A pending purchase a statement row may pay for."""

    corporate_name = serializers.CharField(source="corporate.name", read_only=True)

    class Meta:
        model = Purchase
        fields = [
            "id",
            "corporate",
            "corporate_name",
            "amount",
            "deposit_amount",
            "status",
            "created_at",
        ]
        read_only_fields = fields


class DepositRowSerializer(serializers.ModelSerializer):
    number = serializers.IntegerField(
        read_only=True, help_text="The row in the uploaded file (the header's row counts)."
    )
    status_label = ChoiceLabelField(source="status", choices=DepositStatementRow.Status.choices)
    reason = serializers.CharField(
        read_only=True,
        help_text="Unmatched rows: `no_purchase_with_amount`, `depositor_not_matching` (no name "
        "equals the depositor or begins with it) or `deposited_before_request` (the first rule "
        "that left no candidate); else empty.",
    )
    name_match = serializers.ChoiceField(
        choices=DepositStatementRow.NameMatch.choices,
        allow_blank=True,
        read_only=True,
        help_text="Proposed and ambiguous rows: how the candidates' company name or account "
        "holder matched the depositor — `exact`, or `prefix` (the depositor, at least "
        f"{PREFIX_MIN_LENGTH} characters once normalised, is the start of the name: banks cut "
        "names short; check it); empty for unmatched rows.",
    )
    name_match_label = ChoiceLabelField(
        source="name_match", choices=DepositStatementRow.NameMatch.choices
    )
    proposed_purchase = DepositCandidateSerializer(
        read_only=True, allow_null=True, help_text="The one candidate of a `proposed` row."
    )
    candidates = DepositCandidateSerializer(
        many=True,
        read_only=True,
        help_text="Every candidate (one for `proposed`, several for `ambiguous`), oldest first.",
    )

    class Meta:
        model = DepositStatementRow
        fields = [
            "id",
            "number",
            "deposited_at",
            "depositor",
            "amount",
            "status",
            "status_label",
            "reason",
            "name_match",
            "name_match_label",
            "proposed_purchase",
            "candidates",
            "confirmed_purchase",
            "confirmed_at",
        ]
        read_only_fields = fields


class StatementRowErrorSerializer(serializers.Serializer):
    """A row of the file left out, and why."""

    row = serializers.IntegerField(help_text="The row in the file (the header's row counts).")
    column = serializers.ChoiceField(choices=COLUMNS)
    code = serializers.ChoiceField(choices=[code.value for code in StatementRowErrorCode])
    detail = serializers.CharField()

    def to_representation(self, problem: dict) -> dict:
        message = ROW_ERROR_MESSAGES[StatementRowErrorCode(problem["code"])]
        return {**problem, "detail": str(message)}


class DepositCountsSerializer(serializers.Serializer):
    proposed = serializers.IntegerField(source="proposed_count")
    ambiguous = serializers.IntegerField(source="ambiguous_count")
    unmatched = serializers.IntegerField(source="unmatched_count")
    confirmed = serializers.IntegerField(source="confirmed_count")


class DepositStatementSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    counts = DepositCountsSerializer(source="*", read_only=True, help_text="Rows by status.")
    error_count = serializers.SerializerMethodField(help_text="Rows of the file left out.")

    class Meta:
        model = DepositStatement
        fields = ["id", "file_name", "uploaded_by", "created_at", "counts", "error_count"]
        read_only_fields = fields

    def get_error_count(self, statement: DepositStatement) -> int:
        return len(statement.errors)


class DepositStatementDetailSerializer(DepositStatementSerializer):
    errors = StatementRowErrorSerializer(many=True, read_only=True)
    rows = DepositRowSerializer(many=True, read_only=True)

    class Meta(DepositStatementSerializer.Meta):
        fields = [*DepositStatementSerializer.Meta.fields, "errors", "rows"]
        read_only_fields = fields


class DepositStatementUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=True,  # the service answers `file_empty`
        help_text="The receiving account's statement: .xlsx (first sheet) or CSV (UTF-8 or "
        "CP949) with the columns 거래일시 (deposited_at), 입금자명 (depositor), 입금액 (amount); "
        "see `GET .../purchases/deposits/template/`.",
    )


class DepositMatchSerializer(serializers.Serializer):
    row = IdField(help_text="A statement row id.")
    purchase = IdField(help_text="Its proposed purchase, or one of its candidates.")


class DepositConfirmSerializer(serializers.Serializer):
    matches = DepositMatchSerializer(
        many=True,
        max_length=settings.DEPOSIT_CONFIRM_MAX_MATCHES,
        help_text="Confirmed in order, each in its own transaction.",
    )


class DepositConfirmResultSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    purchase = serializers.IntegerField()
    result = serializers.ChoiceField(choices=CONFIRM_RESULTS)
    code = serializers.ChoiceField(
        choices=[str(code) for code in CONFIRM_REFUSALS],
        allow_null=True,
        help_text="Why the pair was refused (null when approved).",
    )
    detail = serializers.CharField(allow_null=True)
    purchase_status = serializers.CharField(
        allow_null=True, help_text="The purchase's status once approved (null when refused)."
    )


class DepositConfirmResponseSerializer(serializers.Serializer):
    approved = serializers.IntegerField()
    refused = serializers.IntegerField()
    results = DepositConfirmResultSerializer(many=True)
