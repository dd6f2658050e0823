"""The gift app's signed callbacks (README "Gift app callbacks").

The gift app is a partner server, not a member: it proves each request with an HMAC-SHA256
signature keyed by its site's secret (`GIFT_APP_SECRETS`, backend.keys):

    message   = "<timestamp>\\n<METHOD>\\n<path>\\n" + raw body    (bytes; body may be empty)
    signature = hex(HMAC-SHA256(secret, message))                  (X-Gift-Signature)
    timestamp = Unix seconds, decimal                              (X-Gift-Timestamp)

Method and path are signed because the gift's code is in the path: a signature over the body
alone would let whoever saw one callback send it for any other code. A request is refused 401
when the signature does not verify under any of the site's secrets (`invalid_signature`; also a
missing or malformed header), when its timestamp is more than 5 minutes from the server's clock
(`stale_signature`), or when the signature was already used (`replayed_signature`): each
accepted signature is inserted into a unique column, which is atomic under concurrency, and kept
until it would be stale anyway.

The insert joins the caller's transaction: a callback refused for its gift (404, 409) or failed
(5xx) rolls it back, so the gift app may send the very same request again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain.common.errors import AuthenticationFailed

from .errors import DispatchErrorCode
from .models import GiftAppSignature

SIGNATURE_TOLERANCE = dt.timedelta(minutes=5)
TIMESTAMP_PATTERN = re.compile(r"[0-9]{1,10}")  # Unix seconds (to the year 2286)
SIGNATURE_PATTERN = re.compile(r"[0-9a-f]{64}")


def gift_app_message(*, timestamp: str, method: str, path: str, body: bytes) -> bytes:
    """What is signed: timestamp, method and path, one per line, then the raw body."""
    return f"{timestamp}\n{method.upper()}\n{path}\n".encode() + body


def gift_app_sign(*, secret: str, timestamp: str, method: str, path: str, body: bytes) -> str:
    message = gift_app_message(timestamp=timestamp, method=method, path=path, body=body)
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _invalid() -> AuthenticationFailed:
    return AuthenticationFailed(
        DispatchErrorCode.INVALID_SIGNATURE, _("The request signature is missing or wrong.")
    )


def gift_app_verify(
    *,
    site_slug: str,
    timestamp: str | None,
    signature: str | None,
    method: str,
    path: str,
    body: bytes,
    now: dt.datetime | None = None,
) -> None:
    """Accept a signed gift app request once, or refuse it (401, see the module docstring).
    Records the signature in the caller's transaction (run it inside one)."""
    secrets = settings.GIFT_APP_SECRETS.get(site_slug) or []
    signature = (signature or "").strip().lower()
    if not (secrets and timestamp and TIMESTAMP_PATTERN.fullmatch(timestamp)):
        raise _invalid()
    if not SIGNATURE_PATTERN.fullmatch(signature):
        raise _invalid()
    if not any(
        hmac.compare_digest(
            signature,
            gift_app_sign(secret=secret, timestamp=timestamp, method=method, path=path, body=body),
        )
        for secret in secrets
    ):
        raise _invalid()
    now = now or timezone.now()
    if abs(now.timestamp() - int(timestamp)) > SIGNATURE_TOLERANCE.total_seconds():
        raise AuthenticationFailed(
            DispatchErrorCode.STALE_SIGNATURE,
            _("The request timestamp is more than 5 minutes from the server's time."),
        )
    try:
        with transaction.atomic():
            GiftAppSignature.objects.create(
                signature=signature,
                expires_at=dt.datetime.fromtimestamp(int(timestamp), dt.UTC) + SIGNATURE_TOLERANCE,
            )
    except IntegrityError:
        raise AuthenticationFailed(
            DispatchErrorCode.REPLAYED_SIGNATURE, _("This request was already received.")
        ) from None


def gift_app_signatures_prune(*, now: dt.datetime | None = None) -> int:
    """Delete used signatures past their window: they would be refused as stale (daily job)."""
    expired = GiftAppSignature.objects.filter(expires_at__lte=now or timezone.now())
    return expired.delete()[0]
