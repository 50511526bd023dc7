"""The response clock: hours counted only while the team is around (`community_hours`).

A question asked on Friday at 17:00, with a 4-hour commitment and hours of 09:00-18:00 on
weekdays, is due on Monday at 12:00: one hour on Friday, three on Monday. Windows are built
from local calendar dates and compared in UTC, so a DST change moves nothing.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from porch.core.config import WEEKDAYS
from porch.features.response_alerts.config import CommunityHours

# A deadline further away than this is a configuration no one means (a 1,000-hour commitment).
MAX_DAYS = 400


def response_deadline(
    asked_at: dt.datetime, *, hours: float, community_hours: CommunityHours, tz: ZoneInfo
) -> dt.datetime:
    """When `hours` of community time have passed since `asked_at` (an aware UTC datetime)."""
    remaining = dt.timedelta(hours=hours)
    start = dt.time.fromisoformat(community_hours.start)
    end = dt.time.fromisoformat(community_hours.end)
    days = {WEEKDAYS.index(day) for day in community_hours.weekdays}
    cursor = asked_at.astimezone(dt.UTC)
    day = asked_at.astimezone(tz).date()
    for _ in range(MAX_DAYS):
        if day.weekday() in days:
            opens = dt.datetime.combine(day, start, tzinfo=tz).astimezone(dt.UTC)
            closes = dt.datetime.combine(day, end, tzinfo=tz).astimezone(dt.UTC)
            counting_from = max(opens, cursor)
            if counting_from < closes:
                if remaining <= closes - counting_from:
                    return counting_from + remaining
                remaining -= closes - counting_from
        day += dt.timedelta(days=1)
    return cursor + dt.timedelta(days=MAX_DAYS)
