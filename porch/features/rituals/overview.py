"""What `/porch rituals` shows: each ritual's next occurrences and their state, its last one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import islice

from sqlalchemy import Connection, func, select

from porch.core.config import Config
from porch.features.rituals.calendar import cadence_label, upcoming
from porch.features.rituals.config import RitualConfig
from porch.features.rituals.tables import ritual_occurrences, ritual_pauses, ritual_replies

# Upcoming occurrences listed per ritual.
SHOWN = 2


@dataclass(frozen=True)
class Upcoming:
    day: dt.date
    local_time: str
    # "scheduled", "skipped" (by a manager) or "paused".
    state: str


@dataclass(frozen=True)
class LastOccurrence:
    day: str
    state: str
    replies: int


@dataclass(frozen=True)
class RitualStatus:
    ritual: RitualConfig
    cadence: str
    paused: bool
    upcoming: list[Upcoming]
    last: LastOccurrence | None


def overview(
    conn: Connection, *, config: Config, team_id: str, now: dt.datetime
) -> list[RitualStatus]:
    tz = config.community.tz
    paused = set(
        conn.execute(
            select(ritual_pauses.c.ritual_id).where(ritual_pauses.c.team_id == team_id)
        ).scalars()
    )
    statuses = []
    for ritual in config.rituals:
        recorded = {
            row.local_date: row.state
            for row in conn.execute(
                select(ritual_occurrences.c.local_date, ritual_occurrences.c.state).where(
                    ritual_occurrences.c.team_id == team_id,
                    ritual_occurrences.c.ritual_id == ritual.id,
                )
            )
        }
        next_ones = []
        for day, at in islice(upcoming(ritual, now, tz), SHOWN):
            state = recorded.get(day.isoformat()) or (
                "paused" if ritual.id in paused else "scheduled"
            )
            next_ones.append(
                Upcoming(day=day, local_time=at.astimezone(tz).strftime("%H:%M"), state=state)
            )
        past = [d for d in recorded if d <= now.astimezone(tz).date().isoformat()]
        last = None
        if past:
            day = max(past)
            replies = conn.execute(
                select(func.count()).where(
                    ritual_replies.c.team_id == team_id,
                    ritual_replies.c.ritual_id == ritual.id,
                    ritual_replies.c.local_date == day,
                )
            ).scalar_one()
            last = LastOccurrence(day=day, state=recorded[day], replies=replies)
        statuses.append(
            RitualStatus(
                ritual=ritual,
                cadence=cadence_label(ritual),
                paused=ritual.id in paused,
                upcoming=next_ones,
                last=last,
            )
        )
    return statuses
