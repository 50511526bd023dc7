"""Participation and retention by path in the health report (join_paths' period figure
"participation_by_path"): in `porch report` (table and JSON), `/porch health` and the monthly
report's Markdown, only when join questions are configured."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import yaml
from click.testing import CliRunner
from sqlalchemy import Connection, Engine, insert

from porch.core.config import Config
from porch.core.store import connect, migrate
from porch.core.store.schema import activity, members
from porch.features.health import metrics, report
from porch.features.health.command import HealthCommand
from porch.features.join_paths.tables import join_answers
from porch.features.registry import build_features, templates
from porch.runtime.cli import main
from tests.conftest import EXAMPLE_CONFIG
from tests.porch.features.join_paths.paths_config import SECTION, with_paths

TEAM = "T0PATHS01"
NOW = dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)

# (member, answers or None, joined days before now, active days before now or None).
# The period is the last 30 days; the period before it, the 30 days before those.
MEMBERS = (
    ("U0GIA00001", {"role": ["Designer"], "interests": ["Feedback"]}, 40, 3),  # design, feedback
    ("U0BEN00001", {"role": ["Developer"], "interests": ["Feedback"]}, 45, None),  # feedback
    ("U0CLO00001", {"role": ["Designer"]}, 100, 5),  # design, joined long ago
    ("U0DAN00001", None, 35, 2),  # no path
    ("U0FAY00001", None, 50, None),  # no path
    ("U0GUS00001", None, 10, 1),  # no path, joined in this period (in no retention cohort)
)
# Hand-computed (path, members, active, participation, retention, of how many joined before):
# design: Gia and Clo, both active; of them only Gia joined in the period before, and stayed.
# feedback: Gia and Ben, Gia active; both joined in the period before, Gia stayed.
# (no path): Dan, Fay and Gus; Dan and Gus active; Dan and Fay joined before, Dan stayed.
EXPECTED = [
    ("design", 2, 2, 100.0, 100.0, 1),
    ("feedback", 2, 1, 50.0, 50.0, 2),
    ("(no path)", 3, 2, 66.7, 50.0, 2),
]


def seed(conn: Connection, *, now: dt.datetime, team_id: str = TEAM) -> None:
    for user, answers, joined, active in MEMBERS:
        joined_at = now - joined * DAY
        conn.execute(
            insert(members).values(
                team_id=team_id, user_id=user, joined_at=joined_at, updated_at=joined_at
            )
        )
        if answers is not None:
            conn.execute(
                insert(join_answers).values(
                    team_id=team_id,
                    user_id=user,
                    answers=answers,
                    paths=[],
                    steps_done=[],
                    answered_at=joined_at + DAY,
                    updated_at=joined_at + DAY,
                )
            )
        if active is not None:
            conn.execute(
                insert(activity).values(
                    team_id=team_id,
                    channel_id="C0GENERAL1",
                    message_ts=f"{active}.{user}",
                    kind="message",
                    user_id=user,
                    at=now - active * DAY,
                )
            )


def test_the_report_breaks_participation_and_retention_down_by_path(
    engine: Engine, config: Config
) -> None:
    config = with_paths(config)
    figure = build_features(config=config, templates=templates()).period_figure(
        "participation_by_path"
    )
    with engine.begin() as conn:
        seed(conn, now=NOW)
        current, previous = metrics.compute_with_previous(
            conn, team_id=TEAM, config=config, since=NOW - 30 * DAY, until=NOW, paths=figure
        )
        slack = HealthCommand(config=config, templates=templates(), paths=figure).summary(
            conn, team_id=TEAM, now=NOW
        )

    assert [
        (l.path, l.members, l.active, l.share_pct, l.retention_pct, l.joined_before)
        for l in current.paths or []  # noqa: E741
    ] == EXPECTED
    as_json = current.as_json()["paths"]
    assert as_json[1] == {
        "path": "feedback",
        "members": 2,
        "active": 1,
        "joined_before": 2,
        "retained": 1,
        "share_pct": 50.0,
        "retention_pct": 50.0,
    }
    tz = config.community.tz
    table = report.terminal_table(current, previous, tz=tz)
    assert "  feedback: 1/2 active (50%); retained 1/2 (50%)" in table
    assert "  (no path): 2/3 active (66.7%); retained 1/2 (50%)" in table
    page = report.markdown(current, previous, tz=tz, title="Health")
    assert "## By path" in page
    assert "| design | 2 | 2 | 100% | 1/1 (100%) |" in page
    text = "\n".join(block["text"]["text"] for block in slack.blocks if block["type"] == "section")
    assert "*By path*" in text and "design: 2/2 active (100%); retained 1/1 (100%)" in text
    # The period before: Clo had joined, the others joined in it; nobody was active.
    assert [(line.path, line.members, line.active) for line in previous.paths or []] == [
        ("design", 2, 0),
        ("feedback", 2, 0),
        ("(no path)", 2, 0),
    ]


def store_env(tmp_path: Path, config_path: Path) -> dict[str, str]:
    tmp_path.mkdir(exist_ok=True)
    url = f"sqlite:///{tmp_path / 'porch.db'}"
    engine = connect(url)
    migrate(engine)
    with engine.begin() as conn:
        seed(conn, now=dt.datetime.now(dt.UTC), team_id="T1")
    engine.dispose()
    return {"DATABASE_URL": url, "PORCH_CONFIG": str(config_path)}


def test_porch_report_shows_paths_only_with_join_questions(tmp_path: Path) -> None:
    without = CliRunner().invoke(
        main, ["report", "--json"], env=store_env(tmp_path, EXAMPLE_CONFIG)
    )
    assert without.exit_code == 0, without.output
    assert "paths" not in json.loads(without.output)
    table = CliRunner().invoke(main, ["report"], env=store_env(tmp_path / "b", EXAMPLE_CONFIG))
    assert table.exit_code == 0, table.output
    assert "By path" not in table.output

    with_questions = tmp_path / "community.yml"
    section = yaml.safe_dump({"join_paths": SECTION}, allow_unicode=True)
    with_questions.write_text(EXAMPLE_CONFIG.read_text() + "\n" + section, encoding="utf-8")
    env = store_env(tmp_path / "c", with_questions)
    found = CliRunner().invoke(main, ["report", "--json"], env=env)
    assert found.exit_code == 0, found.output
    paths = json.loads(found.output)["paths"]
    assert [(p["path"], p["members"], p["active"], p["retention_pct"]) for p in paths] == [
        (path, on, active, retention) for path, on, active, _, retention, _ in EXPECTED
    ]
    shown = CliRunner().invoke(main, ["report"], env=env)
    assert "  feedback: 1/2 active (50%); retained 1/2 (50%)" in shown.output
