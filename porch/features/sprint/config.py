"""The `sprint:` section of community.yml: the weekly scorecard's day, time and third
indicator."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from porch.core.config import ClockTime, Strict, Weekday

# The weekly figures (the Health worksheet's) a community may pick as its third indicator.
ThirdIndicator = Literal[
    "reactions_per_1000",
    "participation_pct",
    "returning_pct",
    "active_members",
    "new_members",
    "messages",
    "health_score",
]


class SprintConfig(Strict):
    """Every week the managers get a scorecard of the week that ended: returning engagers,
    replies per 1,000 members and a third indicator, each with its two-week trend, the decision
    rule's verdict and buttons to record what they decided."""

    weekly_scorecard: bool = True
    # When the scorecard of the week that ended is posted, in the community's timezone.
    scorecard_weekday: Weekday = "monday"
    scorecard_time: ClockTime = "09:00"
    third_indicator: ThirdIndicator = "reactions_per_1000"
    # Key posts (ritual posts, and posts a manager marks as key): the first `key_post_comments`
    # member comments each wait at most this long for a manager's answer in the thread, counted
    # in community hours (response_alerts.community_hours), before one alert.
    key_post_response_minutes: int = Field(default=60, ge=1, le=60 * 24 * 7)
    key_post_comments: int = Field(default=10, ge=1, le=100)
