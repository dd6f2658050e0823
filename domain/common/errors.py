"""The DomainError family: what services raise; api.errors maps it to the SPEC §11 body.

Codes are stable machine identifiers (clients switch on them): every code is a member of one
per-area `ErrorCode` enum (Saleor's `OrderErrorCode`), a `StrEnum` so the value on the wire is
the plain string. Views declare the codes they answer with from the same enums, and the schema
documents them (api.openapi). Messages are lazily translated so the answer follows the request's
language (Korean by default, SPEC §10).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _


class ErrorCode(StrEnum):
    """Base of the per-area code enums (`domain/<area>/errors.py`); it has no members itself."""


class CommonErrorCode(ErrorCode):
    """Codes shared by every area, and the framework's own (DRF fields, auth, throttling)."""

    # DRF field and body validation (SPEC §11 `validation_error`).
    INVALID = "invalid"
    REQUIRED = "required"
    NULL = "null"
    BLANK = "blank"
    PARSE_ERROR = "parse_error"
    INVALID_CHOICE = "invalid_choice"
    MAX_LENGTH = "max_length"
    MIN_VALUE = "min_value"
    MAX_VALUE = "max_value"
    MAX_DIGITS = "max_digits"
    MAX_DECIMAL_PLACES = "max_decimal_places"
    # Authentication and permissions.
    NOT_AUTHENTICATED = "not_authenticated"
    AUTHENTICATION_FAILED = "authentication_failed"
    TOKEN_NOT_VALID = "token_not_valid"
    TOKEN_SITE_MISMATCH = "token_site_mismatch"
    USER_NOT_FOUND = "user_not_found"  # simplejwt's: a token of a member that is gone
    USER_INACTIVE = "user_inactive"
    PERMISSION_DENIED = "permission_denied"
    # The URL layer and the state machines.
    NOT_FOUND = "not_found"
    FEATURE_NOT_AVAILABLE = "feature_not_available"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"  # a body no parser of the view reads
    CONFLICT = "conflict"
    INVALID_TRANSITION = "invalid_transition"
    THROTTLED = "throttled"
    SERVICE_UNAVAILABLE = "service_unavailable"
    SERVER_ERROR = "error"
    # The deployment (backend.checks, api.errors, api.middleware).
    PROVIDER_NOT_CONFIGURED = "provider_not_configured"
    DATABASE_UNAVAILABLE = "database_unavailable"
    STORAGE_UNAVAILABLE = "storage_unavailable"  # the private files' storage (uploads)
    REQUEST_TOO_LARGE = "request_too_large"
    # Inputs checked the same way in several areas.
    INVALID_PHONE = "invalid_phone"
    INVALID_BUSINESS_NUMBER = "invalid_business_number"
    REASON_REQUIRED = "reason_required"
    # A text holding a control character, an unpaired surrogate or a non-character
    # (domain.common.text; api.serializers.TextField, the recipients' rows).
    INVALID_CHARACTERS = "invalid_characters"
    # Uploaded files (domain.common.uploads, SPEC §14).
    FILE_EMPTY = "file_empty"
    FILE_TOO_LARGE = "file_too_large"
    UNSUPPORTED_FILE_TYPE = "unsupported_file_type"
    IMAGE_TOO_LARGE = "image_too_large"
    FILE_NOT_FOUND = "file_not_found"
    TOO_MANY_COLUMNS = "too_many_columns"  # an uploaded table (domain.common.tabular)
    # The Idempotency-Key header of POSTs that declare it (api.idempotency, SPEC §14 retries).
    IDEMPOTENCY_KEY_INVALID = "idempotency_key_invalid"
    IDEMPOTENCY_KEY_REQUIRED = "idempotency_key_required"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    IDEMPOTENCY_IN_PROGRESS = "idempotency_in_progress"


class DomainError(Exception):
    """A refusal of a business rule. `status` is the HTTP status the API answers with."""

    status = 400
    default_code: ErrorCode = CommonErrorCode.INVALID
    default_message: Any = _("The request cannot be carried out.")

    def __init__(
        self,
        code: ErrorCode | None = None,
        message: Any = None,
        *,
        attr: str | None = None,
        extra: dict | None = None,
    ) -> None:
        self.code = code or self.default_code
        self.message = message if message is not None else self.default_message
        self.attr = attr
        # Extra machine-readable data for the client (e.g. the missing consent codes).
        self.extra = extra or {}
        # Seconds until trying again can succeed (a used-up limit); the API's Retry-After.
        self.retry_after: int | None = None
        super().__init__(self.code)

    def __str__(self) -> str:  # never includes user input: the code is enough for logs
        return self.code


class ValidationFailed(DomainError):
    """Several field errors at once (each a DomainError with an attr)."""

    status = 400
    default_code = CommonErrorCode.INVALID

    def __init__(self, errors: list[DomainError]) -> None:
        self.errors = errors
        super().__init__(errors[0].code if errors else CommonErrorCode.INVALID)


class NotFound(DomainError):
    status = 404
    default_code = CommonErrorCode.NOT_FOUND
    default_message = _("Not found.")


class PermissionDenied(DomainError):
    status = 403
    default_code = CommonErrorCode.PERMISSION_DENIED
    default_message = _("You do not have permission to perform this action.")


class Conflict(DomainError):
    status = 409
    default_code = CommonErrorCode.CONFLICT


class AuthenticationFailed(DomainError):
    status = 401
    default_code = CommonErrorCode.AUTHENTICATION_FAILED


class ServiceUnavailable(DomainError):
    status = 503
    default_code = CommonErrorCode.SERVICE_UNAVAILABLE
