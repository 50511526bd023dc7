"""One database, two workspaces: their tracker rows, Health weeks, positions, sync logs and
leases never meet, even with the same user IDs and the same weeks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from openpyxl import load_workbook
from sqlalchemy import Engine, create_engine, insert, select, text

from porch.core import locks
from porch.core.config import Config
from porch.core.store import alembic_config, migrate
from porch.core.store.schema import (
    activity,
    members,
    tracker_positions,
    tracker_syncs,
    workspaces,
)
from porch.runtime.settings import Settings
from porch.runtime.tracker_sync import lease_name, sync_once
from porch.sheets_sync.client import TrackerError
from porch.sheets_sync.local import LocalTracker
from tests.sheets_sync.conftest import NOW, put_member, with_sheet

DAY = dt.timedelta(days=1)


def seed(engine: Engine, team_id: str, *, messages: int) -> None:
    """Members U1 and U2 in `team_id`, and `messages` messages by U1 over the last days."""
    with engine.begin() as conn:
        conn.execute(
            insert(workspaces),
            [{"team_id": team_id, "name": team_id, "installed_at": NOW - 30 * DAY}],
        )
        conn.execute(
            insert(members),
            [
                {
                    "team_id": team_id,
                    "user_id": user_id,
                    "is_guest": False,
                    "is_deleted": False,
                    "joined_at": NOW - 20 * DAY,
                    "updated_at": NOW,
                }
                for user_id in ("U1", "U2")
            ],
        )
        conn.execute(
            insert(activity),
            [
                {
                    "team_id": team_id,
                    "channel_id": "C1",
                    "message_ts": f"{n}.0",
                    "kind": "message",
                    "user_id": "U1",
                    "at": NOW - n * dt.timedelta(hours=5),
                }
                for n in range(1, messages + 1)
            ],
        )
    for user_id in ("U1", "U2"):
        put_member(engine, user_id, team_id=team_id, Name=f"{user_id} of {team_id}")


def sheet_rows(path: Path, title: str) -> dict[str, dict[str, Any]]:
    sheet = load_workbook(path)[title]
    lines = list(sheet.iter_rows(values_only=True))
    return {str(line[0]): dict(zip(lines[0], line, strict=False)) for line in lines[1:]}


@pytest.fixture
def local(config: Config) -> Config:
    return with_sheet(config, None)


def test_two_workspaces_in_one_database_never_collide(
    engine: Engine, local: Config, settings: Settings, tmp_path: Path
) -> None:
    seed(engine, "T1", messages=2)
    seed(engine, "T2", messages=9)
    trackers = {
        team: LocalTracker(folder=tmp_path / team, tz=local.community.tz) for team in ("T1", "T2")
    }

    with pytest.raises(TrackerError, match="serves 2 workspaces"):
        sync_once(engine=engine, config=local, settings=settings, now=NOW)

    # T1's lease being held does not hold up T2.
    with engine.begin() as conn:
        assert locks.acquire(
            conn, name=lease_name("T1"), holder="elsewhere", until=NOW + DAY, now=NOW
        )
    report = sync_once(**common(engine, local, settings), tracker=trackers["T1"], team_id="T1")
    assert report.skipped
    report = sync_once(**common(engine, local, settings), tracker=trackers["T2"], team_id="T2")
    assert report.rows_written == 2 + report.feature_rows  # two members, their weeks
    with engine.begin() as conn:
        locks.release(conn, name=lease_name("T1"), holder="elsewhere")
    report = sync_once(**common(engine, local, settings), tracker=trackers["T1"], team_id="T1")
    assert report.rows_written == 2 + report.feature_rows == 3

    for team in ("T1", "T2"):
        people = sheet_rows(trackers[team].path, "Members")
        assert {key: row["Name"] for key, row in people.items()} == {
            "U1": f"U1 of {team}",
            "U2": f"U2 of {team}",
        }
    week = "2026-W47"
    t1 = sheet_rows(trackers["T1"].path, "Health")[week]
    t2 = sheet_rows(trackers["T2"].path, "Health")[week]
    assert (t1["Messages"], t2["Messages"]) == (2, 9)

    with engine.connect() as conn:
        placed = conn.execute(
            select(tracker_positions.c.team_id, tracker_positions.c.target).where(
                tracker_positions.c.sheet == "Members", tracker_positions.c.row_key == "U1"
            )
        ).all()
        logged = conn.execute(select(tracker_syncs.c.team_id, tracker_syncs.c.target)).all()
    expected = {(team, trackers[team].target) for team in ("T1", "T2")}
    assert set(placed) == expected
    assert set(logged) == expected

    # A change in T2 reaches only T2's tracker; T1 has nothing to do.
    put_member(engine, "U2", team_id="T2", Status="Introduced")
    report = sync_once(**common(engine, local, settings), tracker=trackers["T1"], team_id="T1")
    assert report.rows_written == 0
    report = sync_once(**common(engine, local, settings), tracker=trackers["T2"], team_id="T2")
    assert report.rows_written == 1
    assert sheet_rows(trackers["T2"].path, "Members")["U2"]["Status"] == "Introduced"
    assert sheet_rows(trackers["T1"].path, "Members")["U2"]["Status"] is None


def common(engine: Engine, config: Config, settings: Settings) -> dict[str, Any]:
    return {"engine": engine, "config": config, "settings": settings, "now": NOW}


def test_migration_0005_gives_existing_tracker_state_to_the_only_workspace(
    engine: Engine, tmp_path: Path
) -> None:
    # A database as 0004 left it, with one workspace and tracker state from before.
    url = engine.url.render_as_string(hide_password=False)
    if engine.dialect.name == "postgresql":
        schema = f"m_{tmp_path.name[-12:].lower().replace('-', '_')}"
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        old = create_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    else:
        old = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    # Every version location: later migrations live in the features' folders.
    config = alembic_config()
    try:
        with old.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "0004")
            conn.execute(
                text(
                    "INSERT INTO workspaces (team_id, name, installed_at) "
                    "VALUES ('T9', 'Nine', :at)"
                ),
                {"at": NOW.replace(tzinfo=None)},
            )
            conn.execute(
                text("INSERT INTO tracker_positions VALUES ('local:x', 'Members', 'U1', 2, :at)"),
                {"at": NOW.replace(tzinfo=None)},
            )
            conn.execute(
                text(
                    "INSERT INTO tracker_syncs (target, started_at, status, rows_written, "
                    "write_requests, read_requests) VALUES ('local:x', :at, 'ok', 1, 1, 0)"
                ),
                {"at": NOW.replace(tzinfo=None)},
            )
        migrate(old)
        with old.connect() as conn:
            assert conn.execute(
                select(tracker_positions.c.team_id, tracker_positions.c.row_key)
            ).all() == [("T9", "U1")]
            assert conn.execute(select(tracker_syncs.c.team_id)).scalars().all() == ["T9"]
    finally:
        old.dispose()
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
