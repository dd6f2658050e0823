"""Error codes of consents (SPEC §3)."""

from domain.common.errors import ErrorCode


class ConsentErrorCode(ErrorCode):
    CONSENT_REQUIRED = "consent_required"
    UNKNOWN_CONSENT_DOCUMENT = "unknown_consent_document"
    DUPLICATE_CONSENT_DOCUMENT = "duplicate_consent_document"
    CONSENT_VERSION_OUTDATED = "consent_version_outdated"
    CONSENT_NOT_WITHDRAWABLE = "consent_not_withdrawable"
