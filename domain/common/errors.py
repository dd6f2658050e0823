"""The DomainError family: what services raise; api.errors maps it to the SPEC §11 body.

Codes are stable machine identifiers (clients switch on them); messages are lazily translated so
the answer follows the request's language (Korean by default, SPEC §10).
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refusal of a business rule. `status` is the HTTP status the API answers with."""

    status = 400
    default_code = "invalid"
    default_message = "The request cannot be carried out."

    def __init__(
        self,
        code: str | None = None,
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
        super().__init__(self.code)

    def __str__(self) -> str:  # never includes user input: the code is enough for logs
        return self.code


class ValidationFailed(DomainError):
    """Several field errors at once (each a DomainError with an attr)."""

    status = 400
    default_code = "invalid"

    def __init__(self, errors: list[DomainError]) -> None:
        self.errors = errors
        super().__init__(errors[0].code if errors else "invalid")


class NotFound(DomainError):
    status = 404
    default_code = "not_found"
    default_message = "Not found."


class PermissionDenied(DomainError):
    status = 403
    default_code = "permission_denied"
    default_message = "You do not have permission to perform this action."


class Conflict(DomainError):
    status = 409
    default_code = "conflict"


class AuthenticationFailed(DomainError):
    status = 401
    default_code = "authentication_failed"


class ServiceUnavailable(DomainError):
    status = 503
    default_code = "service_unavailable"
