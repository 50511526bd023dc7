"""The response clock: hours counted only while the team is around (community_hours), from
local calendar days, so a weekend or a DST change moves nothing."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from porch.features.response_alerts.config import CommunityHours
from porch.features.response_alerts.deadline import response_deadline

BERLIN = ZoneInfo("Europe/Berlin")


def test_the_deadline_within_one_day_and_across_a_weekend():
    hours = CommunityHours()
    monday = dt.datetime(2026, 11, 2, 10, 0, tzinfo=BERLIN)
    assert response_deadline(monday, hours=4, community_hours=hours, tz=BERLIN) == (
        dt.datetime(2026, 11, 2, 14, 0, tzinfo=BERLIN)
    )
    saturday = dt.datetime(2026, 11, 7, 12, 0, tzinfo=BERLIN)
    assert response_deadline(saturday, hours=9.5, community_hours=hours, tz=BERLIN) == (
        dt.datetime(2026, 11, 10, 9, 30, tzinfo=BERLIN)
    )


def test_the_deadline_counts_community_hours_across_a_dst_change():
    hours = CommunityHours()  # 09:00-18:00, Monday to Friday
    friday = dt.datetime(2026, 10, 23, 17, 0, tzinfo=BERLIN)  # summer time ends on Sunday
    due = response_deadline(friday, hours=4, community_hours=hours, tz=BERLIN)
    assert due == dt.datetime(2026, 10, 26, 12, 0, tzinfo=BERLIN)
    night = dt.datetime(2026, 10, 27, 23, 0, tzinfo=BERLIN)
    assert response_deadline(night, hours=2.5, community_hours=hours, tz=BERLIN) == (
        dt.datetime(2026, 10, 28, 11, 30, tzinfo=BERLIN)
    )
