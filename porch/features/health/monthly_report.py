"""The monthly health report: last month's figures as an HTML page, optionally posted.

Early each month the job writes `<health.reports_dir>/health-<team>-<YYYY-MM>.html` for the
month that ended (rendered from Markdown by porch/core/markdown_report.py) and, with
`health.post_monthly_report`, records one post of it to the managers' channel under the key
`health-report:<YYYY-MM>`, so a month is posted once however often the job runs. Months are
calendar months in the community's timezone; each is compared with the month before. A month
that ended before Porch first started is not reported: a first start would only write an empty
report of a month Porch never watched.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from sqlalchemy import Connection, Engine

from porch.core import effect_queue, first_start
from porch.core.config import Config
from porch.core.feature import Feature, Job
from porch.core.markdown_report import chart_key, render_blocks, render_html, without_charts
from porch.core.svg_charts import line_chart
from porch.features.health import metrics, report
from porch.features.health.weeks import weekly_figures

logger = logging.getLogger(__name__)
JOB_NAME = "health-monthly-report"
EVERY = dt.timedelta(hours=1)


def report_path(config: Config, *, team_id: str, month: str) -> Path:
    return Path(config.health.reports_dir) / f"health-{team_id}-{month}.html"


def last_month(now: dt.datetime, *, config: Config) -> tuple[str, dt.datetime, dt.datetime]:
    """("YYYY-MM", start, end) of the calendar month before the one containing `now`."""
    this_month, previous = metrics.month_starts(now, tz=config.community.tz, count=1)
    return previous.strftime("%Y-%m"), previous, this_month


def write_monthly_report(
    engine: Engine,
    *,
    config: Config,
    team_id: str,
    now: dt.datetime,
    nps: metrics.NpsSource | None = None,
    attendance: metrics.AttendanceSource | None = None,
    paths: metrics.PathsSource | None = None,
) -> Path | None:
    """Write (and record the post of) last month's report once; None when already done."""
    month, start, end = last_month(now, config=config)
    path = report_path(config, team_id=team_id, month=month)
    if path.exists():
        return None
    with engine.connect() as conn:
        # Only a month Porch saw some of: on a first start, last month's figures would be an
        # empty report of a month Porch never watched.
        if not first_start.was_running(conn, team_id=team_id, at=end - dt.timedelta(seconds=1)):
            return None
    _, before, _ = last_month(start, config=config)
    tz = config.community.tz
    with engine.begin() as conn:
        current, previous = metrics.compute_with_previous(
            conn,
            team_id=team_id,
            config=config,
            since=start,
            until=end,
            previous=(before, start),
            nps=nps,
            attendance=attendance,
            paths=paths,
        )
        title = f"{config.community.name}: community health, {month}"
        source = report.markdown(current, previous, tz=tz, title=title)
        weekly, charts = week_by_week(conn, config=config, team_id=team_id, since=start, until=end)
        source += weekly
        if config.health.post_monthly_report:
            effect_queue.record(
                conn,
                team_id=team_id,
                key=f"health-report:{month}",
                kind="post",
                payload={
                    "channel_name": config.channels.moderators,
                    "text": f"Community health report for {month}",
                    "blocks": render_blocks(without_charts(source, charts)),
                },
                now=now,
            )
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".html.partial")
    partial.write_text(render_html(source, title=title, charts=charts), encoding="utf-8")
    partial.replace(path)
    logger.info("monthly health report written: %s", path)
    return path


# The weekly figures the monthly page charts (the weekly scorecard's leading indicators).
CHARTED = (
    ("returning_engagers", "Returning engagers"),
    ("replies_per_1000", "Replies per 1,000 members"),
    ("reactions_per_1000", "Reactions per 1,000 members"),
)


def week_by_week(
    conn: Connection, *, config: Config, team_id: str, since: dt.datetime, until: dt.datetime
) -> tuple[str, dict[str, str]]:
    """The month's ISO weeks as SVG charts (in the HTML page) and a table (everywhere)."""
    rows = weekly_figures(config)(conn, team_id=team_id, since=since, until=until)
    if not rows:
        return "", {}
    charts: dict[str, str] = {}
    out = ["", "## Week by week", ""]
    weeks = [row.week for row in rows]
    for key, label in CHARTED:
        placeholder = chart_key()
        charts[placeholder] = line_chart(label, weeks, [getattr(row, key) for row in rows])
        out += [placeholder, ""]
    out.append("| Week | " + " | ".join(label for _, label in CHARTED) + " |")
    out.append("|---|" + "---|" * len(CHARTED))
    for row in rows:
        cells = " | ".join(report.figure(getattr(row, key)) for key, _ in CHARTED)
        out.append(f"| {row.week} | {cells} |")
    return "\n".join(out) + "\n", charts


def feature(
    *,
    config: Config,
    nps: metrics.NpsSource | None = None,
    attendance: metrics.AttendanceSource | None = None,
    paths: metrics.PathsSource | None = None,
) -> Feature:
    def run(engine: Engine, team_id: str, now: dt.datetime) -> dict[str, int]:
        written = write_monthly_report(
            engine,
            config=config,
            team_id=team_id,
            now=now,
            nps=nps,
            attendance=attendance,
            paths=paths,
        )
        return {"reports_written": int(written is not None)}

    return Feature(name="monthly_report", jobs=(Job(name=JOB_NAME, every=EVERY, run=run),))
