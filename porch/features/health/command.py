"""/porch health: the community's health figures, for managers, as an ephemeral message.

At 100,000 members reading both periods takes about as long as the 3 s Slack waits for a
command's acknowledgement (bench/health.py), so the command is acknowledged at once; the figures
are read from the store afterwards (the Verb's `later`, which the Slack adapter runs as Bolt's
lazy listener) and recorded as a `respond` effect (keyed by the command's trigger) that the
worker delivers to the command's response_url. Nothing is posted in a channel. Only managers may
use it: the adapter refuses anyone else, before and after the acknowledgement.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection

from porch.core import effect_queue
from porch.core.config import Config
from porch.core.interactions import CommandRequest, Private, Verb
from porch.core.templating import Message, Templates
from porch.features.health import metrics, report

PERIOD = dt.timedelta(days=30)
PENDING = "health/pending.j2"
SUMMARY = "health/summary.j2"


class HealthCommand:
    def __init__(
        self,
        *,
        config: Config,
        templates: Templates,
        nps: metrics.NpsSource | None = None,
        attendance: metrics.AttendanceSource | None = None,
        paths: metrics.PathsSource | None = None,
    ) -> None:
        self.config = config
        self.templates = templates
        self.nps = nps
        self.attendance = attendance
        self.paths = paths

    def verb(self) -> Verb:
        return Verb(
            name="health",
            handle=self.acknowledge,
            managers_only=True,
            later=self.figures,
            summary="the community's health figures for the last 30 days, next to the 30 "
            "days before.",
        )

    def acknowledge(self, request: CommandRequest) -> Private:
        """The acknowledgement: a note that the figures are on their way."""
        return Private(self.templates.render(PENDING, days=PERIOD.days))

    def figures(self, request: CommandRequest) -> None:
        """After the acknowledgement: read both periods and record the answer for the worker."""
        response_url = request.response_url
        if not response_url:
            return

        def read_and_record(conn: Connection, now: dt.datetime) -> None:
            message = self.summary(conn, team_id=request.team_id, now=now)
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

        request.transaction(read_and_record)

    def summary(self, conn: Connection, *, team_id: str, now: dt.datetime) -> Message:
        """The last PERIOD next to the one before, as the managers read it in Slack."""
        config = self.config
        current, previous = metrics.compute_with_previous(
            conn,
            team_id=team_id,
            config=config,
            since=now - PERIOD,
            until=now,
            nps=self.nps,
            attendance=self.attendance,
            paths=self.paths,
        )
        rows = [
            (label, figure, before or report.NO_FIGURE, change)
            for label, figure, before, change in report.rows(current, previous)
        ]
        return self.templates.render(
            SUMMARY,
            period=report.period_label(current, tz=config.community.tz),
            days=PERIOD.days,
            score=report.figure(current.score),
            score_change=report.change(current.score, previous.score, better_up=True),
            participation=report.figure(current.participation_pct, "%"),
            status=current.status,
            healthy=report.figure(config.health.healthy_score),
            stagnant=report.figure(config.health.stagnant_score),
            rows=rows,
            paths=report.path_rows(current) if current.paths is not None else None,
            path_note=report.PATH_NOTE,
            width=max(len(row[0]) for row in rows),
        )
