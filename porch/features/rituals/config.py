"""The `rituals` section of community.yml: each ritual's day, time, channel and prompt(s).

A list, so its checks that look across rituals (no ID used twice) sit on the list itself; the
config loader reports them at the `rituals:` line like any other mistake.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from porch.core.config import ClockTime, Strict, Text, Weekday


def _ritual_id(value: object) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if re.fullmatch(r"[a-z0-9][a-z0-9\-]*", text):
        return text
    raise ValueError(f"must be lowercase letters, digits and -, e.g. monday-goals, not {value!r}")


class RitualConfig(Strict):
    id: Annotated[str, BeforeValidator(_ritual_id)]
    name: Text
    weekday: Weekday
    time: ClockTime
    channel: Literal["home", "introductions", "feedback", "wins", "ambassadors", "showcase"]
    # One prompt, or several in `prompts` that take turns (none repeats before all were used).
    prompt: Text | None = None
    prompts: list[Text] = Field(default_factory=list)
    # goals and wins keep the replies' text (their recap quotes them); other kinds only count.
    kind: Literal["goals", "wins", "other"] = "other"
    # weekly (every `every_weeks` weeks) or monthly (the `week_of_month`-th weekday of the month).
    cadence: Literal["weekly", "monthly"] = "weekly"
    every_weeks: int = Field(default=1, ge=1, le=12)
    week_of_month: int | None = Field(default=None, ge=1, le=4)
    # A template of your own (in onboarding.templates_dir) instead of rituals/post.j2.
    template: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_\-]+\.j2$")
    # Hours after the ritual when its recap is posted (none without it).
    recap_after_hours: float | None = Field(default=None, gt=0, le=24 * 6)
    # After downtime, an occurrence is posted late within this many hours, else skipped.
    catch_up_hours: float = Field(default=6, ge=0, le=72)

    @model_validator(mode="after")
    def _consistent(self) -> RitualConfig:
        if not self.prompt and not self.prompts:
            raise ValueError("needs a prompt (or a list of prompts)")
        if self.prompt and self.prompts:
            raise ValueError("give either prompt or prompts, not both")
        if self.cadence == "monthly" and self.week_of_month is None:
            raise ValueError("a monthly ritual needs week_of_month (1 to 4)")
        if self.cadence == "weekly" and self.week_of_month is not None:
            raise ValueError("week_of_month is only for cadence: monthly")
        if self.cadence == "monthly" and self.every_weeks != 1:
            raise ValueError("every_weeks is only for cadence: weekly")
        return self

    @property
    def all_prompts(self) -> list[str]:
        return list(self.prompts) if self.prompts else [self.prompt or ""]

    def next_at(self, now: dt.datetime, tz: ZoneInfo) -> dt.datetime:
        """The next occurrence still ahead of `now`, in the community's timezone `tz`. Other
        features' messages (a note suggesting a ritual) reach the rituals through the config,
        never by importing this feature, so the cadence rules are offered here."""
        # calendar.py imports this module: imported when called, not at load.
        from porch.features.rituals.calendar import upcoming

        _day, moment = next(upcoming(self, now, tz))
        return moment.astimezone(tz)


def _unique_ids(rituals: list[RitualConfig]) -> list[RitualConfig]:
    """An occurrence is named by its ritual's ID: two rituals with one ID would share it."""
    seen: set[str] = set()
    for ritual in rituals:
        if ritual.id in seen:
            raise ValueError(f"ritual id {ritual.id!r} is used twice")
        seen.add(ritual.id)
    return rituals


# The section's schema (calling it makes its default: no rituals).
RitualList = Annotated[list[RitualConfig], AfterValidator(_unique_ids)]
