"""community.yml's `response_alerts` section: whether alerts are on, and the community hours
the response clock counts (the commitment itself is core's thresholds.first_response_hours)."""

from __future__ import annotations

from pydantic import Field, model_validator

from porch.core.config import WORKDAYS, ClockTime, Strict, Weekday


class CommunityHours(Strict):
    """When the team is around: the response clock only runs inside these hours."""

    start: ClockTime = "09:00"
    end: ClockTime = "18:00"
    weekdays: list[Weekday] = Field(default=WORKDAYS, min_length=1)

    @model_validator(mode="after")
    def _end_after_start(self) -> CommunityHours:
        if self.end <= self.start:
            raise ValueError(f"end ({self.end}) must be later than start ({self.start})")
        return self


class ResponseAlertsConfig(Strict):
    """A question unanswered for thresholds.first_response_hours (counted inside
    community_hours) raises one alert in the managers' channel."""

    enabled: bool = True
    community_hours: CommunityHours = CommunityHours()
