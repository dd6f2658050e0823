"""The history filters shared by purchases and dispatches (domain.common.periods; manual 004
오늘 / 어제 / 1주일 / 1개월 / 전체 and a date range, Asia/Seoul days)."""

import datetime as dt

import pytest

from domain.common.periods import day_start, history_filter, period_days
from domain.dispatches.models import Dispatch
from domain.purchases.models import Purchase

TODAY = dt.date(2026, 11, 22)


@pytest.mark.parametrize(
    "period,days",
    [
        ("today", (TODAY, TODAY)),
        ("yesterday", (dt.date(2026, 11, 21), dt.date(2026, 11, 21))),
        ("week", (dt.date(2026, 11, 16), TODAY)),
        ("month", (dt.date(2026, 10, 23), TODAY)),
        ("all", (None, None)),
    ],
)
def test_periods_are_inclusive_seoul_days(period, days):
    assert period_days(period, TODAY) == days


def test_a_month_back_from_the_31st_stops_at_the_end_of_a_short_month():
    assert period_days("month", dt.date(2026, 3, 31)) == (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def test_a_day_starts_at_midnight_in_seoul():
    assert day_start(TODAY).isoformat() == "2026-11-22T00:00:00+09:00"


@pytest.mark.parametrize("model", [Purchase, Dispatch])
def test_dates_override_the_period_and_bound_the_created_time(model):
    filters = {"period": "today", "date_from": dt.date(2026, 11, 1), "corporate": 7}
    query = history_filter(model.objects.all(), filters, today=TODAY).query
    lookups = {(c.lhs.target.name, c.lookup_name): c.rhs for c in query.where.children}
    assert lookups == {
        ("created_at", "gte"): day_start(dt.date(2026, 11, 1)),
        ("created_at", "lt"): day_start(dt.date(2026, 11, 23)),  # the end of today, exclusive
        ("corporate", "exact"): 7,
    }
