"""History filters shared by the onnuri-biz lists (SPEC §7.3, §7.4: "history filters like
purchases"; manual 004 구매내역/발송내역 검색: 오늘 / 어제 / 1주일 / 1개월 / 전체 and a date range).

Days are Asia/Seoul calendar days, both ends included; `date_from`/`date_to` override the
period's ends. `corporate` narrows staff's site-wide view to one company (a manager's scope has
only its own, so naming another finds nothing).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

PERIODS = ("today", "yesterday", "week", "month", "all")


def period_days(period: str, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """(first day, last day) of a history period; (None, None) for `all`."""
    if period == "today":
        return today, today
    if period == "yesterday":
        yesterday = today - dt.timedelta(days=1)
        return yesterday, yesterday
    if period == "week":
        return today - dt.timedelta(days=6), today
    if period == "month":
        first = today.replace(day=1) - dt.timedelta(days=1)  # a day of last month
        return first.replace(day=min(today.day, first.day)) + dt.timedelta(days=1), today
    return None, None


def day_start(day: dt.date) -> dt.datetime:
    """The first instant of `day` in Asia/Seoul."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def history_filter(
    queryset: QuerySet, filters: dict, *, field: str = "created_at", today: dt.date | None = None
) -> QuerySet:
    """`queryset` narrowed by `period`, `date_from`/`date_to` (on `field`) and `corporate`."""
    first, last = period_days(filters.get("period", "all"), today or timezone.localdate())
    first = filters.get("date_from") or first
    last = filters.get("date_to") or last
    if first:
        queryset = queryset.filter(**{f"{field}__gte": day_start(first)})
    if last:
        queryset = queryset.filter(**{f"{field}__lt": day_start(last + dt.timedelta(days=1))})
    if filters.get("corporate"):
        queryset = queryset.filter(corporate_id=filters["corporate"])
    return queryset
