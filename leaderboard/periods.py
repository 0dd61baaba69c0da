"""Weeks (from Monday), months and all time, in the center's time zone."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

ALL_TIME_START = date(2000, 1, 1)


def period_start(period: str, day: date) -> date:
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    return ALL_TIME_START


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, timezone.make_aware(
        datetime.combine(day + timedelta(days=1), time.min)
    )


def today() -> date:
    return timezone.localdate()
