"""Keyed hashes for identifiers we must match but never keep in clear (CI/DI, codes; SPEC §4)."""

import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def keyed_hash(value: str, *, purpose: str) -> str:
    """HMAC-SHA256 of `value`, domain-separated by `purpose`, hex encoded (64 chars)."""
    if not settings.IDENTITY_HASH_KEY:  # production has no fallback (backend.checks)
        raise ImproperlyConfigured("IDENTITY_HASH_KEY is not set.")
    key = f"{settings.IDENTITY_HASH_KEY}:{purpose}".encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def constant_time_equals(left: str, right: str) -> bool:
    return hmac.compare_digest(left.encode(), right.encode())
