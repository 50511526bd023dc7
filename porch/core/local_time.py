"""Wall-clock times in a community's or member's timezone, DST-safe."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from zoneinfo import ZoneInfo

from porch.core.config import WEEKDAYS


def week_key(moment: dt.datetime, tz: ZoneInfo) -> str:
    """ISO week of the local date, e.g. '2026-W47': one introductions thread per key."""
    year, week, _ = moment.astimezone(tz).isocalendar()
    return f"{year}-W{week:02d}"


def weekly_slot(moment: dt.datetime, tz: ZoneInfo, *, weekday: str, time: str) -> dt.datetime:
    """This local week's occurrence of `weekday` at `time`, as an aware UTC datetime.

    Built from the local calendar date, not by adding 7*24h, so it stays at the same wall-clock
    time across DST changes.
    """
    local = moment.astimezone(tz)
    monday = local.date() - dt.timedelta(days=local.weekday())
    day = monday + dt.timedelta(days=WEEKDAYS.index(weekday))
    at = dt.datetime.combine(day, dt.time.fromisoformat(time), tzinfo=tz)
    return at.astimezone(dt.UTC)


def within_hours(moment: dt.datetime, tz: ZoneInfo, *, start: dt.time, end: dt.time) -> bool:
    local = moment.astimezone(tz).time()
    if start <= end:
        return start <= local < end
    return local >= start or local < end


# A deadline further away than this is a configuration no one means (a 1,000-hour commitment).
MAX_DAYS = 400


def hours_later(
    moment: dt.datetime,
    *,
    hours: float,
    start: str,
    end: str,
    weekdays: Collection[str],
    tz: ZoneInfo,
) -> dt.datetime:
    """When `hours` of community time (from `start` to `end` on `weekdays`, local) have passed
    since `moment`. Windows are built from local calendar dates and compared in UTC, so a DST
    change moves nothing."""
    remaining = dt.timedelta(hours=hours)
    opening = dt.time.fromisoformat(start)
    closing = dt.time.fromisoformat(end)
    days = {WEEKDAYS.index(day) for day in weekdays}
    cursor = moment.astimezone(dt.UTC)
    day = moment.astimezone(tz).date()
    for _ in range(MAX_DAYS):
        if day.weekday() in days:
            opens = dt.datetime.combine(day, opening, tzinfo=tz).astimezone(dt.UTC)
            closes = dt.datetime.combine(day, closing, tzinfo=tz).astimezone(dt.UTC)
            counting_from = max(opens, cursor)
            if counting_from < closes:
                if remaining <= closes - counting_from:
                    return counting_from + remaining
                remaining -= closes - counting_from
        day += dt.timedelta(days=1)
    return cursor + dt.timedelta(days=MAX_DAYS)


def zone(name: str | None, fallback: ZoneInfo) -> ZoneInfo:
    """A member's timezone from their Slack profile, or the community's when unknown."""
    if not name:
        return fallback
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        return fallback
