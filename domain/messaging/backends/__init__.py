"""SMS backends, chosen like Django's email backends (SPEC §12).

`settings.SMS_BACKEND` is "console", "file", "locmem" or a dotted path to a backend class.
"""

from django.conf import settings
from django.utils.module_loading import import_string

from .base import BaseSmsBackend, GatewayError, SendResult, SmsMessage, describe_error

ALIASES = {
    "console": "domain.messaging.backends.console.ConsoleSmsBackend",
    "file": "domain.messaging.backends.file.FileSmsBackend",
    "locmem": "domain.messaging.backends.locmem.LocmemSmsBackend",
}

__all__ = [
    "BaseSmsBackend",
    "GatewayError",
    "SendResult",
    "SmsMessage",
    "describe_error",
    "get_sms_backend",
]


def get_sms_backend(backend: str | None = None, **kwargs) -> BaseSmsBackend:
    """An instance of the configured backend (or of `backend`), like `mail.get_connection`."""
    name = backend or settings.SMS_BACKEND
    return import_string(ALIASES.get(name, name))(**kwargs)
