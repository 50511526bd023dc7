"""The `ambassadors` section of community.yml: the program as the site describes it (who, what
they get, what is asked, the cadence, how to apply), the levels members reach from their
activity, and how the program runs (its size, its check-ins).

Levels work in the spirit of Discourse's trust levels: each names what a member did over the
last `window_days` days (and how long they have been a member). A member is at the highest
level whose every criterion they meet; they reach it at once and keep it for `grace_days`
after they stop meeting it. The last level is the ambassador threshold: members there are the
managers' candidates.
"""

from __future__ import annotations

import itertools
import re
from typing import Annotated

from pydantic import BeforeValidator, Field, field_validator

from porch.core.config import ClockTime, Strict, Text

# The criteria a level may set, in the order pages and cards show them, with their words.
CRITERIA = {
    "days_active": "days active",
    "replies_to_others": "replies to others",
    "first_answers": "first answers to questions",
    "reactions_received": "reactions received",
    "wins_shared": "wins shared",
    "content_approved": "pieces of content approved",
    "tenure_days": "days as a member",
}
# The same words for a count of one.
CRITERIA_ONE = {
    "days_active": "day active",
    "replies_to_others": "reply to others",
    "first_answers": "first answer to a question",
    "reactions_received": "reaction received",
    "wins_shared": "win shared",
    "content_approved": "piece of content approved",
    "tenure_days": "day as a member",
}


def criterion(key: str, count: int) -> str:
    """A criterion in words with its count: "1 win shared", "3 wins shared"."""
    return f"{count} {CRITERIA_ONE[key] if count == 1 else CRITERIA[key]}"


def _level_name(value: object) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if re.fullmatch(r"[a-z][a-z0-9\-]{0,31}", text):
        return text
    raise ValueError(f"must be a short lowercase name such as regular, not {value!r}")


class LevelConfig(Strict):
    """One level: the least a member did over the window (0: not asked)."""

    name: Annotated[str, BeforeValidator(_level_name)]
    days_active: int = Field(default=0, ge=0, le=366)
    replies_to_others: int = Field(default=0, ge=0)
    first_answers: int = Field(default=0, ge=0)
    reactions_received: int = Field(default=0, ge=0)
    wins_shared: int = Field(default=0, ge=0)
    # Counted once a feature reports approved content (FEATURE_CONTENT in levels.py).
    content_approved: int = Field(default=0, ge=0)
    tenure_days: int = Field(default=0, ge=0)

    def criteria(self) -> dict[str, int]:
        """The criteria this level sets (above 0), by key."""
        return {key: getattr(self, key) for key in CRITERIA if getattr(self, key)}


DEFAULT_LEVELS = [
    LevelConfig(name="basic", days_active=2, tenure_days=3),
    LevelConfig(
        name="regular", days_active=6, replies_to_others=6, reactions_received=5, tenure_days=21
    ),
    LevelConfig(
        name="leader",
        days_active=10,
        replies_to_others=12,
        first_answers=3,
        reactions_received=12,
        wins_shared=1,
        tenure_days=60,
    ),
]


class AmbassadorsConfig(Strict):
    """The ambassador program: the site's page and what Porch runs in Slack."""

    criteria: list[Text] = Field(default_factory=list)
    offer: list[Text] = Field(default_factory=list)
    commitment: list[Text] = Field(default_factory=list)
    cadence: Text = "A 30-minute ambassador call every month."
    apply: Text = "Type /porch ambassador in Slack, or message a community manager."
    starting_cohort: int = Field(default=5, ge=1)
    # No more ambassadors than this at once: an invitation past it is refused.
    max_ambassadors: int = Field(default=10, ge=1, le=200)
    # Levels, lowest first; the last is the ambassador threshold (candidates).
    levels: list[LevelConfig] = Field(default_factory=lambda: list(DEFAULT_LEVELS), min_length=1)
    window_days: int = Field(default=30, ge=7, le=365)
    # Days a member keeps a level after they stop meeting it.
    grace_days: int = Field(default=14, ge=0, le=180)
    # Day of the month (1-28) and local time of the managers' check-in reminders; the quarterly
    # update is asked for on that day of January, April, July and October.
    check_in_day: int = Field(default=1, ge=1, le=28)
    time: ClockTime = "10:00"

    @field_validator("levels")
    @classmethod
    def _rising(cls, levels: list[LevelConfig]) -> list[LevelConfig]:
        seen: set[str] = set()
        for lower, higher in itertools.pairwise(levels):
            if any(getattr(higher, key) < getattr(lower, key) for key in CRITERIA):
                raise ValueError(
                    f"level {higher.name!r} asks less than {lower.name!r} below it: each level "
                    "must ask at least as much as the one before"
                )
        for level in levels:
            if level.name in seen:
                raise ValueError(f"level {level.name!r} is listed twice")
            seen.add(level.name)
        return levels

    @property
    def threshold(self) -> LevelConfig:
        """The ambassador threshold: the last level."""
        return self.levels[-1]

    def summary_line(self) -> str:
        names = ", ".join(level.name for level in self.levels)
        return (
            f"  ambassadors: levels {names} over {self.window_days} days; "
            f"at most {self.max_ambassadors}"
        )
