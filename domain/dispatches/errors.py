"""Error codes of onnuri-biz dispatches (SPEC §7.4, §13; manual 004 §3).

Reused, not repeated here: a bad mobile is CommonErrorCode.INVALID_PHONE; message length, subject
bytes and characters outside EUC-KR are MessagingErrorCode (domain/messaging/sms.py); a non-JPG
or oversized image is CommonErrorCode.UNSUPPORTED_FILE_TYPE / FILE_TOO_LARGE / IMAGE_TOO_LARGE.
"""

from domain.common.errors import ErrorCode


class DispatchErrorCode(ErrorCode):
    DISPATCH_NOT_FOUND = "dispatch_not_found"
    UPLOAD_NOT_FOUND = "upload_not_found"  # unknown, another company's, or expired (1 day)
    RECIPIENT_NOT_FOUND = "recipient_not_found"
    GIFT_NOT_FOUND = "gift_not_found"  # unknown or reclaimed claim code (the gift app)
    # Recipients (Excel rows or inline), one code per row problem (manual 004 §3.1).
    NAME_REQUIRED = "name_required"
    NAME_TOO_LONG = "name_too_long"
    INVALID_GIFT_AMOUNT = "invalid_gift_amount"  # not a positive multiple of 1,000
    GIFT_AMOUNT_TOO_LARGE = "gift_amount_too_large"  # over the site's dispatch_max_gift_amount
    DUPLICATE_MOBILE = "duplicate_mobile"
    TOO_MANY_RECIPIENTS = "too_many_recipients"  # over the site's dispatch_max_recipients
    NO_RECIPIENTS = "no_recipients"
    INVALID_RECIPIENTS = "invalid_recipients"  # the upload or inline list has row errors
    UNREADABLE_SPREADSHEET = "unreadable_spreadsheet"
    MISSING_COLUMNS = "missing_columns"
    # The message (SPEC §13 text messages; manual 004 §3.1).
    SCHEDULED_AT_REQUIRED = "scheduled_at_required"
    SCHEDULED_AT_PAST = "scheduled_at_past"
    # The purchase paying for it expires before the scheduled time (SPEC §7.3).
    SCHEDULED_AT_AFTER_PURCHASE_EXPIRY = "scheduled_at_after_purchase_expiry"
    # Money (SPEC §7.4).
    INSUFFICIENT_SINGLE_PURCHASE_BALANCE = "insufficient_single_purchase_balance"
    # Changes (manual 004 §3.2, §3.3).
    DISPATCH_NOT_EDITABLE = "dispatch_not_editable"
    RECIPIENT_NOT_RECLAIMABLE = "recipient_not_reclaimable"
    GIFT_ALREADY_DECIDED = "gift_already_decided"  # received/refused/reclaimed already
    # Texted, but its batch not recorded yet (a worker died after the gateway took it; it is
    # recorded within the sending lease): the gift app may try again in a few minutes.
    GIFT_NOT_READY = "gift_not_ready"
    # The gift app's signed callbacks.
    INVALID_SIGNATURE = "invalid_signature"
    STALE_SIGNATURE = "stale_signature"
    REPLAYED_SIGNATURE = "replayed_signature"
    # Creating and test-sending (domain.dispatches.message, .create; manual 004 §3.1).
    TITLE_REQUIRED = "title_required"
    TITLE_TOO_LONG = "title_too_long"
    TEST_SEND_LIMIT = "test_send_limit"  # 429: 5 test sends per 10 minutes per member
