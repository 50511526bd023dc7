"""The edge's spool: events stored in a file of the edge's own (beside a SQLite database, in the
spool folder for PostgreSQL), moved into the inbox in order, each once, whatever happens
between the two steps, by one mover at a time."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, select

from porch.core import inbox
from porch.core.domain_events import Newcomer, TeamJoined, to_payload
from porch.core.store.schema import inbox_events
from porch.runtime.spool import EventSpool, SpoolIntake, spool_path
from porch.sandbox.slack_api import FakeSlack
from tests.conftest import empty_store
from tests.porch.runtime.test_cli import config_copy, free_port
from tests.porch.runtime.test_recovery import database_url, fake

__all__ = ["fake"]

NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def joined(user_id: str) -> TeamJoined:
    return TeamJoined(
        user=Newcomer(
            user_id=user_id,
            display_name=user_id.lower(),
            real_name=user_id,
            tz=None,
            is_bot=False,
            is_guest=False,
            is_deleted=False,
        )
    )


def spooled(path: Path) -> list[str]:
    """The event IDs in the spool's table, moved or not."""
    with sqlite3.connect(path) as conn:
        return [e for (e,) in conn.execute("SELECT event_id FROM edge_events ORDER BY id")]


def inbox_rows(engine: Engine) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(inbox_events.c.event_id, inbox_events.c.status).order_by(inbox_events.c.id)
        )
        return [(row.event_id, row.status) for row in rows]


@pytest.fixture
def spool(engine: Engine, tmp_path: Path) -> Iterator[EventSpool]:
    spool = EventSpool.beside(engine, folder=tmp_path)
    assert spool is not None
    yield spool
    spool.dispose()


def test_the_spool_lives_beside_a_sqlite_file_or_in_the_spool_folder(engine: Engine, tmp_path):
    path = spool_path(engine, folder=tmp_path / "spools")
    assert path is not None
    if engine.dialect.name == "sqlite":
        # Beside the database, whatever the folder.
        assert path.name.endswith(".db.spool") and path.parent.name != "spools"
    else:
        assert path.parent.name == "spools" and path.suffix == ".spool"
        # No folder, no spool: the edge then stores into the inbox itself.
        assert spool_path(engine) is None
        # Another schema (another store) never shares a spool.
        other = create_engine(engine.url.update_query_dict({"options": "-csearch_path=other"}))
        assert spool_path(other, folder=tmp_path / "spools") != path


def test_events_move_into_the_inbox_in_arrival_order_and_a_retry_is_dropped(
    engine: Engine, spool: EventSpool
):
    for n, event_id in enumerate(["Ev03", "Ev01", "Ev02"]):
        assert spool.accept(
            team_id="T0PORCH", event_id=event_id, event=joined(f"U0NEW{n}"), now=NOW
        )
    # Slack's retry of a spooled event: not spooled twice.
    assert not spool.accept(team_id="T0PORCH", event_id="Ev01", event=joined("U0NEW1"), now=NOW)
    assert spool.waiting() == (3, NOW)

    assert spool.move_into(engine) == 3
    assert spool.waiting() == (0, None)
    assert inbox_rows(engine) == [(e, inbox.PENDING) for e in ("Ev03", "Ev01", "Ev02")]

    # The same retry after the move: the spool still holds it (the edge drops moved events a
    # second later), so it is not stored again.
    assert not spool.accept(team_id="T0PORCH", event_id="Ev01", event=joined("U0NEW1"), now=NOW)
    assert spool.move_into(engine) == 0
    assert [e for e, _ in inbox_rows(engine)] == ["Ev03", "Ev01", "Ev02"]


def test_the_mover_only_reads_the_spool_and_the_edge_drops_what_was_moved(
    engine: Engine, tmp_path: Path
):
    """The edge alone writes the spool, so it never waits for a mover's write lock."""
    now = [0.0]
    path = spool_path(engine, folder=tmp_path)
    assert path is not None
    edge = EventSpool(path=path, clock=lambda: now[0])
    mover = EventSpool(path=path)
    for event_id, user in (("Ev01", "U0NEW1"), ("Ev02", "U0NEW2")):
        edge.accept(team_id="T0PORCH", event_id=event_id, event=joined(user), now=NOW)

    assert mover.move_into(engine) == 2
    assert spooled(path) == ["Ev01", "Ev02"]  # moved, not deleted: the mover wrote nothing
    assert edge.waiting() == (0, None)
    # A mover that starts again (a restarted worker) goes on from the number it wrote.
    assert EventSpool(path=path).move_into(engine) == 0

    now[0] += 2  # a second later, the edge's next write drops what was moved
    edge.accept(team_id="T0PORCH", event_id="Ev03", event=joined("U0NEW3"), now=NOW)
    assert spooled(path) == ["Ev03"]
    assert mover.move_into(engine) == 1
    assert [e for e, _ in inbox_rows(engine)] == ["Ev01", "Ev02", "Ev03"]
    # Slack's retry of Ev01, now gone from the spool: spooled again, dropped by the inbox.
    now[0] += 2
    assert edge.accept(team_id="T0PORCH", event_id="Ev01", event=joined("U0NEW1"), now=NOW)
    assert mover.move_into(engine) == 1
    assert [e for e, _ in inbox_rows(engine)] == ["Ev01", "Ev02", "Ev03"]
    for each in (edge, mover):
        each.dispose()


def test_a_spool_from_before_is_emptied_into_the_inbox_first(engine: Engine, tmp_path: Path):
    """Spools written by an earlier Porch kept their events in another table: moved first, in
    order, then the table is dropped."""
    path = spool_path(engine, folder=tmp_path)
    assert path is not None
    with sqlite3.connect(path) as old:
        old.execute(
            "CREATE TABLE spooled_events (id INTEGER PRIMARY KEY, team_id TEXT, event_id TEXT, "
            "kind TEXT, payload TEXT, received_at TEXT, UNIQUE (team_id, event_id))"
        )
        old.execute(
            "INSERT INTO spooled_events (team_id, event_id, kind, payload, received_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                "T0PORCH",
                "Ev00",
                "team_joined",
                json.dumps(to_payload(joined("U0OLD1"))),
                NOW.isoformat(),
            ),
        )
    spool = EventSpool(path=path)
    spool.accept(team_id="T0PORCH", event_id="Ev01", event=joined("U0NEW1"), now=NOW)
    assert spool.move_into(engine) == 1
    assert spool.move_into(engine) == 1
    assert spool.move_into(engine) == 0
    assert [e for e, _ in inbox_rows(engine)] == ["Ev00", "Ev01"]
    with sqlite3.connect(path) as after:
        tables = {name for (name,) in after.execute("SELECT name FROM sqlite_master")}
    assert "spooled_events" not in tables
    spool.dispose()


def test_a_worker_that_died_between_the_inbox_and_the_spool_moves_nothing_twice(
    engine: Engine, spool: EventSpool
):
    spool.accept(team_id="T0PORCH", event_id="Ev01", event=joined("U0NEW1"), now=NOW)
    spool.accept(team_id="T0PORCH", event_id="Ev02", event=joined("U0NEW2"), now=NOW)
    # What the dead worker committed: Ev01 in the inbox (and processed), still in the spool.
    with engine.begin() as conn:
        inbox.accept(conn, team_id="T0PORCH", event_id="Ev01", event=joined("U0NEW1"), now=NOW)
        (ev01,) = inbox.pending(conn, limit=1)
        inbox.mark_done(conn, ids=[ev01.id], now=NOW)

    assert spool.move_into(engine) == 2
    assert inbox_rows(engine) == [("Ev01", inbox.DONE), ("Ev02", inbox.PENDING)]
    assert spool.waiting() == (0, None)


def test_the_intake_waits_for_a_spool_the_edge_has_not_made_yet(engine: Engine, tmp_path):
    woken: list[bool] = []
    intake = SpoolIntake(engine=engine, folder=tmp_path, on_moved=lambda: woken.append(True))
    assert intake.path is not None and not Path(intake.path).exists()
    assert intake.run_once() is False

    spool = EventSpool.beside(engine, folder=tmp_path)
    assert spool is not None
    spool.accept(team_id="T0PORCH", event_id="Ev01", event=joined("U0NEW1"), now=NOW)
    assert intake.run_once() is True
    assert woken == [True]
    assert inbox_rows(engine) == [("Ev01", inbox.PENDING)]
    intake.stop()


def test_one_process_moves_a_spool_at_a_time_and_another_takes_over_when_it_stops(
    engine: Engine, tmp_path: Path
):
    """Two movers would move every event twice over (harmless, since the inbox drops the second,
    but twice the work), so the spool's lock file makes one of the workers its mover."""
    spool = EventSpool.beside(engine, folder=tmp_path)
    assert spool is not None
    first = SpoolIntake(engine=engine, folder=tmp_path)
    second = SpoolIntake(engine=engine, folder=tmp_path)
    spool.accept(team_id="T0PORCH", event_id="Ev01", event=joined("U0NEW1"), now=NOW)
    assert first.run_once() is True
    spool.accept(team_id="T0PORCH", event_id="Ev02", event=joined("U0NEW2"), now=NOW)
    assert second.run_once() is False  # the first holds the lock
    assert spool.waiting()[0] == 1

    first.stop()
    assert second.run_once() is True
    assert [e for e, _ in inbox_rows(engine)] == ["Ev01", "Ev02"]
    second.stop()
    spool.dispose()


@pytest.mark.postgres
def test_serve_on_postgresql_with_an_unwritable_spool_folder_stops_with_one_line(
    fake: FakeSlack, tmp_path: Path
):
    """The edge must be able to store what it acknowledges: `porch serve` says where it tried
    and what to set, and exits 2, instead of answering 500 to every event."""
    not_a_folder = tmp_path / "spools"
    not_a_folder.write_text("a file, not a folder")
    with empty_store("postgresql", tmp_path) as database:
        env = {
            **os.environ,
            "SLACK_BOT_TOKEN": fake.bot_token,
            "SLACK_SIGNING_SECRET": "secret-for-tests",
            "SLACK_API_URL": fake.api_url,
            "DATABASE_URL": database_url(database),
            "PORCH_CONFIG": str(config_copy(tmp_path)),
            "PORCH_SPOOL_DIR": str(not_a_folder),
            "PORT": str(free_port()),
        }
        done = subprocess.run(
            [sys.executable, "-m", "porch.runtime.cli", "serve", "--host", "127.0.0.1"],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 2, done.stderr[-3000:]
    [line] = [each for each in done.stderr.splitlines() if each.startswith("porch: ")]
    assert f"cannot write the edge's spool of events in {not_a_folder}" in line
    assert "PORCH_SPOOL_DIR" in line and "Traceback" not in done.stderr
