"""community.yml's `manager_check_in` section: whether the managers' morning message goes out,
at what time and on which days."""

from __future__ import annotations

from pydantic import Field

from porch.core.config import WORKDAYS, ClockTime, Strict, Weekday


class ManagerCheckInConfig(Strict):
    """One morning message to the managers' channel: newcomers, open questions, one post."""

    enabled: bool = True
    time: ClockTime = "09:00"
    weekdays: list[Weekday] = Field(default=WORKDAYS, min_length=1)
