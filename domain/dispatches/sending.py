"""Sending a dispatch's gifts by text message, by workers (SPEC §7.4, §9;
manual 004 §3.1: immediate within 10 minutes, scheduled at their time).

    dispatch_send         pending → sending when due (immediate: at once), then batches
    dispatches_send_due   every minute: starts due dispatches (skip_locked) and resumes any
                          sending one: a lost task, a retry whose backoff passed, a dead worker

A batch is at most BATCH_SIZE queued recipients, claimed with a lease (domain.common.leases, the
outbox's mechanism too), then:

    1. claim   recipients → sending, a claim token and a lease, attempts + 1, the batch key and
               each code's keyed hash are stored BEFORE the gateway is called (one transaction)
    2. send    the SMS backend's send_many, outside any transaction, with the batch key as its
               request id (idempotency key)
    3. record  only while the claim holds: sent → sent (sent_at, provider ids) and one
               purchase_spend; refused → queued again after a backoff, or failed after
               MAX_ATTEMPTS with one purchase_release (one transaction; lock order recipients →
               purchase). Each move records its one DispatchEvent for the batch (leases.record's
               `batch_event`)

An MMS's image is read once per run through the private storage (domain.common.uploads), so a
worker on any machine sends it; while it cannot be read (the storage is down) nothing is claimed
and the next run, within a minute, tries again.

An expired purchase's money is not usable (SPEC §7.3): no batch is claimed once the purchase's
`expires_at` has passed — whether or not the daily expiry job has run — and the recipients still
queued then fail (`purchase_expired`, their amount released by one purchase_release); the
dispatch ends `failed` with that `failure_reason` (_dispatch_stop). A batch claimed before the
expiry is spent as sent (purchase_spend checks its claim time).

Claim codes: a code cannot be read back from its hash, yet a batch sent again after a crash must
carry the very links the gateway may already have delivered. So the code is derived, not
stored: HMAC(IDENTITY_HASH_KEY, recipient id + batch key), and a recipient keeps its batch key
for all its attempts. Sending a batch again under its key therefore rebuilds the same messages,
which an idempotent gateway (locmem; NHN Cloud through its senderGroupingKey lookup) does not
deliver twice. Only the code's keyed hash is stored (`claim_code_hash`, for the gift app); a
failed recipient's hash is cleared, so its link never works. The README's "Sending and delivery
guarantees" says what each backend gives.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from domain.common import leases
from domain.common.errors import DomainError
from domain.common.transitions import transition, transition_many
from domain.common.uploads import read_private_upload
from domain.messaging.backends import (
    GatewayError,
    SendResult,
    SmsMessage,
    describe_error,
    get_sms_backend,
)
from domain.messaging.backends.base import ERROR_MAX_CHARS
from domain.purchases.ledger import purchase_release, purchase_spend
from domain.purchases.services import purchase_valid

from .claim_codes import claim_code, claim_code_hash, gift_text
from .events import (
    dispatch_batch_retried_event,
    dispatch_batch_sent_event,
    dispatch_completed_event,
    dispatch_failed_event,
    dispatch_recipients_failed_event,
    dispatch_started_event,
)
from .message import gift_kind
from .models import Dispatch, Recipient

logger = logging.getLogger(__name__)

SEND_TASK = "workers.dispatches.dispatch_send"
BATCH_SIZE = 100
MAX_ATTEMPTS = 3
# Longer than a django-q task may live (it is killed at its timeout), so a live worker is never
# overtaken; a dead one's batch is sent again within a lease and a minute (immediate dispatches
# are done within 10 minutes, SPEC §7.4).
SENDING_LEASE = timedelta(
    seconds=settings.Q_CLUSTER["timeout"] + settings.WORKER_LEASE_MARGIN_SECONDS
)
# A task stops taking new batches after this, well before its timeout; the next run goes on.
TIME_BUDGET = settings.Q_CLUSTER["timeout"] / 2
RETRY_BASE = timedelta(seconds=30)  # after a refusal: 30 s, then 60 s
CODE_PLACEHOLDER = "##code##"  # filled per recipient (NHN Cloud: templateParameter)

Status = Recipient.Status
RECIPIENT_LEASE = leases.Lease(free=Status.QUEUED, held=Status.SENDING, duration=SENDING_LEASE)
STILL_TO_SEND = (Status.QUEUED, Status.SENDING)


def dispatch_send(*, dispatch_id: int) -> Dispatch | None:
    """Start the dispatch if it is due and send every recipient that can be sent now.

    Safe to run any number of times, at once on several workers (claims skip rows another
    worker holds). None for an unknown dispatch; a pending one not yet due, a cancelled or a
    completed one is returned unchanged.
    """
    return _dispatch_run(dispatch_id)[0]


def dispatches_send_due() -> int:
    """Periodic (every minute): start due pending dispatches — scheduled ones at their time,
    immediate ones whose task was lost — and resume every sending one (retries due, leases
    expired). Returns the number of recipients sent."""
    now = timezone.now()
    transition_many(
        Dispatch.objects.filter(status=Dispatch.Status.PENDING, scheduled_at__lte=now),
        Dispatch.Status.SENDING,
        event=dispatch_started_event,
        fields={"started_at": now},
    )
    sending = Dispatch.objects.filter(status=Dispatch.Status.SENDING).order_by("scheduled_at", "id")
    deadline = time.monotonic() + TIME_BUDGET
    return sum(_dispatch_run(pk, deadline)[1] for pk in sending.values_list("id", flat=True))


def _dispatch_run(dispatch_id: int, deadline: float | None = None) -> tuple[Dispatch | None, int]:
    dispatch = _dispatch_start(dispatch_id)
    if dispatch is None or dispatch.status != Dispatch.Status.SENDING:
        return dispatch, 0
    _recover(dispatch)
    backend = get_sms_backend()
    try:
        template = _template(dispatch)
    except DomainError as error:  # the image cannot be read now: nothing is claimed this run
        logger.warning("dispatch %s: its image cannot be read (%s)", dispatch.pk, error.code)
        template = None
    deadline = deadline or time.monotonic() + TIME_BUDGET
    sent = 0
    while template and time.monotonic() < deadline and (batch := _batch_claim(dispatch)):
        sent += _batch_send(dispatch, batch, backend, template)
    if not purchase_valid(dispatch.purchase):
        _dispatch_stop(dispatch, Dispatch.FailureReason.PURCHASE_EXPIRED)
    return _dispatch_complete(dispatch), sent


def _dispatch_start(dispatch_id: int) -> Dispatch | None:
    now = timezone.now()
    with transaction.atomic():
        dispatch = Dispatch.objects.select_for_update().filter(pk=dispatch_id).first()
        if dispatch and dispatch.status == Dispatch.Status.PENDING and dispatch.scheduled_at <= now:
            transition(
                dispatch,
                Dispatch.Status.SENDING,
                event=dispatch_started_event,
                fields={"started_at": now},
            )
    return dispatch


def _dispatch_complete(dispatch: Dispatch) -> Dispatch:
    """sending → completed once no recipient is queued or in flight; → failed instead when
    sending was stopped (`failure_reason`, _dispatch_stop)."""
    with transaction.atomic():
        dispatch = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
        remaining = Recipient.objects.filter(dispatch=dispatch, status__in=STILL_TO_SEND)
        if dispatch.status == Dispatch.Status.SENDING and not remaining.exists():
            now = timezone.now()
            if dispatch.failure_reason:
                transition(
                    dispatch,
                    Dispatch.Status.FAILED,
                    event=dispatch_failed_event,
                    fields={"failed_at": now},
                )
            else:
                transition(
                    dispatch,
                    Dispatch.Status.COMPLETED,
                    event=dispatch_completed_event,
                    fields={"completed_at": now},
                )
    return dispatch


def _dispatch_stop(dispatch: Dispatch, reason: str) -> None:
    """No recipient of `dispatch` can be sent any more (`reason`: a Dispatch.FailureReason):
    the queued ones fail, their codes' hashes go (no link of theirs ever works) and their
    amount is released to the purchase in one move, with one event; the dispatch keeps the
    reason, to end failed once nothing is in flight. Rows a worker holds are left to it: a
    batch claimed in time is spent as sent; refused, it comes back queued and fails here on
    the next run. Lock order dispatch → recipients → purchase (domain.purchases.ledger)."""
    with transaction.atomic():
        dispatch = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
        if dispatch.status != Dispatch.Status.SENDING:
            return
        failed = transition_many(
            Recipient.objects.filter(dispatch=dispatch, status=Status.QUEUED).order_by("pk"),
            Status.FAILED,
            batch_event=partial(
                dispatch_recipients_failed_event, dispatch, batch_key="", reason=reason
            ),
            fields={"lease_until": None, "claim_code_hash": None, "last_error": reason},
        )
        if not failed:
            return
        dispatch.failure_reason = reason
        dispatch.save(update_fields=["failure_reason"])
        purchase_release(
            purchase_id=dispatch.purchase_id,
            amount=_amount(failed),
            dispatch_id=dispatch.pk,
            reason=reason,
        )


def _recover(dispatch: Dispatch) -> None:
    """Batches whose worker died (lease expired) go back to the queue with their batch key, to
    be sent again under it at once."""
    expired = leases.expired(
        Recipient.objects.filter(dispatch=dispatch), lease=RECIPIENT_LEASE, now=timezone.now()
    )

    def retried(rows: list[Recipient]) -> None:  # one event per batch the rows came from
        for key in sorted({row.batch_key for row in rows}):
            batch = [row for row in rows if row.batch_key == key]
            dispatch_batch_retried_event(dispatch, batch, batch_key=key, reason="lease_expired")

    leases.release(
        expired, lease=RECIPIENT_LEASE, fields={"lease_until": None}, batch_event=retried
    )


@dataclass(frozen=True)
class Batch:
    key: str
    token: str
    rows: list[Recipient]
    first_sent_at: datetime | None  # None: a new key, never sent before
    claimed_at: datetime  # the purchase was valid then (what purchase_spend checks)


def _batch_claim(dispatch: Dispatch) -> Batch | None:
    """The next batch: recipients to send again under their batch key first (a crash, a
    refusal, no answer), else up to BATCH_SIZE new ones under a new key. None once the
    purchase has expired (nothing may go out then)."""
    now = timezone.now()
    if not purchase_valid(dispatch.purchase, now=now):
        return None
    for key, candidates, first_sent_at in _candidates(dispatch, now):
        claimed = leases.claim(
            candidates.order_by("id"),
            lease=RECIPIENT_LEASE,
            limit=BATCH_SIZE,
            now=now,
            fields={"batch_key": key},
            each=lambda row, key=key: {
                "attempts": row.attempts + 1,
                "claim_code_hash": claim_code_hash(claim_code(row.pk, key)),
            },
        )
        if claimed.rows:
            return Batch(key, claimed.token, claimed.rows, first_sent_at, now)
    return None


def _candidates(dispatch: Dispatch, now: datetime) -> Iterator[tuple]:
    ready = Recipient.objects.filter(dispatch=dispatch).filter(
        Q(lease_until__isnull=True) | Q(lease_until__lte=now)
    )
    again = ready.filter(status=Status.QUEUED).exclude(batch_key="")
    key = again.order_by("id").values_list("batch_key", flat=True).first()
    if key:
        yield key, again.filter(batch_key=key), _key_time(key)
    yield _key_new(dispatch, now), ready.filter(batch_key=""), None


def _key_new(dispatch: Dispatch, now: datetime) -> str:
    """Unique, and says when it was first used (for a gateway lookup after a crash)."""
    return f"{dispatch.pk}-{int(now.timestamp())}-{secrets.token_hex(6)}"


def _key_time(key: str) -> datetime:
    return datetime.fromtimestamp(int(key.split("-")[1]), tz=UTC)


@dataclass(frozen=True)
class Template:
    text: str
    kind: str
    subject: str
    image: bytes  # the MMS image itself, read once per run from the private storage


def _template(dispatch: Dispatch) -> Template:
    """The dispatch's message with a placeholder for each recipient's code. Its kind is that of
    the text with its link (message.gift_kind, as creation and changes store it), read again
    from the message itself: a link that takes an SMS past 90 bytes or 40 characters makes it
    an LMS (SPEC §13). The image is read through the private storage (any worker on any
    machine): 503 `storage_unavailable` or 404 `file_not_found` when it cannot be."""
    kind = gift_kind(body=dispatch.body, subject=dispatch.subject, has_image=bool(dispatch.image))
    return Template(
        text=gift_text(dispatch.body, CODE_PLACEHOLDER),
        kind=kind,
        subject="" if kind == Dispatch.Kind.SMS else dispatch.subject,
        image=read_private_upload(dispatch.image) if dispatch.image else b"",
    )


def _batch_send(dispatch: Dispatch, batch: Batch, backend, template: Template) -> int:
    """Send the claimed batch under its key, then record the outcome; returns the number sent."""
    codes = [(row, claim_code(row.pk, batch.key)) for row in batch.rows]
    messages = [
        SmsMessage.templated(
            template=template.text,
            parameters={"code": code},
            to=row.mobile,
            kind=template.kind,
            sender=settings.SMS_SENDER,
            subject=template.subject,
            image=template.image,
        )
        for row, code in codes
    ]
    try:
        results = backend.send_many(
            messages, request_id=batch.key, first_sent_at=batch.first_sent_at
        )
        if len(results) != len(messages):
            raise GatewayError(f"{len(results)} results for {len(messages)} messages")
    except Exception as error:  # noqa: BLE001  (no answer: the outcome is unknown)
        contents = [template.text, *(m.body for m in messages), *(c for _, c in codes)]
        results = [SendResult(error=describe_error(error, *contents))] * len(messages)
        unknown = True
    else:
        unknown = False
    return _batch_record(dispatch, batch, results, unknown=unknown)


def _batch_record(
    dispatch: Dispatch, batch: Batch, results: list[SendResult], *, unknown: bool
) -> int:
    """Record a batch's outcome while its claim holds (a late worker records nothing).
    `unknown`: the gateway did not answer; everyone is sent again under the same key."""
    outcomes = list(zip(batch.rows, results, strict=True))
    sent = {row.pk: result.provider_message_id for row, result in outcomes if result.sent}
    refused = {row.pk: result.error or "not sent" for row, result in outcomes if not result.sent}
    last = {row.pk for row in batch.rows if row.attempts >= MAX_ATTEMPTS} & set(refused)
    now = timezone.now()

    def move(pks, to: str, fields: dict, each, event, **params) -> list[Recipient]:
        """Record the outcome of `pks`, with `event(dispatch, rows, **params)` for the batch."""
        if not pks:
            return []
        return leases.record(
            Recipient.objects.filter(dispatch=dispatch, pk__in=pks),
            lease=RECIPIENT_LEASE,
            token=batch.token,
            to=to,
            fields=fields,
            each=each,
            batch_event=partial(event, dispatch, batch_key=batch.key, **params),
        )

    def error(row: Recipient) -> dict:
        return {"last_error": refused[row.pk][:ERROR_MAX_CHARS]}

    with transaction.atomic():
        done = move(
            sent,
            Status.SENT,
            {"sent_at": now, "lease_until": None},
            lambda row: {"provider_message_id": sent[row.pk][:200]},
            dispatch_batch_sent_event,
        )
        purchase_spend(  # nothing when none was sent
            purchase_id=dispatch.purchase_id,
            amount=_amount(done),
            dispatch_id=dispatch.pk,
            recipients=len(done),
            sent_at=batch.claimed_at,
        )
        # The link of a recipient never sent must never work: its code's hash goes.
        failed = move(
            last,
            Status.FAILED,
            {"lease_until": None, "claim_code_hash": None},
            error,
            dispatch_recipients_failed_event,
            reason="send_failed",
        )
        purchase_release(
            purchase_id=dispatch.purchase_id,
            amount=_amount(failed),
            dispatch_id=dispatch.pk,
            reason="send_failed",
        )
        move(
            set(refused) - last,
            Status.QUEUED,
            {"claim_token": ""},
            lambda row: {
                **error(row),
                "lease_until": now + RETRY_BASE * 2 ** (row.attempts - 1),  # not before
            },
            dispatch_batch_retried_event,
            reason="no_answer" if unknown else "refused",
        )
    return len(done)


def _amount(rows: list[Recipient]) -> int:
    return sum(row.amount for row in rows)
