"""The one exception handler: every error body is `{type, errors: [{code, detail, attr}]}`.

SPEC §11. DRF's own exceptions, Django's Http404/PermissionDenied and the DomainError family all
end here; anything else is a 500 whose body says nothing about the internals. Outside DRF views
(middleware, the URL layer, Django's handler500) `json_error` writes the same body.
"""

import logging
import sys

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404, JsonResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from domain.common.errors import CommonErrorCode, DomainError, ValidationFailed

from .logs import DATABASE_ERRORS, database_error_cause

logger = logging.getLogger(__name__)

SERVER_ERROR_MESSAGE = _("A server error occurred. Please try again later.")
DATABASE_UNAVAILABLE_MESSAGE = _("The service is temporarily unavailable. Try again shortly.")
REQUEST_TOO_LARGE_MESSAGE = _("The request is too large.")
# Messages of the token library that reach clients (SPEC §10: Korean by default). Its own Korean
# catalogue is for `ko_KR` and is not loaded (it is not an installed app), so these are
# translated in ours; listed here so `makemessages` keeps them. tests/api/contract/test_language.py
# checks that every message of the library is here or named as never reaching a client.
SIMPLEJWT_MESSAGES = (
    gettext_noop("Authorization header must contain two space-delimited values"),
    gettext_noop("Given token not valid for any token type"),
    gettext_noop("Token contained no recognizable user identification"),
    gettext_noop("User not found"),
    gettext_noop("User is inactive"),
    gettext_noop("The user's password has been changed."),
    gettext_noop("Token is invalid"),
    gettext_noop("Token is expired"),
    gettext_noop("Token is invalid or expired"),
    gettext_noop("Token is blacklisted"),
    gettext_noop("Token has no id"),
    gettext_noop("Token has no type"),
    gettext_noop("Token has wrong type"),
    gettext_noop("Token has no '{}' claim"),
    gettext_noop("Token '{}' claim has expired"),
    gettext_noop("No active account found with the given credentials"),
    gettext_noop("No active account found for the given token."),
)
# REST framework's messages its Korean catalogue lacks.
REST_FRAMEWORK_MESSAGES = (gettext_noop("A valid biginteger is required."),)
DATABASE_RETRY_AFTER_SECONDS = 30
TOO_LARGE_ERRORS = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)


def _body(kind: str, code: str, detail) -> dict:
    return {"type": kind, "errors": [{"code": code, "detail": str(detail), "attr": None}]}


def json_error(request, status: int, kind: str, code: str, message, headers=None) -> JsonResponse:
    """The error body for answers made outside DRF views, in the request's language."""
    with translation.override(translation.get_language_from_request(request)):
        body = _body(kind, code, message)
    # UTF-8 like REST framework's answers (no \uXXXX escapes for the Korean message).
    return JsonResponse(
        body, status=status, headers=headers, json_dumps_params={"ensure_ascii": False}
    )


def database_unavailable(request) -> JsonResponse:
    return json_error(
        request,
        503,
        "server_error",
        "database_unavailable",
        DATABASE_UNAVAILABLE_MESSAGE,
        headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
    )


def request_too_large(request) -> JsonResponse:
    return json_error(request, 413, "client_error", "request_too_large", REQUEST_TOO_LARGE_MESSAGE)


@csrf_exempt
def not_found(request, *args, **kwargs) -> JsonResponse:
    """Any /api/ path no pattern matches (backend.urls), whatever the method and DEBUG."""
    return json_error(request, 404, "client_error", "not_found", exceptions.NotFound.default_detail)


def server_error(request):
    """handler500: where exceptions outside DRF views end (middleware included)."""
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return database_unavailable(request)
    if request.path.startswith("/api/"):
        return json_error(request, 500, "server_error", "error", SERVER_ERROR_MESSAGE)
    return defaults.server_error(request)


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

    if isinstance(exc, DATABASE_ERRORS):
        view = context["view"].__class__.__name__
        logger.error("Database unavailable in %s: %s", view, database_error_cause(exc))
        set_rollback()
        return Response(
            _body("server_error", "database_unavailable", DATABASE_UNAVAILABLE_MESSAGE),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
        )
    if isinstance(exc, TOO_LARGE_ERRORS):  # Django's own limits, met while parsing the body
        return Response(
            _body("client_error", "request_too_large", REQUEST_TOO_LARGE_MESSAGE),
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )

    if isinstance(exc, DomainError):
        set_rollback()
        kind = {400: "validation_error"}.get(exc.status, "client_error")
        if exc.status >= 500:  # a service unavailable (e.g. storage_unavailable), not the client
            kind = "server_error"
        if exc.retry_after:
            headers["Retry-After"] = str(exc.retry_after)
        return Response(
            {"type": kind, "errors": _domain_errors(exc)}, status=exc.status, headers=headers
        )

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
