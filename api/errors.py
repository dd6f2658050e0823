"""The one exception handler: every error body is `{type, errors: [{code, detail, attr}]}`.

SPEC §11. DRF's own exceptions, Django's Http404/PermissionDenied and the DomainError family all
end here; anything else is a 500 whose body says nothing about the internals.
"""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from domain.common.errors import CommonErrorCode, DomainError, ValidationFailed

logger = logging.getLogger(__name__)

SERVER_ERROR_MESSAGE = _("A server error occurred. Please try again later.")


def _flatten(detail, attr: str | None = None) -> list[dict]:
    """DRF's nested ErrorDetail structures → a flat list with dotted attrs (`address.road`)."""
    if isinstance(detail, dict):
        items = []
        for key, value in detail.items():
            key_attr = None if key == "non_field_errors" else str(key)  # ListField: int keys
            if key_attr is not None and attr:
                key_attr = f"{attr}.{key_attr}"
            items.extend(_flatten(value, key_attr or attr))
        return items
    if isinstance(detail, list):
        items = []
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                items.extend(_flatten(value, f"{attr}.{index}" if attr else str(index)))
            else:
                items.extend(_flatten(value, attr))
        return items
    return [{"code": getattr(detail, "code", "invalid"), "detail": str(detail), "attr": attr}]


def _domain_errors(exc: DomainError) -> list[dict]:
    errors = exc.errors if isinstance(exc, ValidationFailed) else [exc]
    body = []
    for error in errors:
        item = {"code": error.code, "detail": str(error.message), "attr": error.attr}
        item.update(error.extra)
        body.append(item)
    return body


def _client_error(exc: exceptions.APIException) -> dict:
    detail = exc.detail
    if isinstance(detail, dict):  # simplejwt: {"detail": ..., "code": ..., "messages": [...]}
        code = str(detail.get("code") or getattr(detail.get("detail"), "code", "") or "")
        return {
            "code": code or exc.default_code,
            "detail": str(detail.get("detail", "")),
            "attr": None,
        }
    return {
        "code": getattr(detail, "code", None) or exc.default_code,
        "detail": str(detail),
        "attr": None,
    }


def exception_handler(exc, context):
    headers = {}
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    if isinstance(exc, DomainError):
        set_rollback()
        kind = "validation_error" if exc.status == 400 else "client_error"
        return Response({"type": kind, "errors": _domain_errors(exc)}, status=exc.status)

    if isinstance(exc, exceptions.APIException):
        set_rollback()
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait))
        if isinstance(exc, exceptions.ValidationError):
            kind, errors = "validation_error", _flatten(exc.detail)
        else:
            kind, errors = "client_error", [_client_error(exc)]
        return Response({"type": kind, "errors": errors}, status=exc.status_code, headers=headers)

    logger.exception("Unhandled error in %s", context["view"].__class__.__name__)
    set_rollback()
    return Response(
        {
            "type": "server_error",
            "errors": [
                {
                    "code": CommonErrorCode.SERVER_ERROR,
                    "detail": str(SERVER_ERROR_MESSAGE),
                    "attr": None,
                }
            ],
        },
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )
