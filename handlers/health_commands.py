"""/porch health: the community's health figures, for managers, as an ephemeral message.

At 100,000 members reading both periods takes about as long as the 3 s Slack waits for a
command's acknowledgement (bench/health.py), so the command is acknowledged at once; the figures
are read from the store afterwards, in Bolt's lazy listener (`LAZY_VERBS`), and recorded as a
`respond` effect (keyed by the command's trigger) that the worker delivers to the command's
response_url. Nothing is posted in a channel.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from handlers.payloads import text_at
from porch.core import effect_queue
from porch.features import health_metrics, health_report

if TYPE_CHECKING:
    from handlers.commands import VerbCall as CommandRequest

PERIOD = dt.timedelta(days=30)


def health(request: CommandRequest) -> None:
    """The acknowledgement: a refusal, or a note that the figures are on their way."""
    if request.require_manager():
        request.reply("health_pending.j2", days=PERIOD.days)


def health_figures(request: CommandRequest) -> None:
    """After the acknowledgement: read both periods and record the answer for the worker."""
    response_url = text_at(request.command, "response_url", optional=True)
    if not response_url or not request.is_manager():
        return
    porch = request.porch
    config = porch.config
    tz = config.community.tz

    def read_and_record(conn: Any, now: dt.datetime) -> None:
        current, previous = health_metrics.compute_with_previous(
            conn, team_id=request.team_id, config=config, since=now - PERIOD, until=now
        )
        rows = [
            (label, figure, before or health_report.NO_FIGURE, change)
            for label, figure, before, change in health_report.rows(current, previous)
        ]
        message = porch.templates.render(
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
        effect_queue.record(
            conn,
            team_id=request.team_id,
            key=f"health:{request.trigger_id}",
            kind="respond",
            payload={
                "response_url": response_url,
                "message": {
                    "response_type": "ephemeral",
                    "text": message.text,
                    "blocks": message.blocks,
                },
            },
            now=now,
        )

    porch.transaction(read_and_record)


VERBS = {"health": health}
LAZY_VERBS = {"health": health_figures}
