"""Reads of onnuri-biz dispatches: history, detail, recipients, dashboard (SPEC §7.4; manual 004
§3.1 발송현황/발송내역, §3.2 발송내역 상세정보).

How the manual's words map onto recipient states (each recipient is in exactly one group, so
the groups add up to the dispatch's `recipient_count`; removed recipients are in none):

    waiting     발송대기   queued or being sent (a pending or sending dispatch)
    unreceived  미수령     sent, not yet received, refused or reclaimed
    received    수령
    reclaimed   회수
    refused     고객거절
    failed      발송실패   not sent after the last attempt (amount returned)
    cancelled   취소       the dispatch was cancelled before sending

`sent` (messages that went out) = unreceived + received + reclaimed + refused. The history's
발송 column is `recipient_count`, its 금액 the dispatch's `total`.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Count, F, JSONField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import JSONObject
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain.common.errors import NotFound
from domain.common.masking import mask_name
from domain.common.periods import history_filter
from domain.corporates.models import Corporate
from domain.purchases.models import Purchase
from domain.purchases.services import valid_purchases

from .errors import DispatchErrorCode
from .models import Dispatch, Recipient

Gift = Recipient.Status

STATE_GROUPS: dict[str, tuple[str, ...]] = {
    "waiting": (Gift.QUEUED, Gift.SENDING),
    "unreceived": (Gift.SENT,),
    "received": (Gift.RECEIVED,),
    "reclaimed": (Gift.RECLAIMED,),
    "refused": (Gift.REFUSED,),
    "failed": (Gift.FAILED,),
    "cancelled": (Gift.CANCELLED,),
}
# Recipients whose message went out (the dashboard's 누적 발송 건, the detail's progress).
SENT_STATES = (Gift.SENT, Gift.RECEIVED, Gift.RECLAIMED, Gift.REFUSED)


def dispatch_not_found() -> NotFound:
    return NotFound(DispatchErrorCode.DISPATCH_NOT_FOUND, _("No such dispatch."))


def _with_counts(dispatches: QuerySet[Dispatch]) -> QuerySet[Dispatch]:
    """One query for any number of rows: each row carries `recipient_counts`, the counts per
    group by conditional aggregation over its recipients in one correlated subquery (an index
    range on (dispatch, status) per row, so the paginator's count never touches the
    recipients), and the requester's name. Building and compiling that subquery costs the
    ORM more than the database; the history page uses `dispatch_counts_fill` instead."""
    counts = JSONObject(
        **{
            group: Count("pk", filter=Q(status__in=states))
            for group, states in STATE_GROUPS.items()
        }
    )
    per_dispatch = (
        Recipient.objects.filter(dispatch=OuterRef("pk"))
        .order_by()
        .values("dispatch")
        .annotate(counts=counts)
        .values("counts")
    )
    return dispatches.annotate(
        recipient_counts=Subquery(per_dispatch, output_field=JSONField()),
        requester_name=F("requested_by__name"),
    )


def dispatch_counts_fill(dispatches: list[Dispatch]) -> list[Dispatch]:
    """Give each of `dispatches` (a page of the history) its `recipient_counts`, as
    `_with_counts` annotates them, from one grouped query over their recipients: a page
    costs one query whatever its size, and a simple one (the history list costs about what a
    bare list view does). Returns `dispatches`."""
    if not dispatches:
        return dispatches
    group_of = {state: group for group, states in STATE_GROUPS.items() for state in states}
    found: dict[int, dict[str, int]] = {}
    for dispatch_id, status, count in _recipients_by_status([d.pk for d in dispatches]):
        counts = found.setdefault(dispatch_id, dict.fromkeys(STATE_GROUPS, 0))
        if status in group_of:  # removed recipients are in no group
            counts[group_of[status]] += count
    for dispatch in dispatches:
        dispatch.recipient_counts = found.get(dispatch.pk)  # None: no recipients at all
    return dispatches


def _recipients_by_status(dispatch_ids: list[int]) -> list[tuple[int, str, int]]:
    """(dispatch, status, recipients) of `dispatch_ids`. Written out from the model's names
    rather than built by the ORM: building the grouped query cost three times running it."""
    quote = connection.ops.quote_name
    meta = Recipient._meta
    dispatch, status = (quote(meta.get_field(name).column) for name in ("dispatch", "status"))
    marks = ", ".join(["%s"] * len(dispatch_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {dispatch}, {status}, COUNT(*) FROM {quote(meta.db_table)} "  # noqa: S608
            f"WHERE {dispatch} IN ({marks}) GROUP BY {dispatch}, {status}",
            dispatch_ids,
        )
        return cursor.fetchall()


def dispatch_counts(dispatch: Dispatch) -> dict[str, int]:
    """Recipients per group (see the module docstring) plus `sent`; read from the history's
    annotation when present, else counted (one query)."""
    if not hasattr(dispatch, "recipient_counts"):
        dispatch.recipient_counts = Recipient.objects.filter(dispatch=dispatch).aggregate(
            **{group: Count("pk", filter=Q(status__in=s)) for group, s in STATE_GROUPS.items()}
        )
    found = dispatch.recipient_counts or {}  # None: no recipients at all
    counts = {group: found.get(group, 0) for group in STATE_GROUPS}
    sent = sum(counts[group] for group in ("unreceived", "received", "reclaimed", "refused"))
    return {**counts, "sent": sent}


def dispatch_requester(dispatch: Dispatch) -> str:
    """The requesting manager's name, masked (SPEC §13); "" once the account is gone."""
    if hasattr(dispatch, "requester_name"):
        name = dispatch.requester_name
    else:
        name = dispatch.requested_by.name if dispatch.requested_by_id else None
    return mask_name(name or "")


def dispatch_list(
    *, corporates: QuerySet[Corporate], filters: dict | None = None, counted: bool = True
) -> QuerySet[Dispatch]:
    """발송내역 of the corporates in the caller's scope, newest first. `filters`: the shared
    history filters on the registration time (domain.common.periods), `status`, `send_type`.
    Each row carries its recipient counts and requester; `counted=False` leaves the counts to
    `dispatch_counts_fill` (a page at a time)."""
    filters = filters or {}
    dispatches = history_filter(Dispatch.objects.filter(corporate__in=corporates), filters)
    for name in ("status", "send_type"):
        if filters.get(name):
            dispatches = dispatches.filter(**{name: filters[name]})
    if not counted:
        return dispatches.annotate(requester_name=F("requested_by__name"))
    return _with_counts(dispatches)


def dispatch_get(*, corporates: QuerySet[Corporate], dispatch_id: int) -> Dispatch:
    """One dispatch in the caller's scope, with its counts; another company's is a 404."""
    dispatch = _with_counts(Dispatch.objects.filter(corporate__in=corporates, pk=dispatch_id))
    found = dispatch.first()
    if found is None:
        raise dispatch_not_found()
    return found


def percent(part: int, whole: int) -> str:
    """`part` of `whole` in percent with two decimals, as the manual writes it ("16.67")."""
    if not whole:
        return "0.00"
    value = Decimal(part * 100) / Decimal(whole)
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def dispatch_states(dispatch: Dispatch) -> dict[str, dict]:
    """Per group: count, won and share of the recipients (manual 004 §3.2 "수령 0 건 (0.00%,
    0원)"). One query."""
    rows = (
        Recipient.objects.filter(dispatch=dispatch)
        .values("status")
        .annotate(count=Count("pk"), amount=Sum("amount"))
        .order_by()
    )
    by_status = {row["status"]: row for row in rows}
    states = {}
    for group, members in STATE_GROUPS.items():
        count = sum(by_status[s]["count"] for s in members if s in by_status)
        amount = sum(by_status[s]["amount"] for s in members if s in by_status)
        states[group] = {
            "count": count,
            "amount": amount,
            "percent": percent(count, dispatch.recipient_count),
        }
    return states


def dispatch_recipients(*, dispatch: Dispatch, status: str | None = None) -> QuerySet[Recipient]:
    """The dispatch's recipients, highest row first as the manual lists them; removed ones are
    no longer part of it."""
    recipients = Recipient.objects.filter(dispatch=dispatch).exclude(status=Gift.REMOVED)
    if status:
        recipients = recipients.filter(status=status)
    return recipients.order_by("-row", "-id")


def dispatch_summary(*, corporates: QuerySet[Corporate], now: dt.datetime | None = None) -> dict:
    """The four cards of manual 004 §3.1 발송현황:

    - sendable_balance (발송가능 잔고): won left on approved, unexpired purchases (what is held
      by unsent dispatches is not in a purchase's balance);
    - scheduled_count (발송예약 건): scheduled dispatches still pending;
    - last_dispatch_count / last_dispatch_at (마지막 발송 건): the recipients of the dispatch
      that most recently started sending, and when it started (None before any);
    - cumulative_count (누적 발송 건): gifts whose message went out, ever (sent, received,
      reclaimed or refused; not failed, cancelled or removed ones).
    """
    now = now or timezone.now()
    balance = Purchase.objects.filter(corporate__in=corporates).aggregate(
        total=Sum("balance", filter=valid_purchases(now=now))
    )["total"]
    dispatches = Dispatch.objects.filter(corporate__in=corporates)
    scheduled = dispatches.filter(
        send_type=Dispatch.SendType.SCHEDULED, status=Dispatch.Status.PENDING
    ).count()
    last = (
        dispatches.filter(started_at__isnull=False)
        .order_by("-started_at", "-id")
        .only("recipient_count", "started_at")
        .first()
    )
    cumulative = Recipient.objects.filter(
        dispatch__corporate__in=corporates, status__in=SENT_STATES
    ).count()
    return {
        "sendable_balance": balance or 0,
        "scheduled_count": scheduled,
        "last_dispatch_count": last.recipient_count if last else None,
        "last_dispatch_at": last.started_at if last else None,
        "cumulative_count": cumulative,
    }
