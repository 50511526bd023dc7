"""/porch health: the community's health figures, for managers, as an ephemeral message.

A read of the store (two SQL passes per period), answered in the command's acknowledgement:
nothing is posted and no effect is recorded.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from porch.features import health_metrics, health_report

if TYPE_CHECKING:
    from handlers.commands import CommandRequest

PERIOD = dt.timedelta(days=30)


def health(request: CommandRequest) -> None:
    if not request.require_manager():
        return
    porch = request.porch
    config = porch.config
    tz = config.community.tz

    def read(conn, now: dt.datetime) -> tuple[health_metrics.HealthReport, ...]:  # type: ignore[no-untyped-def]
        return health_metrics.compute_with_previous(
            conn, team_id=request.team_id, config=config, since=now - PERIOD, until=now
        )

    current, previous = porch.transaction(read)
    rows = [
        (label, now, before or health_report.NO_FIGURE, change)
        for label, now, before, change in health_report.rows(current, previous)
    ]
    request.reply(
        "health_summary.j2",
        period=health_report.period_label(current, tz=tz),
        days=PERIOD.days,
        score=health_report.figure(current.score),
        score_change=health_report.change(current.score, previous.score, better_up=True),
        participation=health_report.figure(current.participation_pct, "%"),
        band=current.band,
        healthy=config.thresholds.healthy_participation_pct,
        stagnant=config.thresholds.stagnant_participation_pct,
        rows=rows,
        width=max(len(row[0]) for row in rows),
    )


VERBS = {"health": health}
