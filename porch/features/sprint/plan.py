"""The 30-day sprint: started with `porch sprint start` (cli.py) or the managers' App Home, it
opens a four-week plan (tasks.py). Each Monday of it, at the scorecard's time, the managers'
channel gets one message: what this week asks, what is done, what is late. The week's message is
keyed by the sprint and its week number, so restarts and replicas post it once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, select, update

from porch.core import first_start
from porch.core.config import Config
from porch.core.local_time import weekly_slot
from porch.core.posting import post
from porch.core.store.upsert import insert_ignore
from porch.core.templating import Templates
from porch.features.sprint.tables import sprint_ticks, sprints
from porch.features.sprint.tasks import BY_ID, WEEKS, sprint_week, states

WEEK_MESSAGE = "sprint/week.j2"
SPRINT_DAYS = 7 * WEEKS


class Sprint:
    def __init__(
        self,
        *,
        config: Config,
        templates: Templates,
        sources: Mapping[str, Callable[..., Any]],
    ) -> None:
        self.config = config
        self.templates = templates
        # The period figures the checks read, by name, from the features that declare them.
        self.sources = sources

    def today(self, now: dt.datetime) -> dt.date:
        return now.astimezone(self.config.community.tz).date()

    def current(self, conn: Connection, *, team_id: str) -> dt.date | None:
        """The newest sprint's first day (None: no sprint was ever started)."""
        row = self._newest(conn, team_id=team_id)
        return dt.date.fromisoformat(row.started_on) if row is not None else None

    def _newest(self, conn: Connection, *, team_id: str) -> Any:
        return conn.execute(
            select(sprints)
            .where(sprints.c.team_id == team_id)
            .order_by(sprints.c.started_at.desc(), sprints.c.started_on.desc())
            .limit(1)
        ).first()

    def start(self, conn: Connection, *, team_id: str, day: dt.date, now: dt.datetime) -> bool:
        """Open a sprint on `day`; False when that sprint was started already."""
        started = insert_ignore(
            conn, sprints, team_id=team_id, started_on=day.isoformat(), started_at=now, week=0
        )
        if started:
            self.post_week(conn, team_id=team_id, now=now)
        return started

    def tick(
        self, conn: Connection, *, team_id: str, task: str, manager_id: str, now: dt.datetime
    ) -> bool:
        started = self.current(conn, team_id=team_id)
        if started is None or task not in BY_ID:
            return False
        return insert_ignore(
            conn,
            sprint_ticks,
            team_id=team_id,
            started_on=started.isoformat(),
            task=task,
            ticked_by=manager_id,
            ticked_at=now,
        )

    def figures(self, conn: Connection, *, team_id: str, started: dt.date) -> dict[str, Any]:
        tz = self.config.community.tz
        since = dt.datetime.combine(started, dt.time(), tzinfo=tz)
        until = since + dt.timedelta(days=SPRINT_DAYS)
        found = {
            name: source(conn, team_id=team_id, since=since, until=until)
            for name, source in self.sources.items()
        }
        written = Path(self.config.health.reports_dir) / f"sprint-{team_id}-{started}.html"
        return {**found, "report_written": written.exists()}

    def status(
        self, conn: Connection, *, team_id: str, now: dt.datetime | None
    ) -> dict[str, Any] | None:
        """The current sprint as messages show it: its week, every task's state, this week's
        asks and what is late (None: no sprint). Without `now` (App Home), as of the week of
        its last weekly message."""
        row = self._newest(conn, team_id=team_id)
        if row is None:
            return None
        started = dt.date.fromisoformat(row.started_on)
        week = sprint_week(started, self.today(now)) if now is not None else max(row.week, 1)
        ticked = set(
            conn.execute(
                select(sprint_ticks.c.task).where(
                    sprint_ticks.c.team_id == team_id,
                    sprint_ticks.c.started_on == started.isoformat(),
                )
            ).scalars()
        )
        tasks = states(
            config=self.config,
            figures=self.figures(conn, team_id=team_id, started=started),
            ticked=ticked,
            week=week,
        )
        return {
            "started_on": started.isoformat(),
            "ends_on": (started + dt.timedelta(days=SPRINT_DAYS - 1)).isoformat(),
            "week": week,
            "weeks": [[t for t in tasks if t.task.week == n] for n in range(1, WEEKS + 1)],
            "asks": [t for t in tasks if t.task.week == week],
            "late": [t for t in tasks if t.late],
            # What a manager may still tick, for App Home's menu: (label, task id).
            "open_tasks": [(t.task.label, t.task.id) for t in tasks if t.tickable and not t.done],
            "done": sum(1 for t in tasks if t.done),
            # Done, from the weeks before this one (this week's are among its asks).
            "done_before": [t for t in tasks if t.done and t.task.week < week],
            "total": len(tasks),
        }

    def post_week(self, conn: Connection, *, team_id: str, now: dt.datetime) -> bool:
        """This sprint week's message to the managers, once (weeks 1 to 4)."""
        status = self.status(conn, team_id=team_id, now=now)
        if status is None or not 1 <= status["week"] <= WEEKS:
            return False
        conn.execute(
            update(sprints)
            .where(sprints.c.team_id == team_id, sprints.c.started_on == status["started_on"])
            .values(week=status["week"])
        )
        return post(
            conn,
            config=self.config,
            templates=self.templates,
            team_id=team_id,
            key=f"sprint-week:{status['started_on']}:{status['week']}",
            template=WEEK_MESSAGE,
            to={"channel_name": self.config.channels.moderators},
            now=now,
            **status,
        )

    def run(self, engine: Engine, team_id: str, now: dt.datetime) -> dict[str, int]:
        """The job: on the scorecard's day and time, the sprint week's message."""
        section = self.config.sprint
        slot = weekly_slot(
            now,
            self.config.community.tz,
            weekday=section.scorecard_weekday,
            time=section.scorecard_time,
        )
        if now < slot:
            return {"sprint_weeks": 0}
        with engine.begin() as conn:
            if not first_start.was_running(conn, team_id=team_id, at=slot):
                return {"sprint_weeks": 0}
            return {"sprint_weeks": int(self.post_week(conn, team_id=team_id, now=now))}
