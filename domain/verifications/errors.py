"""Error codes of identity verifications and their tokens (SPEC §4, §14)."""

from domain.common.errors import ErrorCode


class VerificationErrorCode(ErrorCode):
    # Starting a verification.
    INVALID_PURPOSE = "invalid_purpose"
    METHOD_NOT_ALLOWED = "method_not_allowed"  # the site's policy; not HTTP 405's code
    LOGIN_REQUIRED = "login_required"
    PHONE_NOT_REGISTERED = "phone_not_registered"  # own-mobile purposes (login_otp, dispatch)
    SMS_CODE_TOO_SOON = "sms_code_too_soon"
    SMS_CODE_HOURLY_LIMIT = "sms_code_hourly_limit"
    PROVIDER_UNAVAILABLE = "verification_provider_unavailable"
    # Confirming it.
    NOT_FOUND = "verification_not_found"
    EXPIRED = "verification_expired"
    FAILED = "verification_failed"
    VERIFIED = "verification_verified"
    CONSUMED = "verification_consumed"
    REUSED = "verification_reused"
    INVALID_CODE = "invalid_code"
    INVALID_SIGNATURE = "invalid_signature"
    INVALID_IDENTITY = "invalid_identity"
    # Using its single-use token.
    TOKEN_INVALID = "verification_token_invalid"
    TOKEN_EXPIRED = "verification_token_expired"
    TOKEN_USED = "verification_token_used"
    TOKEN_WRONG_SITE = "verification_token_wrong_site"
    TOKEN_WRONG_PURPOSE = "verification_token_wrong_purpose"
    TOKEN_WRONG_METHOD = "verification_token_wrong_method"
    TOKEN_WRONG_PHONE = "verification_token_wrong_phone"
