"""The edge's spool on SQLite: events stored beside the database, moved into the inbox in
order, each once, whatever happens between the two steps."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from porch.core import inbox
from porch.core.domain_events import Newcomer, TeamJoined
from porch.core.store.schema import inbox_events
from porch.runtime.spool import EventSpool, SpoolIntake, spool_path

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


def inbox_rows(engine: Engine) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(inbox_events.c.event_id, inbox_events.c.status).order_by(inbox_events.c.id)
        )
        return [(row.event_id, row.status) for row in rows]


@pytest.fixture
def sqlite_engine(engine: Engine) -> Engine:
    if engine.dialect.name != "sqlite":
        pytest.skip("the spool is SQLite's: PostgreSQL stores events in the inbox directly")
    return engine


def test_the_spool_lives_beside_a_sqlite_file_and_nowhere_else(sqlite_engine: Engine):
    path = spool_path(sqlite_engine)
    assert path is not None and path.name.endswith(".db.spool")
    assert EventSpool.beside(sqlite_engine) is not None


def test_events_move_into_the_inbox_in_arrival_order_and_a_retry_is_dropped(
    sqlite_engine: Engine,
):
    spool = EventSpool.beside(sqlite_engine)
    assert spool is not None
    for n, event_id in enumerate(["Ev03", "Ev01", "Ev02"]):
        assert spool.accept(
            team_id="T0PORCH", event_id=event_id, event=joined(f"U0NEW{n}"), now=NOW
        )
    # Slack's retry of a spooled event: not spooled twice.
    assert not spool.accept(team_id="T0PORCH", event_id="Ev01", event=joined("U0NEW1"), now=NOW)
    assert spool.waiting() == (3, NOW)

    assert spool.move_into(sqlite_engine) == 3
    assert spool.waiting() == (0, None)
    assert inbox_rows(sqlite_engine) == [(e, inbox.PENDING) for e in ("Ev03", "Ev01", "Ev02")]

    # The same retry after the move: spooled again, and dropped by the inbox's key.
    assert spool.accept(team_id="T0PORCH", event_id="Ev01", event=joined("U0NEW1"), now=NOW)
    assert spool.move_into(sqlite_engine) == 1
    assert [e for e, _ in inbox_rows(sqlite_engine)] == ["Ev03", "Ev01", "Ev02"]


def test_a_worker_that_died_between_the_inbox_and_the_spool_moves_nothing_twice(
    sqlite_engine: Engine,
):
    spool = EventSpool.beside(sqlite_engine)
    assert spool is not None
    spool.accept(team_id="T0PORCH", event_id="Ev01", event=joined("U0NEW1"), now=NOW)
    spool.accept(team_id="T0PORCH", event_id="Ev02", event=joined("U0NEW2"), now=NOW)
    # What the dead worker committed: Ev01 in the inbox (and processed), still in the spool.
    with sqlite_engine.begin() as conn:
        inbox.accept(conn, team_id="T0PORCH", event_id="Ev01", event=joined("U0NEW1"), now=NOW)
        (ev01,) = inbox.pending(conn, limit=1)
        inbox.mark_done(conn, ids=[ev01.id], now=NOW)

    assert spool.move_into(sqlite_engine) == 2
    assert inbox_rows(sqlite_engine) == [("Ev01", inbox.DONE), ("Ev02", inbox.PENDING)]
    assert spool.waiting() == (0, None)


def test_the_intake_waits_for_a_spool_the_edge_has_not_made_yet(sqlite_engine: Engine):
    woken: list[bool] = []
    intake = SpoolIntake(engine=sqlite_engine, on_moved=lambda: woken.append(True))
    assert intake.path is not None and not Path(intake.path).exists()
    assert intake.run_once() is False

    spool = EventSpool.beside(sqlite_engine)
    assert spool is not None
    spool.accept(team_id="T0PORCH", event_id="Ev01", event=joined("U0NEW1"), now=NOW)
    assert intake.run_once() is True
    assert woken == [True]
    assert inbox_rows(sqlite_engine) == [("Ev01", inbox.PENDING)]
    intake.stop()
