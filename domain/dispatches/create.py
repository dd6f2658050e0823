"""Creating a dispatch, and its test send (SPEC §7.4, §13, §14; manual 004 §3.1).

A dispatch is created in one transaction: the sender's `dispatch_send` verification token is
used up, the recipients are taken (inline, or a kept upload), one purchase is chosen and the
whole total reserved on it (domain.purchases.ledger), the recipients are inserted in bulk and a
`created` event written. Anything refused rolls all of it back: no money moves, the token and
the upload stay usable, and the stored image is deleted. An immediate dispatch is handed to the
sending worker once the transaction commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from datetime import timedelta
from typing import IO, Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_q.tasks import async_task

from domain.common.errors import DomainError
from domain.common.limits import Limit, limit_take
from domain.common.masking import mask_phone
from domain.corporates.models import CorporateManager
from domain.messaging.services import outbox_sms
from domain.purchases.ledger import purchase_reserve
from domain.purchases.models import Purchase
from domain.purchases.services import valid_purchases
from domain.verifications.models import Verification
from domain.verifications.services import verification_consume

from .changes import scheduled_after_expiry, scheduled_at_check
from .errors import DispatchErrorCode
from .events import dispatch_created_event
from .message import image_kept, message_check, title_check
from .models import Dispatch, Recipient
from .recipients import recipients_check
from .sending import SEND_TASK
from .uploads import upload_take

# The sending worker's entry point (workers/dispatches.py); it takes the dispatch id.
TEST_SEND_PER_WINDOW = 5
TEST_SEND_WINDOW = timedelta(minutes=10)


class TooManyTestSends(DomainError):
    status = 429
    default_code = DispatchErrorCode.TEST_SEND_LIMIT
    default_message = _("You can send 5 test messages every 10 minutes. Try again later.")


TEST_SEND_LIMITS = (Limit(TEST_SEND_PER_WINDOW, TEST_SEND_WINDOW, TooManyTestSends),)


def _scheduled_at(send_type: str, scheduled_at: dt.datetime | None, now: dt.datetime):
    """When sending starts: now for an immediate dispatch; a scheduled one needs a time in the
    future (`scheduled_at_required`, `scheduled_at_past`)."""
    if send_type == Dispatch.SendType.IMMEDIATE:
        return now
    if scheduled_at is None:
        raise DomainError(
            DispatchErrorCode.SCHEDULED_AT_REQUIRED,
            _("Choose the date and time to send a scheduled dispatch."),
            attr="scheduled_at",
        )
    return scheduled_at_check(scheduled_at, now=now)


def _no_recipients() -> DomainError:
    return DomainError(
        DispatchErrorCode.NO_RECIPIENTS, _("Add at least one recipient."), attr="recipients"
    )


def _inline_recipients(recipients: Iterable[dict[str, Any]], *, site) -> list[dict]:
    """Typed rows checked like an upload's (domain.dispatches.recipients), under the site's
    limits: any row error is one `invalid_recipients` whose `row_errors` list them (row,
    column, code, detail)."""
    checked = recipients_check(
        (
            (index, row.get("name"), row.get("mobile"), row.get("amount"))
            for index, row in enumerate(recipients, start=1)
        ),
        limit=site.rules.dispatch_max_recipients,
        max_amount=site.rules.dispatch_max_gift_amount,
    )
    if checked.errors:
        raise DomainError(
            DispatchErrorCode.INVALID_RECIPIENTS,
            _("Some recipients cannot receive a gift: correct the rows listed."),
            attr="recipients",
            extra={"row_errors": [error.as_dict() for error in checked.errors]},
        )
    if not checked.rows:
        raise _no_recipients()
    return checked.rows


def _reserved_dispatch(
    *, manager: CorporateManager, rows: list[dict], now: dt.datetime, **fields
) -> Dispatch:
    """The dispatch with its recipients, its total reserved on one purchase of the company.

    SPEC §7.4: of the approved, unexpired purchases whose balance covers the total, the one
    that expires first (then the oldest). The candidates are read without locks, then tried in
    that order — one stable order for every caller, so concurrent creations cannot deadlock —
    each in a savepoint in the lock order dispatch → recipients → purchase: a candidate that
    a concurrent dispatch drained first refuses under its lock and the next is tried. When
    none can, `insufficient_single_purchase_balance` names the largest amount one dispatch can
    send now (`largest_sendable`; manual 004 §3.1: 500,000 over 300,000 + 200,000). A
    scheduled dispatch draws only on purchases still valid at its time; when only an earlier
    expiring one could pay, `scheduled_at_after_purchase_expiry`.
    """
    total = sum(row["amount"] for row in rows)
    send_at = fields["scheduled_at"]  # now for an immediate dispatch
    # Valid still at the sending time: an expired purchase's money is not usable (SPEC §7.3).
    purchases = Purchase.objects.filter(valid_purchases(now=send_at), corporate=manager.corporate)
    candidates = purchases.filter(balance__gte=total).order_by("expires_at", "id")
    for purchase_id in candidates.values_list("id", flat=True):
        lost = DomainError(DispatchErrorCode.INSUFFICIENT_SINGLE_PURCHASE_BALANCE)
        try:
            with transaction.atomic():
                dispatch = Dispatch.objects.create(
                    corporate=manager.corporate,
                    requested_by=manager.member,
                    purchase_id=purchase_id,
                    total=total,
                    recipient_count=len(rows),
                    created_at=now,
                    **fields,
                )
                Recipient.objects.bulk_create(
                    Recipient(
                        dispatch=dispatch,
                        row=row["row"],
                        name=row["name"],
                        mobile=row["mobile"],
                        amount=row["amount"],
                    )
                    for row in rows
                )
                purchase_reserve(
                    purchase_id=purchase_id,
                    amount=total,
                    dispatch_id=dispatch.pk,
                    actor=manager.member,
                    refusal=lost,
                )
            return dispatch
        except DomainError as error:
            if error is not lost:
                raise
    if (
        send_at > now
        and Purchase.objects.filter(
            valid_purchases(now=now), corporate=manager.corporate, balance__gte=total
        ).exists()
    ):
        raise scheduled_after_expiry()  # a purchase could pay now, but not at that time
    largest = purchases.aggregate(largest=Max("balance"))["largest"] or 0
    raise DomainError(
        DispatchErrorCode.INSUFFICIENT_SINGLE_PURCHASE_BALANCE,
        _(
            "No single purchase has %(total)s won left. One dispatch can send at most "
            "%(largest)s won now: split the recipients over several dispatches."
        )
        % {"total": f"{total:,}", "largest": f"{largest:,}"},
        extra={"largest_sendable": largest},
    )


def _send_soon(dispatch_id: int) -> None:
    # robust: a broker that is down must not fail the committed request; the due-dispatch job
    # starts any pending dispatch whose time has come (immediate ones at once).
    transaction.on_commit(lambda: async_task(SEND_TASK, dispatch_id), robust=True)


def dispatch_create(
    *,
    manager: CorporateManager,
    site,
    title: str,
    send_type: str,
    scheduled_at: dt.datetime | None,
    subject: str,
    body: str,
    image: IO[bytes] | None,
    recipients: list[dict[str, Any]] | None,
    upload_id: int | None,
    verification_token: str,
) -> Dispatch:
    """A company's master or general admin sends gifts (manual 004 §3.1 발송하기; SPEC §7.4).

    Refusals (400 unless said): the message's (domain.dispatches.message: `title_required`,
    `title_too_long`, `subject_too_long`, `message_empty`, `message_too_long`,
    `unsupported_character`, the image's `unsupported_file_type`, `file_too_large`,
    `image_too_large`); `scheduled_at_required`, `scheduled_at_past`,
    `scheduled_at_after_purchase_expiry`; inline recipients
    `invalid_recipients` (with `row_errors`), `no_recipients`; an upload that is not the
    company's or has expired, 404 `upload_not_found`; the verification token's codes (a
    `dispatch_send` token of this member, made by a code to their registered mobile); and
    `insufficient_single_purchase_balance`. Give `recipients` (name, mobile, amount) or
    `upload_id`, not both.
    """
    now = timezone.now()
    fields = {
        "title": title_check(title),
        "send_type": send_type,
        "scheduled_at": _scheduled_at(send_type, scheduled_at, now),
    }
    message = message_check(subject=subject, body=body, has_image=image is not None)
    fields.update(subject=message.subject, body=message.body, kind=message.kind)
    inline = None
    if upload_id is None:
        inline = _inline_recipients(recipients or [], site=site)
    with image_kept(image) as stored, transaction.atomic():
        if stored is not None:
            fields["image"] = stored.path
        verification_consume(
            site=site,
            token=verification_token,
            purpose=Verification.Purpose.DISPATCH_SEND,
            phone=manager.member.mobile,
            member=manager.member,
        )
        rows = inline
        if rows is None:
            rows = upload_take(corporate=manager.corporate, upload_id=upload_id)
            if not rows:
                raise _no_recipients()
        dispatch = _reserved_dispatch(manager=manager, rows=rows, now=now, **fields)
        dispatch_created_event(dispatch, actor=manager.member)
        if send_type == Dispatch.SendType.IMMEDIATE:
            _send_soon(dispatch.pk)
    return dispatch


def dispatch_test_send(
    *, manager: CorporateManager, site, subject: str, body: str, image: IO[bytes] | None
) -> tuple[str, str]:
    """Send the message, with its image, to the caller's own registered mobile (manual 004
    §3.1 ④ 테스트 발송): no gift, no money. Refused like a dispatch's message; at most 5 per 10
    minutes per member (429 `test_send_limit`; a refused message is not counted). Returns the
    masked number and the kind."""
    message = message_check(subject=subject, body=body, has_image=image is not None)
    with image_kept(image) as stored, transaction.atomic():
        limit_take(scope="dispatch_test_send", key=str(manager.member_id), limits=TEST_SEND_LIMITS)
        sent = outbox_sms(
            to=manager.member.mobile,
            subject=message.subject,
            body=message.body,
            image=stored.path if stored is not None else "",
            site=site,
            purpose="dispatch_test_send",
        )
    return mask_phone(sent.to), sent.kind
