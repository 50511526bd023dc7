"""community.yml's `nps` section: when the quarterly survey goes out, and to whom."""

from __future__ import annotations

from pydantic import Field

from porch.core.config import ClockTime, Strict


class NpsConfig(Strict):
    """The quarterly survey: sent on `day` of the `month_of_quarter`-th month, at `time`."""

    enabled: bool = True
    month_of_quarter: int = Field(default=2, ge=1, le=3)
    day: int = Field(default=1, ge=1, le=28)
    time: ClockTime = "10:00"
    # Members who posted or reacted in this many days get the survey.
    active_days: int = Field(default=30, ge=1)
