"""The deposit deadline: before 15:00 on a business day (manual 004 §2.2 "계좌이체는 영업일 기준
오후 3시 전까지"; SPEC §7.3). Business days skip weekends and Korean public holidays, taken from
the maintained `holidays` calendar (substitute holidays included), not a hand-written list."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
from django.utils import timezone

CUTOFF = dt.time(15, 0)


@lru_cache(maxsize=8)
def _korean_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("KR", years=[year])


def business_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _korean_holidays(day.year)


def deposit_deadline(now: dt.datetime | None = None) -> dt.datetime:
    """Today 15:00 (Asia/Seoul) if `now` is before it on a business day, else 15:00 of the next
    business day."""
    local = timezone.localtime(now or timezone.now())
    day = local.date()
    if not (business_day(day) and local.time() < CUTOFF):
        day += dt.timedelta(days=1)
        while not business_day(day):
            day += dt.timedelta(days=1)
    return dt.datetime.combine(day, CUTOFF, tzinfo=local.tzinfo)
