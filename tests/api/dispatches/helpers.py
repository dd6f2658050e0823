"""Shared pieces of the dispatch view tests: companies, purchases, dispatches in given states."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from domain.dispatches.models import Dispatch, Recipient
from tests.factories.dispatches import dispatch_make, recipients_of

SITE = "onnuri-biz"
URL = f"/api/v1/sites/{SITE}/dispatches/"


def seoul(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=timezone.get_current_timezone())


def people(*rows: tuple[str, str, int]) -> list[tuple[str, str, int]]:
    return list(rows)


def scheduled(manager, purchase, recipients=None, *, at=None, **fields) -> Dispatch:
    """A pending scheduled dispatch (tomorrow unless `at`)."""
    return dispatch_make(
        manager=manager,
        purchase=purchase,
        recipients=recipients or recipients_of(3),
        send_type=Dispatch.SendType.SCHEDULED,
        scheduled_at=at or timezone.now() + dt.timedelta(days=1),
        **fields,
    )


def states(dispatch: Dispatch, status: str = Dispatch.Status.COMPLETED, **counts: int) -> Dispatch:
    """Put `dispatch` in `status` and its first recipients (by row) in the states given, e.g.
    `received=1, sent=2` (test set-up straight on the rows; money is not moved)."""
    now = timezone.now()
    Dispatch.objects.filter(pk=dispatch.pk).update(
        status=status, started_at=None if status == Dispatch.Status.PENDING else now
    )
    ids = list(dispatch.recipients.order_by("row").values_list("pk", flat=True))
    start = 0
    for state, count in counts.items():
        Recipient.objects.filter(pk__in=ids[start : start + count]).update(
            status=state, sent_at=now
        )
        start += count
    dispatch.refresh_from_db()
    return dispatch
