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
    # The ledger refuses to spend for messages sent after the purchase's validity (an
    # internal guard: sending checks first, domain.dispatches.sending).
    PURCHASE_EXPIRED = "purchase_expired"
    # Deposit matching: the statement upload…
    STATEMENT_HEADER_MISSING = "statement_header_missing"
    STATEMENT_EMPTY = "statement_empty"
    STATEMENT_TOO_MANY_ROWS = "statement_too_many_rows"
    STATEMENT_NOT_FOUND = "deposit_statement_not_found"
    # …and the confirmation of a row's match (answered per item, see api.purchases.deposits).
    DEPOSIT_ROW_NOT_FOUND = "deposit_row_not_found"
    ROW_ALREADY_USED = "row_already_used"
    DEPOSIT_ROW_UNMATCHED = "deposit_row_unmatched"
    PURCHASE_NOT_A_CANDIDATE = "purchase_not_a_candidate"
