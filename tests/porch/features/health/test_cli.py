"""`porch report`: every figure as a table or JSON, from the store DATABASE_URL names."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import insert

from porch.core.store import connect, migrate
from porch.core.store.schema import activity, members
from porch.runtime.cli import main
from tests.conftest import EXAMPLE_CONFIG


def seeded_env(tmp_path: Path) -> dict[str, str]:
    """Two members; in the last 30 days one asked a question the other answered an hour later."""
    url = f"sqlite:///{tmp_path / 'porch.db'}"
    engine = connect(url)
    migrate(engine)
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        conn.execute(
            insert(members),
            [
                {"team_id": "T1", "user_id": user, "joined_via": "import", "updated_at": now}
                for user in ("UASKER", "UHELPER")
            ],
        )
        conn.execute(
            insert(activity),
            [
                {
                    "team_id": "T1",
                    "channel_id": "C1",
                    "message_ts": "1.1",
                    "kind": "question",
                    "user_id": "UASKER",
                    "thread_ts": None,
                    "at": now - dt.timedelta(days=3, hours=1),
                },
                {
                    "team_id": "T1",
                    "channel_id": "C1",
                    "message_ts": "1.2",
                    "kind": "reply",
                    "user_id": "UHELPER",
                    "thread_ts": "1.1",
                    "at": now - dt.timedelta(days=3),
                },
            ],
        )
    engine.dispose()
    return {"DATABASE_URL": url, "PORCH_CONFIG": str(EXAMPLE_CONFIG)}


def test_report_json_has_every_metric(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["report", "--json"], env=seeded_env(tmp_path))

    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["team_id"] == "T1"
    # Both members engaged: 2 / 2; one question, answered after 60 minutes.
    assert (report["members"], report["participation_pct"]) == (2, 100.0)
    assert report["status"] in ("Healthy", "Watch", "Stagnant")
    assert (report["questions"], report["first_response_median_min"]) == (1, 60.0)
    assert report["nps"] is None
    assert report["previous"]["members"] == 2
    for key in (
        "dau",
        "wau",
        "mau",
        "dau_mau_pct",
        "conversations_per_week",
        "depth",
        "score",
        "contributors_per_week",
        "returning_pct",
        "replies_per_1000_week",
        "reactions_per_1000_week",
        "first_response_p90_min",
        "retention",
        "cohorts",
        "referral_pct",
    ):
        assert key in report


def test_report_table_and_since(tmp_path: Path) -> None:
    env = seeded_env(tmp_path)
    since = (dt.date.today() - dt.timedelta(days=7)).isoformat()
    result = CliRunner().invoke(main, ["report", "--since", since], env=env)

    assert result.exit_code == 0, result.output
    assert "Community Health Score" in result.output
    assert "Time to first response, median" in result.output
    assert "Status: " in result.output


def test_report_refuses_a_bad_date(tmp_path: Path) -> None:
    env = seeded_env(tmp_path)
    result = CliRunner().invoke(main, ["report", "--since", "yesterday"], env=env)
    assert result.exit_code == 2
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    result = CliRunner().invoke(main, ["report", "--since", future], env=env)
    assert result.exit_code == 2
    assert "--since must be a day in the past" in result.output
