"""The `recognition` section of community.yml: when the monthly spotlight is drafted, how many
members it thanks, where it is posted and how each signal weighs."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from porch.core.config import ClockTime, Strict


class SpotlightWeights(Strict):
    """Points per signal in the monthly spotlight score; 0 leaves a signal out."""

    replies_to_others: float = Field(default=1, ge=0)
    reactions_received: float = Field(default=0.5, ge=0)
    wins_shared: float = Field(default=3, ge=0)
    first_responses: float = Field(default=2, ge=0)

    @model_validator(mode="after")
    def _something_counts(self) -> SpotlightWeights:
        if not any(self.model_dump().values()):
            raise ValueError("at least one spotlight weight must be above 0")
        return self


class SpotlightConfig(Strict):
    """The monthly spotlight: the previous month's top contributors, drafted to the managers."""

    enabled: bool = True
    weights: SpotlightWeights = SpotlightWeights()
    # Day of the month (1-28, so every month has it) and local time the draft is made.
    day: int = Field(default=1, ge=1, le=28)
    time: ClockTime = "10:00"
    size: int = Field(default=3, ge=1, le=10)
    channel: Literal["home", "introductions", "feedback", "wins", "ambassadors", "showcase"] = (
        "home"
    )


class RecognitionConfig(Strict):
    spotlight: SpotlightConfig = SpotlightConfig()
