"""The transactional outbox for SMS and email (SPEC §9, §12, §13).

A message is a row written in the caller's transaction; delivery is queued only when that
transaction commits, so a rolled-back change never sends anything. Delivery claims the row
(pending → sending) in a short transaction, sends outside any transaction (a slow gateway must not
hold a database lock, which on SQLite blocks every writer), then records the outcome. A failed
attempt is retried with exponential backoff until `OUTBOX_MAX_ATTEMPTS`.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.mail.message import make_msgid
from django.core.mail.utils import DNS_NAME
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_q.tasks import async_task

from domain.common.errors import CommonErrorCode, DomainError, NotFound
from domain.common.phones import normalise_mobile
from domain.common.transitions import transition
from domain.sites.models import Site

from . import sms
from .backends import SmsMessage, get_sms_backend
from .errors import MessagingErrorCode
from .models import OutboxMessage

logger = logging.getLogger(__name__)

DELIVER_TASK = "workers.messaging.deliver_message"
# A claim not finished within this time is taken as interrupted (worker killed). It is far
# longer than the django-q task timeout, so a slow send in progress is never claimed twice.
SENDING_LEASE = timedelta(minutes=10)
ERROR_MAX_CHARS = 300

Status = OutboxMessage.Status


def outbox_sms(
    *,
    to: str,
    body: str,
    subject: str = "",
    site: Site | None = None,
    purpose: str = "",
    sensitive: bool = False,
    image_path: str = "",
) -> OutboxMessage:
    """Queue a text message; its kind (sms/lms/mms) follows SPEC §13 "Text messages".

    Refuses a number that is not a Korean mobile, characters outside EUC-KR (emoji), and a body
    or subject over the LMS limits. `image_path` (a private upload already checked, e.g. a
    dispatch's JPG) makes it an MMS. Sent after the caller's transaction commits.
    """
    phone = normalise_mobile(to)
    if phone is None:
        raise DomainError(
            CommonErrorCode.INVALID_PHONE, _("Enter a valid mobile number."), attr="to"
        )
    kind = sms.message_kind(body, subject, has_image=bool(image_path))
    return _outbox_add(
        channel=OutboxMessage.Channel.SMS,
        kind=kind,
        to=phone,
        subject=subject,
        body=body,
        image_path=image_path,
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

    The claim happens under a row lock (PostgreSQL: skip_locked, so a second worker moves on),
    and only a pending message whose next_attempt_at has come is claimed: a sent, failed,
    in-flight or not-yet-due message is returned untouched.
    """
    now = timezone.now()
    with transaction.atomic():
        message = _lock(message_id, skip_locked=True)
        if message is None:  # another worker holds it
            return OutboxMessage.objects.get(pk=message_id)
        if message.status != Status.PENDING or message.next_attempt_at > now:
            return message
        transition(
            message,
            Status.SENDING,
            event=None,  # the outbox row is its own log (attempts, last_error, sent_at)
            fields={"attempts": message.attempts + 1, "next_attempt_at": now + SENDING_LEASE},
        )
    attempt = message.attempts
    try:
        provider_message_id = _send(message)
    except Exception as error:
        return _attempt_failed(message_id, attempt, _describe(error, message))
    return _attempt_succeeded(message_id, attempt, provider_message_id)


def messages_deliver_due(*, limit: int = 500) -> int:
    """Deliver up to `limit` pending messages that are due; return how many were sent.

    Run periodically: it sends first tries the queue missed and retries whose backoff has
    passed, and turns claims whose lease expired (the worker died) into failed attempts.
    """
    now = timezone.now()
    _recover_interrupted(now)
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


def _lock(message_id: int, *, skip_locked: bool = False) -> OutboxMessage | None:
    skip = skip_locked and connection.features.has_select_for_update_skip_locked
    message = (
        OutboxMessage.objects.select_for_update(skip_locked=skip).filter(pk=message_id).first()
    )
    if message is None and not OutboxMessage.objects.filter(pk=message_id).exists():
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
    return get_sms_backend().send(
        SmsMessage(
            to=message.to,
            body=message.body,
            kind=message.kind,
            sender=settings.SMS_SENDER,
            subject=message.subject,
            image_path=message.image_path,
        )
    )


def _attempt_succeeded(message_id: int, attempt: int, provider_message_id: str) -> OutboxMessage:
    with transaction.atomic():
        message = _lock(message_id)
        if message.status != Status.SENDING or message.attempts != attempt:
            logger.warning("outbox message %s was sent after its claim expired", message_id)
            return message
        transition(
            message,
            Status.SENT,
            event=None,
            fields={
                "sent_at": timezone.now(),
                "provider_message_id": provider_message_id[:200],
                "body": _body_kept(message),
            },
        )
    return message


def _attempt_failed(message_id: int, attempt: int, error: str) -> OutboxMessage:
    with transaction.atomic():
        message = _lock(message_id)
        if message.status == Status.SENDING and message.attempts == attempt:
            _retry_or_fail(message, error, timezone.now())
    return message


def _recover_interrupted(now: datetime) -> None:
    expired = OutboxMessage.objects.filter(status=Status.SENDING, next_attempt_at__lte=now)
    for message_id in list(expired.values_list("id", flat=True)):
        with transaction.atomic():
            message = _lock(message_id, skip_locked=True)
            if message and message.status == Status.SENDING and message.next_attempt_at <= now:
                _retry_or_fail(message, "Interrupted: the delivery did not finish", now)


def _retry_or_fail(message: OutboxMessage, error: str, now: datetime) -> None:
    """Record a failed attempt: back off (base · 2^(attempts−1)) or give up at the maximum."""
    fields = {"last_error": error[:ERROR_MAX_CHARS]}
    if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        transition(
            message, Status.FAILED, event=None, fields={**fields, "body": _body_kept(message)}
        )
    else:
        delay = settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** (message.attempts - 1)
        fields["next_attempt_at"] = now + timedelta(seconds=delay)
        transition(message, Status.PENDING, event=None, fields=fields)
    logger.warning(
        "outbox message %s attempt %s failed (%s): %s",
        message.pk,
        message.attempts,
        message.status,
        message.last_error,
    )


def _describe(error: Exception, message: OutboxMessage) -> str:
    """Exception class and short text, with the message's own content taken out."""
    text = str(error)
    for content in (message.body, message.subject):
        if content:
            text = text.replace(content, "[redacted]")
    return f"{type(error).__name__}: {text}"[:ERROR_MAX_CHARS]


REDACTED = "[erased after delivery]"


def _body_kept(message: OutboxMessage) -> str:
    """The body once the message is done with: erased if it carried a secret (SPEC §14)."""
    return REDACTED if message.sensitive else message.body
