"""Error codes of members: sign-up, login, account, recovery, SNS, name changes (SPEC §2, §5)."""

from domain.common.errors import ErrorCode


class MemberErrorCode(ErrorCode):
    # IDs and passwords beyond the site's own rules (those are SiteErrorCode): Django's
    # validators, uniqueness, confirmation.
    USERNAME_TAKEN = "username_taken"
    PASSWORD_CONTAINS_USERNAME = "password_contains_username"
    PASSWORD_TOO_COMMON = "password_too_common"
    PASSWORD_TOO_SIMILAR = "password_too_similar"
    PASSWORD_INVALID = "password_invalid"
    PASSWORD_MISMATCH = "password_mismatch"
    PASSWORD_UNCHANGED = "password_unchanged"
    INVALID_PASSWORD = "invalid_password"
    # Sign-up.
    INVALID_HOME_LIBRARY = "invalid_home_library"
    GUARDIAN_VERIFICATION_REQUIRED = "guardian_verification_required"
    GUARDIAN_NOT_ADULT = "guardian_not_adult"
    GUARDIAN_MISMATCH = "guardian_mismatch"
    INVALID_CORPORATION_NUMBER = "invalid_corporation_number"
    BUSINESS_NUMBER_MISMATCH = "business_number_mismatch"
    UNDER_MINIMUM_AGE = "under_minimum_age"
    OVER_MAXIMUM_AGE = "over_maximum_age"
    NATIONALITY_MISMATCH = "nationality_mismatch"
    ALREADY_REGISTERED = "already_registered"
    # Login and required actions.
    INVALID_CREDENTIALS = "invalid_credentials"
    ACCOUNT_PENDING_REVIEW = "account_pending_review"
    ACCOUNT_REJECTED = "account_rejected"
    ACCOUNT_INACTIVE = "account_inactive"
    PASSWORD_CHANGE_REQUIRED = "password_change_required"
    # The profile, re-verification and recovery.
    MEMBER_NOT_FOUND = "member_not_found"
    FIELD_NOT_EDITABLE = "field_not_editable"
    VERIFICATION_REQUIRED = "verification_required"
    IDENTITY_MISMATCH = "identity_mismatch"
    NAME_MISMATCH = "name_mismatch"
    INVALID_LANDLINE = "invalid_landline"
    INVALID_CHANNEL = "invalid_channel"
    # Name change requests (animal-protection, manual 002 §II).
    NAME_UNCHANGED = "name_unchanged"
    NAME_CHANGE_PENDING = "name_change_pending"
    NAME_CHANGE_REQUEST_NOT_FOUND = "name_change_request_not_found"
    OWN_REQUEST_REVIEW = "own_request_review"
    # SNS accounts (yongin-library).
    UNKNOWN_SOCIAL_PROVIDER = "unknown_social_provider"
    SOCIAL_LOGIN_FAILED = "social_login_failed"
    SOCIAL_PROVIDER_UNAVAILABLE = "social_provider_unavailable"
    SOCIAL_ALREADY_LINKED = "social_already_linked"
    SOCIAL_ACCOUNT_IN_USE = "social_account_in_use"
    SOCIAL_ACCOUNT_NOT_FOUND = "social_account_not_found"
    SOCIAL_ACCOUNT_NOT_LINKED = "social_account_not_linked"
