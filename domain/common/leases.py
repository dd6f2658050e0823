"""One way to hand rows to background workers: the outbox's messages
(domain.messaging.services) and a dispatch's recipients (domain.dispatches.sending) use it.

    claim    free → held, up to `limit` rows, each marked with a fresh claim token and a lease
             expiry (`select_for_update(skip_locked=True)` where the database has it, so two
             workers never take the same row; SQLite serialises writers instead)
    record   held → done (or back), only for the rows the same claim still holds: a worker
             whose lease expired and whose rows were claimed again cannot overwrite them;
             `batch_event(rows)` records the outcome in the same transaction
    expired  held rows whose lease has passed (their worker died): the caller decides whether
             they are retried or failed, and `release` hands them back

The work itself (a gateway call) happens between claim and record, outside any transaction:
a slow gateway must never hold a row lock. Every status move goes through
domain.common.transitions (the model's TRANSITIONS table applies).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import models

from .transitions import BatchEventHelper, transition_many

TOKEN_BYTES = 16  # 32 hex characters


@dataclass(frozen=True)
class Lease:
    """How a model's rows are claimed: the status a claim takes them from (`free`), the status
    they have while a worker holds them (`held`), how long a claim lasts, and the fields that
    hold the claim's token and its expiry."""

    free: str
    held: str
    duration: timedelta
    until: str = "lease_until"
    token: str = "claim_token"


@dataclass(frozen=True)
class Claim:
    token: str
    until: datetime
    rows: list


Fields = dict[str, Any] | None
Each = Callable[[models.Model], dict[str, Any]] | None


def claim(
    queryset: models.QuerySet,
    *,
    lease: Lease,
    limit: int,
    now: datetime,
    fields: Fields = None,
    each: Each = None,
) -> Claim:
    """Take up to `limit` free rows of `queryset` (in its order) for one worker.

    Rows another transaction holds are skipped, so concurrent claims share nothing. `fields`
    are set on every row claimed, `each(row)` on each one (e.g. the attempt count).
    """
    token = secrets.token_hex(TOKEN_BYTES)
    until = now + lease.duration
    free = queryset.filter(status=lease.free)[:limit]
    rows = transition_many(
        free,
        lease.held,
        event=None,  # the claim is transient; its outcome is what the caller records
        fields={lease.token: token, lease.until: until, **(fields or {})},
        each=each,
    )
    return Claim(token=token, until=until, rows=rows)


def held_by(queryset: models.QuerySet, *, lease: Lease, token: str) -> models.QuerySet:
    """The rows of `queryset` that the claim `token` still holds."""
    return queryset.filter(status=lease.held, **{lease.token: token})


def record(
    queryset: models.QuerySet,
    *,
    lease: Lease,
    token: str,
    to: str,
    fields: Fields = None,
    each: Each = None,
    batch_event: BatchEventHelper | None = None,
) -> list:
    """Move the rows of `queryset` that claim `token` still holds to `to`; returns them (none if
    the lease expired and another worker claimed them since) and records `batch_event(rows)`
    if any moved. Waits for row locks rather than skipping: the outcome of work done must not
    be lost."""
    return transition_many(
        held_by(queryset, lease=lease, token=token),
        to,
        batch_event=batch_event,
        fields=fields,
        each=each,
        skip_locked=False,
    )


def expired(queryset: models.QuerySet, *, lease: Lease, now: datetime) -> models.QuerySet:
    """Held rows of `queryset` whose lease has passed: their worker died or hangs."""
    return queryset.filter(status=lease.held, **{f"{lease.until}__lte": now})


def release(
    queryset: models.QuerySet,
    *,
    lease: Lease,
    to: str | None = None,
    fields: Fields = None,
    each: Each = None,
    batch_event: BatchEventHelper | None = None,
) -> list:
    """Hand held rows of `queryset` (usually `expired(...)`) back to `to` (default: free),
    clearing their claim; returns the rows moved and records `batch_event(rows)` if any moved.
    Rows another worker is recording are skipped: they are not expired any more once it
    commits."""
    return transition_many(
        queryset.filter(status=lease.held),
        to or lease.free,
        batch_event=batch_event,
        fields={lease.token: "", **(fields or {})},
        each=each,
    )
