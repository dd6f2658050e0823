"""Gifts already sent, and the gift app's signed callbacks.

Sending is the workers' job (domain.dispatches.sending); tests of outcomes start after it:
`gifts_sent` moves a dispatch's recipients to sent (미수령) with known claim codes, whose keyed
hashes are stored, and spends their amounts on the purchase as sending does.

`gift_app_headers` signs a callback the way the README's "Gift app callbacks" section tells the
gift app to, written out here again (not imported from the code under test):

    HMAC-SHA256(secret, "<timestamp>\\n<METHOD>\\n<path>\\n" + raw body), hex
"""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings
from django.utils import timezone

from domain.corporates.models import CorporateManager
from domain.dispatches.claim_codes import claim_code_hash
from domain.dispatches.models import Dispatch, Recipient
from domain.purchases.ledger import purchase_spend
from domain.purchases.models import Purchase
from tests.factories.dispatches import dispatch_make, recipients_of

SITE = "onnuri-biz"


def gifts_sent(dispatch: Dispatch, codes: list[str]) -> list[Recipient]:
    """The dispatch's first len(codes) recipients (by row) sent with those claim codes, their
    amounts spent on the purchase; the dispatch completed when all are sent."""
    recipients = list(dispatch.recipients.order_by("row")[: len(codes)])
    now = timezone.now()
    for recipient, code in zip(recipients, codes, strict=True):
        Recipient.objects.filter(pk=recipient.pk).update(
            status=Recipient.Status.SENT,
            claim_code_hash=claim_code_hash(code),
            sent_at=now,
            attempts=1,
        )
    purchase_spend(
        purchase_id=dispatch.purchase_id,
        amount=sum(r.amount for r in recipients),
        dispatch_id=dispatch.pk,
        recipients=len(recipients),
        sent_at=now,
    )
    if len(recipients) == dispatch.recipient_count:
        Dispatch.objects.filter(pk=dispatch.pk).update(
            status=Dispatch.Status.COMPLETED, started_at=now, completed_at=now
        )
    for recipient in recipients:
        recipient.refresh_from_db()
    return recipients


def dispatch_sent(
    *, manager: CorporateManager, purchase: Purchase, codes: list[str], amount: int = 10_000
) -> Dispatch:
    """A dispatch of len(codes) gifts of `amount` won, all sent with those codes."""
    dispatch = dispatch_make(
        manager=manager, purchase=purchase, recipients=recipients_of(len(codes), amount=amount)
    )
    gifts_sent(dispatch, codes)
    return dispatch


def gift_app_secret(site: str = SITE) -> str:
    return settings.GIFT_APP_SECRETS[site][0]


def gift_app_signature(secret: str, timestamp: str, method: str, path: str, body: bytes) -> str:
    message = f"{timestamp}\n{method}\n{path}\n".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def gift_path(code: str, action: str, site: str = SITE) -> str:
    return f"/api/v1/sites/{site}/gifts/{code}/{action}/"


def gift_app_headers(
    path: str,
    body: bytes = b"",
    *,
    secret: str | None = None,
    timestamp: int | None = None,
    method: str = "POST",
) -> dict[str, str]:
    """The two headers of a signed callback, as test client keyword arguments."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = gift_app_signature(secret or gift_app_secret(), stamp, method, path, body)
    return {"HTTP_X_GIFT_TIMESTAMP": stamp, "HTTP_X_GIFT_SIGNATURE": signature}


def gift_callback(api, code: str, action: str, *, body: bytes = b"", site: str = SITE, **signing):
    """POST the gift app's `receive` or `refuse` callback for `code`, signed."""
    path = gift_path(code, action, site)
    headers = gift_app_headers(path, body, **signing)
    return api.generic("POST", path, body, content_type="application/json", **headers)
