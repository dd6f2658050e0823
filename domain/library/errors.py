"""Error codes of library upgrades (SPEC §6; manual 003)."""

from domain.common.errors import ErrorCode


class LibraryErrorCode(ErrorCode):
    INVALID_RRN_BACK = "invalid_rrn_back"
    INVALID_LOAN_PIN = "invalid_loan_pin"
    PIN_MISMATCH = "pin_mismatch"
    ALREADY_FULL_MEMBER = "already_full_member"
    FULL_MEMBER_REQUIRED = "full_member_required"
    ELIGIBILITY_CHECK_LIMIT = "eligibility_check_limit"
    ELIGIBILITY_CHECK_REQUIRED = "eligibility_check_required"
    ELIGIBILITY_UNAVAILABLE = "eligibility_unavailable"
    FOREIGN_REGISTRATION_UNSUPPORTED = "foreign_registration_unsupported"
    NOT_GYEONGGI_RESIDENT = "not_gyeonggi_resident"
    NOT_YONGIN_RESIDENT = "not_yongin_resident"
    TOO_FEW_CHILDREN = "too_few_children"
    YOUNGEST_OVER_18 = "youngest_over_18"
    CHILD_MISMATCH = "child_mismatch"
    CHILD_NOT_FULL_MEMBER = "child_not_full_member"
