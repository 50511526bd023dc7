"""When a ritual happens: its cadence turned into local dates and UTC moments, DST-safe.

Every occurrence is named by its local date in the community's timezone; its moment is that
date at the ritual's wall-clock time, so a DST week moves the UTC moment, never the date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

from porch.core.config import WEEKDAYS, Config
from porch.features.rituals.config import RitualConfig

# Every-N-weeks rituals count weeks from this Monday, so replicas and restarts agree.
EPOCH_MONDAY = dt.date(2024, 1, 1)
# How far back an occurrence is looked for: one every 12 weeks is the rarest cadence.
LOOK_BACK_DAYS = 7 * 12


def happens_on(ritual: RitualConfig, day: dt.date) -> bool:
    if day.weekday() != WEEKDAYS.index(ritual.weekday):
        return False
    if ritual.cadence == "monthly":
        return (day.day - 1) // 7 + 1 == ritual.week_of_month
    return ((day - EPOCH_MONDAY).days // 7) % ritual.every_weeks == 0


def moment(ritual: RitualConfig, day: dt.date, tz: ZoneInfo) -> dt.datetime:
    """The ritual's wall-clock time on `day`, in UTC. A time that DST skips (02:30 on the
    spring-forward night) resolves to the offset before the change, so it still happens once."""
    at = dt.datetime.combine(day, dt.time.fromisoformat(ritual.time), tzinfo=tz)
    return at.astimezone(dt.UTC)


def latest(ritual: RitualConfig, now: dt.datetime, tz: ZoneInfo) -> tuple[dt.date, dt.datetime]:
    """The most recent occurrence whose moment has come (date, UTC moment), or None."""
    today = now.astimezone(tz).date()
    for back in range(LOOK_BACK_DAYS + 1):
        day = today - dt.timedelta(days=back)
        if happens_on(ritual, day):
            at = moment(ritual, day, tz)
            if at <= now:
                return day, at
    raise LookupError(f"ritual {ritual.id} has no occurrence in the last {LOOK_BACK_DAYS} days")


def upcoming(
    ritual: RitualConfig, now: dt.datetime, tz: ZoneInfo
) -> Iterator[tuple[dt.date, dt.datetime]]:
    """Occurrences whose moment is still to come, soonest first."""
    day = now.astimezone(tz).date()
    while True:
        if happens_on(ritual, day):
            at = moment(ritual, day, tz)
            if at > now:
                yield day, at
        day += dt.timedelta(days=1)


def cadence_label(ritual: RitualConfig) -> str:
    """How often, in words, for the calendar and /porch rituals."""
    day = ritual.weekday.title()
    if ritual.cadence == "monthly":
        nth = {1: "first", 2: "second", 3: "third", 4: "fourth"}[ritual.week_of_month or 1]
        return f"{nth} {day} of the month"
    if ritual.every_weeks == 1:
        return f"every {day}"
    return f"every {ritual.every_weeks} weeks on {day}"


def site_calendar(config: Config) -> dict[str, Any]:
    """What the site's pages show of the rituals: each ritual as written in community.yml plus
    its channel's name, its first prompt and its day in words; and `calendar`, the same rituals
    in weekday and time order (the getting-started page's table)."""
    channels = config.channels.model_dump()
    rituals = []
    for settings in config.rituals:
        ritual = settings.model_dump(mode="json")
        ritual["channel_name"] = channels[ritual["channel"]]
        # The prompt the next occurrence opens with (several take turns).
        ritual["prompt"] = settings.all_prompts[0]
        # "Monday" for a weekly ritual, else how often ("First Friday of the month").
        weekly = settings.cadence == "weekly" and settings.every_weeks == 1
        label = cadence_label(settings)
        ritual["day"] = settings.weekday.title() if weekly else label[0].upper() + label[1:]
        rituals.append(ritual)
    calendar = sorted(rituals, key=lambda r: (WEEKDAYS.index(r["weekday"]), r["time"]))
    return {"rituals": rituals, "calendar": calendar}
