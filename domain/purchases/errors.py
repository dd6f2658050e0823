"""Error codes of onnuri-biz purchases (SPEC §7.3; manual 004 §2.1–2.2)."""

from domain.common.errors import ErrorCode


class PurchaseErrorCode(ErrorCode):
    PURCHASE_NOT_FOUND = "purchase_not_found"
    INVALID_PURCHASE_AMOUNT = "invalid_purchase_amount"  # not a positive multiple of 1,000
    MONTHLY_LIMIT_EXCEEDED = "monthly_limit_exceeded"
    NO_ACCOUNT_IN_USE = "no_account_in_use"
    DOCUMENTS_MISSING = "documents_missing"
    DOCUMENTS_NOT_REQUIRED = "documents_not_required"
    BALANCE_RESERVED = "balance_reserved"
