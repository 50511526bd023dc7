"""The monthly health report: saved as HTML once a month ends, posted to the managers once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine, insert

from porch.core.config import Config
from porch.core.feature import Job
from porch.core.store.schema import activity, members
from porch.features.health.monthly_report import JOB_NAME
from porch.features.registry import Features, build_features, templates
from tests.conftest import MONDAY_MORNING, config_with
from tests.porch.features.recording import RecordingDelivery

TEAM = "T0REPORTS"


def report_job(features: Features) -> Job:
    (job,) = [job for job in features.jobs if job.name == JOB_NAME]
    return job


def first_of_next_month(config: Config) -> dt.datetime:
    """09:00 on the 2nd of the month after MONDAY_MORNING's (community time), in UTC."""
    local = MONDAY_MORNING.astimezone(config.community.tz)
    return (local.replace(day=28) + dt.timedelta(days=5)).replace(day=2, hour=9).astimezone(dt.UTC)


def a_member_asks(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(members),
            [{"team_id": TEAM, "user_id": "U0ANA00001", "updated_at": MONDAY_MORNING}],
        )
        conn.execute(
            insert(activity),
            [
                {
                    "team_id": TEAM,
                    "channel_id": "C1",
                    "message_ts": "1.1",
                    "kind": "question",
                    "user_id": "U0ANA00001",
                    "at": MONDAY_MORNING,
                }
            ],
        )


def test_last_months_report_is_saved_and_posted_once(
    engine: Engine, config: Config, tmp_path: Path
) -> None:
    reports = tmp_path / "reports"
    posting = config_with(config, health={"post_monthly_report": True, "reports_dir": str(reports)})
    features = build_features(config=posting, templates=templates())
    now = first_of_next_month(posting)
    worker = RecordingDelivery(engine=engine, features=features, now=lambda: now)
    a_member_asks(engine)
    month = f"{MONDAY_MORNING.astimezone(config.community.tz):%Y-%m}"

    job = report_job(features)
    assert job.run(engine, TEAM, now) == {"reports_written": 1}
    assert job.run(engine, TEAM, now + dt.timedelta(hours=3)) == {"reports_written": 0}
    posts = worker.deliver()

    [report] = list(reports.glob(f"health-{TEAM}-{month}.html"))
    page = report.read_text(encoding="utf-8")
    assert f"community health, {month}" in page
    assert "Community Health Score" in page and "<table>" in page
    assert [post.key for post in posts] == [f"health-report:{month}"]
    assert posts[0].payload["channel_name"] == config.channels.moderators
    assert posts[0].payload["text"] == f"Community health report for {month}"
    assert posts[0].payload["blocks"][0]["type"] == "header"
    # The month's weeks, charted (SVG, no script) beside their table; Slack gets the table.
    assert page.count("<svg") == 3 and "<script" not in page
    assert "<title>Returning engagers</title>" in page
    assert "<h2>Week by week</h2>" in page
    assert "porch-chart-" not in page and "porch-chart-" not in str(posts[0].payload["blocks"])


def test_without_posting_the_report_is_only_saved(
    engine: Engine, config: Config, tmp_path: Path
) -> None:
    reports = tmp_path / "reports"
    saving = config_with(config, health={"reports_dir": str(reports)})
    features = build_features(config=saving, templates=templates())
    now = first_of_next_month(saving)
    worker = RecordingDelivery(engine=engine, features=features, now=lambda: now)

    report_job(features).run(engine, TEAM, now)

    local = MONDAY_MORNING.astimezone(config.community.tz)
    assert list(reports.glob(f"health-{TEAM}-{local:%Y-%m}.html"))
    assert worker.deliver() == []
