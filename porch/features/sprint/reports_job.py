"""Writing the reports (report.py): a sprint's 30-day report once its four weeks are over
(saved, and posted to the managers' channel once), and each calendar month's after it ends
(saved), so every decision reaches the next monthly report."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select

from porch.core import effect_queue, first_start
from porch.core.config import Config
from porch.core.markdown_report import render_blocks, render_html, without_charts
from porch.features.sprint import report
from porch.features.sprint.plan import SPRINT_DAYS, Sprint
from porch.features.sprint.tables import sprint_scorecards
from porch.features.sprint.tasks import WEEKS, sprint_week

logger = logging.getLogger(__name__)


class Reports:
    def __init__(
        self,
        *,
        config: Config,
        plan: Sprint,
        weekly: Callable[..., list[Any]] | None,
        hit_rate: Callable[..., dict[str, int]] | None,
        calendar: Callable[..., list[dict[str, str]]] | None,
        themes: Callable[..., dict[str, Any]] | None = None,
    ) -> None:
        self.config = config
        self.plan = plan
        self.figures = {
            "weekly": weekly,
            "hit_rate": hit_rate,
            "calendar": calendar,
            "themes": themes,
        }

    def run(self, engine: Engine, team_id: str, now: dt.datetime) -> dict[str, int]:
        written = int(self.sprint_report(engine, team_id=team_id, now=now) is not None)
        written += int(self.monthly_report(engine, team_id=team_id, now=now) is not None)
        return {"sprint_reports": written}

    def sprint_report(self, engine: Engine, *, team_id: str, now: dt.datetime) -> Path | None:
        """The 30-day report of the current sprint, once its four weeks are over."""
        tz = self.config.community.tz
        with engine.connect() as conn:
            started = self.plan.current(conn, team_id=team_id)
        if started is None or sprint_week(started, self.plan.today(now)) <= WEEKS:
            return None
        path = report.report_path(self.config, team_id=team_id, name=started.isoformat())
        if path.exists():
            return None
        since = dt.datetime.combine(started, dt.time(), tzinfo=tz)
        until = since + dt.timedelta(days=SPRINT_DAYS)
        title = f"{self.config.community.name}: the 30-day sprint from {started}"
        with engine.begin() as conn:
            status = self.plan.status(conn, team_id=team_id, now=until - dt.timedelta(seconds=1))
            source, charts = report.markdown(
                conn,
                config=self.config,
                team_id=team_id,
                title=title,
                since=since,
                until=until,
                status=status,
                **self.figures,
            )
            effect_queue.record(
                conn,
                team_id=team_id,
                key=f"sprint-report:{started}",
                kind="post",
                payload={
                    "channel_name": self.config.channels.moderators,
                    "text": f"The 30-day sprint report ({started})",
                    "blocks": render_blocks(without_charts(source, charts)),
                },
                now=now,
            )
        return _save(path, render_html(source, title=title, charts=charts))

    def monthly_report(self, engine: Engine, *, team_id: str, now: dt.datetime) -> Path | None:
        """Last calendar month's report, once, when Porch sent a scorecard by its end."""
        tz = self.config.community.tz
        local = now.astimezone(tz)
        until = dt.datetime(local.year, local.month, 1, tzinfo=tz)
        start_day = (until - dt.timedelta(days=1)).replace(day=1)
        since = dt.datetime(start_day.year, start_day.month, 1, tzinfo=tz)
        month = since.strftime("%Y-%m")
        path = report.report_path(self.config, team_id=team_id, name=month)
        if path.exists():
            return None
        with engine.connect() as conn:
            if not first_start.was_running(conn, team_id=team_id, at=until):
                return None
            cards = conn.execute(
                select(func.count()).where(
                    sprint_scorecards.c.team_id == team_id,
                    sprint_scorecards.c.created_at < until.astimezone(dt.UTC),
                )
            ).scalar_one()
            if not cards:
                return None
            title = f"{self.config.community.name}: scorecards and decisions, {month}"
            source, charts = report.markdown(
                conn,
                config=self.config,
                team_id=team_id,
                title=title,
                since=since,
                until=until,
                **self.figures,
            )
        return _save(path, render_html(source, title=title, charts=charts))


def _save(path: Path, page: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".html.partial")
    partial.write_text(page, encoding="utf-8")
    partial.replace(path)
    logger.info("sprint report written: %s", path)
    return path
