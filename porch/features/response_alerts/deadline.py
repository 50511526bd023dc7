"""The response clock: hours counted only while the team is around (`community_hours`).

A question asked on Friday at 17:00, with a 4-hour commitment and hours of 09:00-18:00 on
weekdays, is due on Monday at 12:00: one hour on Friday, three on Monday. Windows are built
from local calendar dates and compared in UTC, so a DST change moves nothing.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from porch.core.local_time import hours_later
from porch.features.response_alerts.config import CommunityHours


def response_deadline(
    asked_at: dt.datetime, *, hours: float, community_hours: CommunityHours, tz: ZoneInfo
) -> dt.datetime:
    """When `hours` of community time have passed since `asked_at` (an aware UTC datetime)."""
    return hours_later(
        asked_at,
        hours=hours,
        start=community_hours.start,
        end=community_hours.end,
        weekdays=community_hours.weekdays,
        tz=tz,
    )
