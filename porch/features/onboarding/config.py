"""community.yml's `onboarding` section: how newcomers are welcomed, introduced and followed up.

`templates_dir` lives here for history (managers have it in their files): the runtime reads it
as `config.onboarding.templates_dir`, a config key, for every feature's templates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationInfo, field_validator

from porch.core.config import ChannelName, ClockTime, OptionalEmojiName, Strict, Weekday
from porch.core.templating import Mrkdwn


class IntroThread(Strict):
    weekday: Weekday = "monday"
    time: ClockTime = "09:00"
    mention_batch_size: int = Field(default=10, ge=1, le=50)
    mention_every_minutes: int = Field(default=60, ge=1, le=1440)


class WakingHours(Strict):
    start: ClockTime = "09:00"
    end: ClockTime = "20:00"

    @property
    def start_time(self) -> dt.time:
        return dt.time.fromisoformat(self.start)

    @property
    def end_time(self) -> dt.time:
        return dt.time.fromisoformat(self.end)


class FollowUpsConfig(Strict):
    nudge_after_days: int = Field(default=3, ge=1)
    check_in_days: list[int] = Field(default=[7, 30])
    inactive_after_days: int = Field(default=15, ge=1)
    waking_hours: WakingHours = WakingHours()


class OnboardingConfig(Strict):
    triggers: list[Literal["team_join", "home_channel_join"]] = Field(
        default=["team_join"], min_length=1
    )
    skip_guests: bool = True
    welcome: Literal["automatic", "warm"] = "automatic"
    recommended_channels: list[ChannelName] = Field(default=[])
    auto_invite: bool = False
    react_to_introductions: OptionalEmojiName = "wave"
    intro_thread: IntroThread = IntroThread()
    follow_ups: FollowUpsConfig = FollowUpsConfig()
    reconcile_window_days: int = Field(default=14, ge=1)
    reconcile_every_minutes: int = Field(default=60, ge=5)
    templates_dir: str | None = None

    def channel_names(self) -> list[str]:
        """The recommended channels, which Porch resolves and joins like the core ones."""
        return list(self.recommended_channels)

    def message_context(self, *, channel: Callable[[str], Mrkdwn]) -> dict[str, Any]:
        """What every template may use from this section: `recommended`, the recommended
        channels as links (the welcome DM and the checklist list them)."""
        return {"recommended": [channel(name) for name in self.recommended_channels]}

    def summary_line(self) -> str:
        """`porch check`'s line about the welcome."""
        return f"  welcome: {self.welcome} on {', '.join(self.triggers)}"

    @field_validator("templates_dir", mode="before")
    @classmethod
    def _existing_folder(cls, value: object, info: ValidationInfo) -> object:
        """Relative to community.yml (like tracker.local_dir), and it must exist: a missing
        folder would silently fall back to the shipped copy."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        base = (info.context or {}).get("base_dir")
        if base is None or not isinstance(value, str):
            return value
        folder = Path(value.strip()).expanduser()
        if not folder.is_absolute():
            folder = Path(base) / folder
        if not folder.is_dir():
            where = "" if Path(value).is_absolute() else " (a path relative to community.yml)"
            raise ValueError(f"the folder {folder} does not exist{where}")
        return str(folder)
