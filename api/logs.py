"""The filters of the `django.request` (and runserver's `django.server`) logger, set in
settings.LOGGING: no secret in a logged path, and a lost database in one line.

Secrets in request paths never reach the logs (SPEC §14 "one-time codes and tokens"; the privacy
sweep checks it). Some paths carry a secret: an invitation link's token
(`invitations/{token}/`) and a gift's claim code (`gifts/{code}/`, the gift app's callbacks).
Django logs the path of every 4xx and 5xx answer (`django.request`) and runserver every request
line (`django.server`); a refused acceptance of a live link would put the link in the log.
`SecretPathFilter`, set on both loggers, writes those path parameters as `[redacted]` in the
message and drops the request object the record carries (a handler that would print it, such as
the admin mail, falls back to the message).

A lost database is an outage, not a bug: `DatabaseUnavailableFilter` makes its
record one line that says why.

Imported by the LOGGING setting, before the apps are ready: Django and the standard library only
(the URL resolver is imported when a message is filtered).
"""

from __future__ import annotations

import logging
import re

from django.db import InterfaceError, OperationalError

# URL keyword arguments whose value is a credential (api/urls.py and the areas' urls).
SECRET_KWARGS = frozenset({"token", "code"})
REDACTED = "[redacted]"
API_PATH = re.compile(r"/api/v1/[^\s\"'?#]*")
# A lost or refusing database (also SQLite's "database is locked"): retry, it is not the request.
DATABASE_ERRORS = (OperationalError, InterfaceError)


# --- secrets in paths ----------------------------------------------------------------------------


def _redact_path(path: str) -> str:
    from django.urls import Resolver404, resolve

    try:
        match = resolve(path)
    except Resolver404:
        return path
    for name, value in match.kwargs.items():
        if name in SECRET_KWARGS and value:
            path = path.replace(f"/{value}/", f"/{REDACTED}/")
    return path


def redact(text: str) -> str:
    """`text` with the secret parameters of every API path in it written `[redacted]`."""
    return API_PATH.sub(lambda found: _redact_path(found.group(0)), text)


class SecretPathFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
            record.__dict__.pop("request", None)
        return True


# --- a lost database -----------------------------------------------------------------------------


def database_error_cause(error: Exception) -> str:
    """The first line of a database error (psycopg adds hints and SQL excerpts below it)."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


class DatabaseUnavailableFilter(logging.Filter):
    """For `django.request`: an exception that escaped the views (a middleware, the commit of
    an idempotent POST) is logged with its stack trace. When the database is lost every request
    fails that way, so its record becomes one line that says why, like api.errors does for the
    views; the answer is the coded 503 `database_unavailable` either way."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, DATABASE_ERRORS) and isinstance(record.args, tuple):
            record.msg = f"{record.msg} (database unavailable: %s)"
            record.args = (*record.args, database_error_cause(error))
            record.exc_info = None
            record.exc_text = None
        return True
