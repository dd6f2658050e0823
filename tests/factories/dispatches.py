"""Dispatches made straight on the models plus the real ledger (for tests of sending, outcomes
and lists that do not go through the create endpoint)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from domain.common.errors import DomainError
from domain.corporates.models import CorporateManager
from domain.dispatches.errors import DispatchErrorCode
from domain.dispatches.models import Dispatch, Recipient
from domain.purchases.ledger import purchase_reserve
from domain.purchases.models import Purchase


def recipients_of(count: int, amount: int = 10_000, start: int = 0) -> list[tuple[str, str, int]]:
    """`count` distinct (name, mobile, amount) rows: 수신자0001 / 0109000xxxx."""
    return [
        (f"수신자{index:04d}", f"0109{index:07d}", amount) for index in range(start, start + count)
    ]


def dispatch_make(
    *,
    manager: CorporateManager,
    purchase: Purchase,
    recipients: list[tuple[str, str, int]],
    send_type: str = Dispatch.SendType.IMMEDIATE,
    scheduled_at: dt.datetime | None = None,
    title: str = "설 선물",
    body: str = "설 선물을 보내드립니다.",
) -> Dispatch:
    total = sum(amount for _, _, amount in recipients)
    purchase_reserve(
        purchase_id=purchase.pk,
        amount=total,
        dispatch_id=None,
        refusal=DomainError(DispatchErrorCode.INSUFFICIENT_SINGLE_PURCHASE_BALANCE, "test"),
    )
    dispatch = Dispatch.objects.create(
        corporate=manager.corporate,
        requested_by=manager.member,
        title=title,
        send_type=send_type,
        scheduled_at=scheduled_at or timezone.now(),
        body=body,
        kind=Dispatch.Kind.SMS,
        purchase=purchase,
        total=total,
        recipient_count=len(recipients),
    )
    Recipient.objects.bulk_create(
        Recipient(dispatch=dispatch, row=row, name=name, mobile=mobile, amount=amount)
        for row, (name, mobile, amount) in enumerate(recipients, start=1)
    )
    return dispatch


def dispatch_send_token(manager: CorporateManager) -> str:
    """A `dispatch_send` verification token of `manager`, through the real services: an SMS
    code to the manager's registered mobile, read from what was sent, then confirmed. The
    per-phone code limits are emptied first so a test may take as many tokens as it needs."""
    import re

    from domain.common.models import LimitBucket
    from domain.messaging.backends import locmem
    from domain.messaging.models import OutboxMessage
    from domain.verifications.models import Verification
    from domain.verifications.services import verification_confirm, verification_start

    LimitBucket.objects.filter(scope__startswith="sms_code:").delete()
    site = manager.corporate.site
    started = verification_start(
        site=site,
        purpose=Verification.Purpose.DISPATCH_SEND,
        method=Verification.Method.SMS_CODE,
        member=manager.member,
    )
    message = OutboxMessage.objects.filter(purpose="verification_dispatch_send").latest("id")
    # Still in the row inside a test transaction; delivered at once (and erased from the row)
    # when the test commits for real: then the locmem backend has it.
    body = message.body if message.status == "pending" else locmem.outbox[-1].body
    code = re.search(r"\[(\d{6})\]", body).group(1)
    return verification_confirm(
        site=site,
        verification_id=started.verification.pk,
        payload={"code": code},
        member=manager.member,
    ).token
