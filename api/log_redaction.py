"""Secrets in request paths never reach the logs (SPEC §14 "one-time codes and tokens"; found
by the privacy sweep, issue 12).

Some paths carry a secret: an invitation link's token (`invitations/{token}/`) and a gift's
claim code (`gifts/{code}/`, the gift app's callbacks). Django logs the path of every 4xx and
5xx answer (`django.request`) and runserver every request line (`django.server`); a refused
acceptance of a live link would put the link in the log. `SecretPathFilter`, set on both
loggers in settings.LOGGING, writes those path parameters as `[redacted]` in the message and
drops the request object the record carries (a handler that would print it, such as the admin
mail, falls back to the message).
"""

from __future__ import annotations

import logging
import re

# URL keyword arguments whose value is a credential (api/urls.py and the areas' urls).
SECRET_KWARGS = frozenset({"token", "code"})
REDACTED = "[redacted]"
API_PATH = re.compile(r"/api/v1/[^\s\"'?#]*")


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
