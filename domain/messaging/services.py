"""The transactional outbox for SMS and email (SPEC §9, §12, §13).

A message is a row written in the caller's transaction; delivery is queued only when that
transaction commits, so a rolled-back change never sends anything. Delivery claims the row
(pending → sending with a lease: domain.common.leases, as dispatch recipients are) in a short
transaction, sends outside any transaction (a slow gateway must not hold a database lock, which
on SQLite blocks every writer), then records the outcome while the claim holds. A failed
attempt is retried with exponential backoff until `OUTBOX_MAX_ATTEMPTS`; an SMS goes under the
message's own request id, so a retry after a crash is not delivered twice by a gateway that
deduplicates.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.mail.message import make_msgid
from django.core.mail.utils import DNS_NAME
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_q.tasks import async_task

from domain.common import leases
from domain.common.errors import CommonErrorCode, DomainError, NotFound
from domain.common.phones import normalise_mobile
from domain.common.uploads import read_private_upload
from domain.sites.models import Site

from . import sms
from .backends import SmsMessage, describe_error, get_sms_backend
from .backends.base import ERROR_MAX_CHARS
from .errors import MessagingErrorCode
from .models import OutboxMessage

logger = logging.getLogger(__name__)

DELIVER_TASK = "workers.messaging.deliver_message"
# A claim not finished within this time is taken as interrupted (worker killed). It is far
# longer than the django-q task timeout, so a slow send in progress is never claimed twice.
SENDING_LEASE = timedelta(minutes=10)

Status = OutboxMessage.Status
# Claimed like a dispatch's recipients (domain.common.leases); while a message is being sent,
# next_attempt_at holds the end of the claim's lease.
OUTBOX_LEASE = leases.Lease(
    free=Status.PENDING, held=Status.SENDING, duration=SENDING_LEASE, until="next_attempt_at"
)


def outbox_sms(
    *,
    to: str,
    body: str,
    subject: str = "",
    site: Site | None = None,
    purpose: str = "",
    sensitive: bool = False,
    image: str = "",
) -> OutboxMessage:
    """Queue a text message; its kind (sms/lms/mms) follows SPEC §13 "Text messages".

    Refuses a number that is not a Korean mobile, characters outside EUC-KR (emoji), and a body
    or subject over the LMS limits. `image` (the storage name of a private upload already
    checked, e.g. a dispatch's JPG) makes it an MMS; the worker reads it from the private
    storage when it sends. Sent after the caller's transaction commits.
    """
    phone = normalise_mobile(to)
    if phone is None:
        raise DomainError(
            CommonErrorCode.INVALID_PHONE, _("Enter a valid mobile number."), attr="to"
        )
    kind = sms.message_kind(body, subject, has_image=bool(image))
    return _outbox_add(
        channel=OutboxMessage.Channel.SMS,
        kind=kind,
        to=phone,
        subject=subject,
        body=body,
        image=image,
        site=site,
        purpose=purpose,
        sensitive=sensitive,
    )


def outbox_server_sms(
    *,
    to: str,
    body: str,
    subject: str = "",
    site: Site | None = None,
    purpose: str = "",
    sensitive: bool = False,
) -> OutboxMessage:
    """Queue a text the server composed itself (a code, a link) to a number already checked.

    If the outbox rules refuse it, the template or the site's data is at fault, not the caller:
    that is a server error, never one of the outbox's 400 codes.
    """
    try:
        return outbox_sms(
            to=to, body=body, subject=subject, site=site, purpose=purpose, sensitive=sensitive
        )
    except DomainError as exc:
        raise RuntimeError(f"A server-composed text message was refused: {exc.code}") from exc


def outbox_email(
    *,
    to: str,
    subject: str,
    body: str,
    site: Site | None = None,
    purpose: str = "",
    sensitive: bool = False,
) -> OutboxMessage:
    """Queue an email (Django's EMAIL_BACKEND); sent after the caller's transaction commits."""
    try:
        validate_email(to)
    except ValidationError:
        raise DomainError(
            MessagingErrorCode.INVALID_EMAIL, _("Enter a valid email address."), attr="to"
        )
    if "\n" in subject or "\r" in subject:  # Django would refuse it at send time, every time
        raise DomainError(
            MessagingErrorCode.INVALID_SUBJECT,
            _("The subject must be a single line."),
            attr="subject",
        )
    return _outbox_add(
        channel=OutboxMessage.Channel.EMAIL,
        kind=OutboxMessage.Kind.EMAIL,
        to=to,
        subject=subject,
        body=body,
        site=site,
        purpose=purpose,
        sensitive=sensitive,
    )


def _outbox_add(**fields) -> OutboxMessage:
    message = OutboxMessage.objects.create(
        status=Status.PENDING, next_attempt_at=timezone.now(), **fields
    )
    # robust: a broker that is down must not fail the committed request; the periodic
    # messages_deliver_due job sends the message anyway.
    transaction.on_commit(lambda: async_task(DELIVER_TASK, message.pk), robust=True)
    return message


def message_deliver(*, message_id: int) -> OutboxMessage:
    """Send one pending, due message once; safe to run any number of times, concurrently.

    The claim (domain.common.leases: PostgreSQL skips a row another worker holds) takes only a
    pending message whose next_attempt_at has come: a sent, failed, in-flight or not-yet-due
    message is returned untouched. The outcome is recorded only while the claim holds.
    """
    now = timezone.now()
    claimed = leases.claim(
        OutboxMessage.objects.filter(pk=message_id, next_attempt_at__lte=now),
        lease=OUTBOX_LEASE,
        limit=1,
        now=now,
        each=lambda message: {"attempts": message.attempts + 1},
    )
    if not claimed.rows:  # not pending, not due, or another worker holds it
        return _get(message_id)
    (message,) = claimed.rows
    try:
        provider_message_id = _send(message)
    except Refused as refusal:
        return _attempt_failed(message, claimed.token, str(refusal))
    except Exception as error:
        return _attempt_failed(message, claimed.token, describe_error(error, *_contents(message)))
    return _attempt_succeeded(message, claimed.token, provider_message_id)


def messages_deliver_due(*, limit: int = 500) -> int:
    """Deliver up to `limit` pending messages that are due; return how many were sent.

    Run periodically: it sends first tries the queue missed and retries whose backoff has
    passed, and turns claims whose lease expired (the worker died) into failed attempts.
    """
    now = timezone.now()
    _retry_or_fail(
        leases.expired(OutboxMessage.objects.all(), lease=OUTBOX_LEASE, now=now),
        "Interrupted: the delivery did not finish",
        now,
    )
    due = (
        OutboxMessage.objects.filter(status=Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    sent = 0
    for message_id in list(due):
        if message_deliver(message_id=message_id).status == Status.SENT:
            sent += 1
    return sent


def _get(message_id: int) -> OutboxMessage:
    message = OutboxMessage.objects.filter(pk=message_id).first()
    if message is None:
        raise NotFound(MessagingErrorCode.MESSAGE_NOT_FOUND, _("Message not found."))
    return message


def _send(message: OutboxMessage) -> str:
    if message.channel == OutboxMessage.Channel.EMAIL:
        message_id = make_msgid(domain=DNS_NAME)
        EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.to],
            headers={"Message-ID": message_id},
        ).send()
        return message_id
    # The message's own request id: a retry after a crash is not delivered twice by a gateway
    # that deduplicates (README "Sending and delivery guarantees").
    (result,) = get_sms_backend().send_many(
        [
            SmsMessage(
                to=message.to,
                body=message.body,
                kind=message.kind,
                sender=settings.SMS_SENDER,
                subject=message.subject,
                image=read_private_upload(message.image) if message.image else b"",
            )
        ],
        request_id=f"outbox-{message.pk}-{message.created_at:%Y%m%d%H%M%S%f}",  # once ever
        first_sent_at=message.created_at if message.attempts > 1 else None,
    )
    if not result.sent:
        raise Refused(result.error)
    return result.provider_message_id


class Refused(Exception):
    """The gateway refused the message; the text is its reason, already free of the body."""


def _attempt_succeeded(message: OutboxMessage, token: str, provider_message_id: str):
    sent = leases.record(
        OutboxMessage.objects.filter(pk=message.pk),
        lease=OUTBOX_LEASE,
        token=token,
        to=Status.SENT,
        fields={"sent_at": timezone.now(), "provider_message_id": provider_message_id[:200]},
        each=lambda row: {"body": _body_kept(row)},
    )
    if not sent:
        logger.warning("outbox message %s was sent after its claim expired", message.pk)
        return _get(message.pk)
    return sent[0]


def _attempt_failed(message: OutboxMessage, token: str, error: str) -> OutboxMessage:
    moved = _retry_or_fail(
        leases.held_by(
            OutboxMessage.objects.filter(pk=message.pk), lease=OUTBOX_LEASE, token=token
        ),
        error,
        timezone.now(),
    )
    return moved[0] if moved else _get(message.pk)


def _retry_or_fail(claimed, error: str, now: datetime) -> list[OutboxMessage]:
    """Record a failed attempt of each claimed message: back off (base · 2^(attempts−1)), or
    give up at the maximum. Returns the messages moved."""
    fields = {"last_error": error[:ERROR_MAX_CHARS], "claim_token": ""}
    maximum = settings.OUTBOX_MAX_ATTEMPTS
    moved = leases.release(
        claimed.filter(attempts__gte=maximum),
        lease=OUTBOX_LEASE,
        to=Status.FAILED,
        fields=fields,
        each=lambda message: {"body": _body_kept(message)},
    ) + leases.release(
        claimed.filter(attempts__lt=maximum),
        lease=OUTBOX_LEASE,
        fields=fields,
        each=lambda message: {"next_attempt_at": now + _backoff(message.attempts)},
    )
    for message in moved:
        logger.warning(
            "outbox message %s attempt %s failed (%s): %s",
            message.pk,
            message.attempts,
            message.status,
            message.last_error,
        )
    return moved


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** (attempts - 1))


def _contents(message: OutboxMessage) -> tuple[str, str]:
    return message.body, message.subject


REDACTED = "[erased after delivery]"


def _body_kept(message: OutboxMessage) -> str:
    """The body once the message is done with: erased if it carried a secret (SPEC §14)."""
    return REDACTED if message.sensitive else message.body
