"""Logging for the API: a lost database is an outage, not a bug (issue 12 point 3).

Imported by the LOGGING setting, before the apps are ready: Django and the standard library only.
"""

import logging

from django.db import InterfaceError, OperationalError

# A lost or refusing database (also SQLite's "database is locked"): retry, it is not the request.
DATABASE_ERRORS = (OperationalError, InterfaceError)


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
