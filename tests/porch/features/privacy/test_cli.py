"""`porch members export` and `porch members forget`: a manager answers an access or erasure
request with one command, from the store alone."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from porch.core import tracker_queue
from porch.core.store import connect, migrate
from porch.core.store.schema import forgotten_members, members, workspaces
from porch.core.worksheets import MemberRow
from porch.runtime.cli import main
from tests.conftest import EXAMPLE_CONFIG

NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
ADA = "U0ADA00001"


def store_with_ada(tmp_path: Path) -> dict[str, str]:
    url = f"sqlite:///{tmp_path / 'porch.db'}"
    engine = connect(url)
    migrate(engine)
    with engine.begin() as conn:
        conn.execute(workspaces.insert().values(team_id="T1", installed_at=NOW))
        conn.execute(
            members.insert().values(
                team_id="T1", user_id=ADA, display_name="Ada Byron", updated_at=NOW, joined_at=NOW
            )
        )
        row = MemberRow(
            user_id=ADA,
            name="Ada Byron",
            joined=NOW,
            joined_via="team_join",
            welcomed=None,
            introduced=None,
            first_post=None,
            last_active=None,
            status="New",
            profile="",
        )
        tracker_queue.put(conn, team_id="T1", row=row, now=NOW)
    engine.dispose()
    return {"DATABASE_URL": url, "PORCH_CONFIG": str(EXAMPLE_CONFIG)}


def test_export_prints_what_porch_holds_as_json(tmp_path: Path):
    env = store_with_ada(tmp_path)
    result = CliRunner().invoke(main, ["members", "export", ADA], env=env)
    assert result.exit_code == 0, result.output
    exported = json.loads(result.stdout)
    assert exported["user_id"] == ADA and exported["profile"]["display_name"] == "Ada Byron"
    assert {part["data"] for part in exported["data"]} == {"members", "Members"}


def test_forget_asks_first_and_then_erases(tmp_path: Path):
    env = store_with_ada(tmp_path)
    declined = CliRunner().invoke(main, ["members", "forget", ADA], env=env, input="n\n")
    assert declined.exit_code == 1 and "Nothing erased" in declined.output

    result = CliRunner().invoke(main, ["members", "forget", ADA, "--yes"], env=env)

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Erased {ADA}: 1 members")
    engine = connect(env["DATABASE_URL"])
    with engine.connect() as conn:
        assert conn.execute(select(members)).all() == []
        assert len(conn.execute(select(forgotten_members)).all()) == 1
    engine.dispose()


def test_a_malformed_user_id_exits_2(tmp_path: Path):
    env = store_with_ada(tmp_path)
    result = CliRunner().invoke(main, ["members", "forget", "ada", "--yes"], env=env)
    assert result.exit_code == 2 and "not a Slack user ID" in result.output


@pytest.mark.parametrize("verb", [["export"], ["forget", "--yes"]])
def test_a_member_porch_holds_nothing_about_is_an_error(tmp_path: Path, verb: list[str]):
    env = store_with_ada(tmp_path)
    command = ["members", verb[0], "U0NOBODY1", *verb[1:]]
    result = CliRunner().invoke(main, command, env=env)
    assert result.exit_code == 2, result.output
    [line] = result.output.splitlines()
    assert "U0NOBODY1" in line and "holds nothing" in line
    engine = connect(env["DATABASE_URL"])
    with engine.connect() as conn:
        assert conn.execute(select(forgotten_members)).all() == []
    engine.dispose()


@pytest.mark.parametrize("verb", [["export"], ["forget", "--yes"]])
def test_with_team_the_workspaces_own_community_file_is_read(tmp_path: Path, verb: list[str]):
    """Many workspaces: T1's file says what T1 keeps, so --team T1 reads it (a broken one is
    named, with its line), not community.yml."""
    env = store_with_ada(tmp_path)
    files = tmp_path / "communities"
    files.mkdir()
    broken = files / "T1.yml"
    broken.write_text(
        EXAMPLE_CONFIG.read_text().replace("timezone: Europe/Berlin", "timezone: Mars")
    )
    env["PORCH_COMMUNITIES"] = str(files)
    result = CliRunner().invoke(main, ["members", verb[0], ADA, "--team", "T1", *verb[1:]], env=env)
    assert result.exit_code == 2 and f"{broken}:" in result.output, result.output

    broken.write_text(EXAMPLE_CONFIG.read_text())
    result = CliRunner().invoke(main, ["members", verb[0], ADA, "--team", "T1", *verb[1:]], env=env)
    assert result.exit_code == 0, result.output
