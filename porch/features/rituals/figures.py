"""The period figure "rituals": how many times each ritual was posted in a period and how many
recaps went out, for features that check a plan against what actually ran (the sprint)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, func, select

from porch.features.rituals.schedule import POSTED
from porch.features.rituals.tables import ritual_occurrences


def ritual_figures(
    conn: Connection, *, team_id: str, since: dt.datetime, until: dt.datetime
) -> dict[str, Any]:
    """{"posted": {ritual_id: occurrences posted}, "recaps": recaps posted}, in [since, until)."""
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
    return {"posted": {str(key): int(count) for key, count in posted.items()}, "recaps": recaps}
