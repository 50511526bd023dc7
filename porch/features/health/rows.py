"""The tracker's Health worksheet: one row per ISO week (see weeks.py for each figure)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import ClassVar

from porch.core.worksheets import SheetRow, column


@dataclass(frozen=True, kw_only=True)
class HealthRow(SheetRow):
    SHEET: ClassVar[str] = "Health"

    week: str = field(metadata=column("Week"))
    week_starting: dt.date = field(metadata=column("Week starting", "date"))
    members: int = field(metadata=column("Members", "int"))
    new_members: int = field(metadata=column("New members", "int"))
    active_members: int = field(metadata=column("Active members", "int"))
    participation_pct: float = field(metadata=column("Participation %", "pct"))
    messages: int = field(metadata=column("Messages", "int"))
    returning_engagers: int = field(metadata=column("Returning engagers", "int"))
    returning_pct: float = field(metadata=column("Returning engagers %", "pct"))
    replies_per_1000: float = field(metadata=column("Replies per 1,000", "pct"))
    reactions_per_1000: float = field(metadata=column("Reactions per 1,000", "pct"))
    health_score: float = field(metadata=column("Health score", "pct"))
    status: str = field(metadata=column("Status"))
    # The week's moderation (Feature.period_figures["moderation"]), empty without the feature.
    reports: int | None = field(default=None, metadata=column("Reports", "int"))
    minutes_to_first_action: int | None = field(
        default=None, metadata=column("Minutes to first action", "int")
    )
    repeat_cases: int | None = field(default=None, metadata=column("Repeat cases", "int"))
    # Attendances at the live events that started in the week (Feature.period_figures
    # ["live_attendance"]); empty when no event was held or without the feature.
    live_attendance: int | None = field(default=None, metadata=column("Live attendance", "int"))
