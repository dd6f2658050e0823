"""Error codes of onnuri-biz corporates, their admins, invitations and bank accounts (SPEC §7)."""

from domain.common.errors import ErrorCode


class CorporateErrorCode(ErrorCode):
    # Sign-up and review.
    BUSINESS_NUMBER_TAKEN = "business_number_taken"
    CORPORATE_NOT_FOUND = "corporate_not_found"
    DOCUMENT_NOT_FOUND = "document_not_found"
    INVALID_DISCOUNT_RATE = "invalid_discount_rate"
    INVALID_AMOUNT = "invalid_amount"
    # Bank accounts (SPEC §7.2).
    INVALID_BANK = "invalid_bank"
    INVALID_ACCOUNT_NUMBER = "invalid_account_number"
    ACCOUNT_HOLDER_MISMATCH = "account_holder_mismatch"
    BANK_ACCOUNT_NOT_FOUND = "bank_account_not_found"
    ACCOUNT_REQUEST_PENDING = "account_request_pending"
    ACCOUNT_ALREADY_REGISTERED = "account_already_registered"
    ACCOUNT_IN_USE = "account_in_use"
    CORPORATE_NOT_APPROVED = "corporate_not_approved"
    # Invitations.
    ALREADY_INVITED = "already_invited"
    INVITATION_NOT_FOUND = "invitation_not_found"
    INVITATION_EXPIRED = "invitation_expired"
    INVITATION_COMPANY_MISMATCH = "invitation_company_mismatch"
    INVITATION_PHONE_MISMATCH = "invitation_phone_mismatch"
    INVITATION_NO_MATCH = "invitation_no_match"  # no invitation for that company and mobile
    # The members menu and 내 정보.
    CANNOT_DELETE_MASTER = "cannot_delete_master"
    PASSWORD_RESET_NOT_ALLOWED = "password_reset_not_allowed"
    MEMBER_UNREACHABLE = "member_unreachable"
    TRANSFER_TARGET_INVALID = "transfer_target_invalid"
    TRANSFER_CONFLICT = "transfer_conflict"
    MASTER_MUST_TRANSFER = "master_must_transfer"
