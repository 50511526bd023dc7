"""The period figure "rituals": how many times each ritual was posted in a period, how many
recaps went out and where the prompts are, for features that check a plan against what ran
and watch the prompts' comments (the sprint)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, func, select

from porch.core.config import Config
from porch.features.rituals.calendar import happens_on, moment
from porch.features.rituals.schedule import POSTED
from porch.features.rituals.tables import ritual_occurrences


def ritual_figures(
    conn: Connection, *, team_id: str, since: dt.datetime, until: dt.datetime
) -> dict[str, Any]:
    """{"posted": {ritual_id: occurrences posted}, "recaps": recaps posted, "threads": [(channel
    ID, ts) of each posted prompt]}, for the occurrences due in [since, until)."""
    table = ritual_occurrences
    posted = dict(
        conn.execute(
            select(table.c.ritual_id, func.count())
            .where(
                table.c.team_id == team_id,
                table.c.state == POSTED,
                table.c.slot_at >= since,
                table.c.slot_at < until,
            )
            .group_by(table.c.ritual_id)
        ).all()
    )
    recaps = conn.execute(
        select(func.count()).where(
            table.c.team_id == team_id, table.c.recap_at >= since, table.c.recap_at < until
        )
    ).scalar_one()
    threads = conn.execute(
        select(table.c.channel_id, table.c.thread_ts).where(
            table.c.team_id == team_id,
            table.c.state == POSTED,
            table.c.thread_ts.is_not(None),
            table.c.slot_at >= since,
            table.c.slot_at < until,
        )
    ).all()
    return {
        "posted": {str(key): int(count) for key, count in posted.items()},
        "recaps": recaps,
        "threads": [(str(channel), str(ts)) for channel, ts in threads],
    }


def calendar_figure(config: Config) -> Callable[..., list[dict[str, str]]]:
    """The period figure "ritual_calendar": every occurrence community.yml schedules in
    [since, until), soonest first: {"date", "weekday", "time", "name", "channel"} (local)."""

    def occurrences(
        conn: Connection, *, team_id: str, since: dt.datetime, until: dt.datetime
    ) -> list[dict[str, str]]:
        tz = config.community.tz
        channels = config.channels.model_dump()
        found = []
        day = since.astimezone(tz).date()
        while day < until.astimezone(tz).date():
            for ritual in config.rituals:
                at = moment(ritual, day, tz)
                if happens_on(ritual, day) and since <= at < until:
                    found.append(
                        {
                            "date": day.isoformat(),
                            "weekday": day.strftime("%A"),
                            "time": ritual.time,
                            "name": ritual.name,
                            "channel": channels[ritual.channel],
                            "at": at.isoformat(),
                        }
                    )
            day += dt.timedelta(days=1)
        return sorted(found, key=lambda item: item["at"])

    return occurrences
