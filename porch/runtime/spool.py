"""On SQLite, the edge stores events in a file of their own, so it never waits for a worker.

SQLite lets one process write at a time. With the edge and the workers in separate processes,
an event stored straight into the inbox would wait behind whatever the workers hold (a batch of
events, a tracker sync's bookkeeping), and SQLite's busy handler sleeps in growing steps while
it waits. So the edge writes to a spool beside the database (`porch.db.spool`), which only it
and one short statement of the workers ever write. The workers move spooled events into the
inbox in arrival order, then delete them from the spool.

Nothing is lost or doubled: an event leaves the spool only after the inbox transaction that
holds it has committed, and the inbox ignores an event it already has ((team_id, event_id) is
its key), so a worker that dies between the two steps moves the same rows again harmlessly. A
retry Slack sends later lands in the spool again and is dropped the same way.

PostgreSQL locks rows, not the database, so there the edge writes to the inbox directly.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from porch.core import domain_events, inbox
from porch.core.domain_events import DomainEvent
from porch.core.failure_log import FailureLog
from porch.core.store.write_turns import WriteTurns
from porch.runtime.background import BackgroundLoop
from porch.runtime.group_commit import GroupCommit

# The spool's one table. It is a buffer, not a record: nothing migrates it, and it is read
# only by `move_into`. Written with the sqlite3 module itself, not SQLAlchemy: storing is all
# an acknowledgement does, and the engine's own work per statement was most of its CPU.
SCHEMA = """
CREATE TABLE IF NOT EXISTS spooled_events (
    id INTEGER PRIMARY KEY,
    team_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    received_at TEXT NOT NULL,
    UNIQUE (team_id, event_id)
)
"""
INSERT = (
    "INSERT OR IGNORE INTO spooled_events (team_id, event_id, kind, payload, received_at) "
    "VALUES (?, ?, ?, ?, ?)"
)

# Events moved per inbox transaction: enough to keep up with a burst, few enough that the
# transaction stays short.
MOVE_BATCH = 500


def spool_path(engine: Engine) -> Path | None:
    """Where the spool of this SQLite database lives; None for PostgreSQL or an in-memory DB."""
    if engine.dialect.name != "sqlite":
        return None
    database = make_url(str(engine.url)).database
    if not database or database == ":memory:":
        return None
    return Path(f"{database}.spool")


class EventSpool:
    def __init__(self, *, path: Path) -> None:
        self.path = path
        self._local = threading.local()  # one connection per thread, as sqlite3 wants
        self._connection().executescript(SCHEMA)
        # Requests that arrive while another's insert is under way share the next transaction.
        self._group: GroupCommit[tuple[str, ...]] = GroupCommit(self._insert)

    @classmethod
    def beside(cls, engine: Engine) -> EventSpool | None:
        path = spool_path(engine)
        return cls(path=path) if path is not None else None

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            # Autocommit: each statement is its own transaction, and a reader never waits.
            connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            self._local.connection = connection
        return connection

    def accept(self, *, team_id: str, event_id: str, event: DomainEvent, now: dt.datetime) -> bool:
        """Spool the event unless it is already spooled; True when this delivery is the first.
        Returns once the transaction holding it has committed (group_commit.py)."""
        return self._group.submit(
            (
                team_id,
                event_id,
                event.kind,
                json.dumps(domain_events.to_payload(event)),
                now.astimezone(dt.UTC).isoformat(),
            )
        )

    def _insert(self, rows: Sequence[tuple[str, ...]]) -> list[bool]:
        connection = self._connection()
        if len(rows) == 1:
            return [connection.execute(INSERT, rows[0]).rowcount == 1]
        connection.execute("BEGIN IMMEDIATE")
        try:
            firsts = [connection.execute(INSERT, row).rowcount == 1 for row in rows]
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        return firsts

    def move_into(
        self, engine: Engine, *, write_turns: WriteTurns | None = None, limit: int = MOVE_BATCH
    ) -> int:
        """Move the oldest spooled events into `engine`'s inbox; how many were moved."""
        connection = self._connection()
        rows = connection.execute(
            "SELECT id, team_id, event_id, kind, payload, received_at FROM spooled_events "
            "ORDER BY id LIMIT ?",
            (limit,),
        ).fetchall()
        if not rows:
            return 0
        turns = write_turns or WriteTurns(enabled=False)
        with turns.turn(), engine.begin() as conn:
            for _, team_id, event_id, kind, payload, received_at in rows:
                inbox.accept(
                    conn,
                    team_id=team_id,
                    event_id=event_id,
                    event=domain_events.from_payload(kind, json.loads(payload)),
                    now=dt.datetime.fromisoformat(received_at),
                )
        connection.execute("DELETE FROM spooled_events WHERE id <= ?", (rows[-1][0],))
        return len(rows)

    def waiting(self) -> tuple[int, dt.datetime | None]:
        """(events spooled, when the oldest arrived), for GET /healthz's backlog."""
        count, oldest = (
            self._connection()
            .execute("SELECT count(*), min(received_at) FROM spooled_events")
            .fetchone()
        )
        return count, dt.datetime.fromisoformat(oldest) if oldest else None

    def dispose(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None


class SpoolIntake:
    """In a worker: moves spooled events into the inbox, then wakes the inbox processor.

    The edge may create the spool after the worker starts (both start together), so the file is
    looked for on each round until it appears. Without an engine (or on PostgreSQL) it is idle.
    """

    def __init__(
        self,
        *,
        engine: Engine | None,
        write_turns: WriteTurns | None = None,
        on_moved: Callable[[], None] = lambda: None,
        failures: FailureLog | None = None,
    ) -> None:
        self.engine = engine
        self.write_turns = write_turns
        self.on_moved = on_moved
        self.path = spool_path(engine) if engine is not None else None
        self.spool: EventSpool | None = None
        self._loop = BackgroundLoop(
            name="porch-intake",
            step=self.run_once,
            idle_seconds=lambda: 1.0,
            what="moving spooled events into the inbox",
            failures=failures,
        )

    def run_once(self) -> bool:
        if self.engine is None or self.path is None:
            return False
        if self.spool is None:
            if not self.path.exists():
                return False
            self.spool = EventSpool(path=self.path)
        moved = self.spool.move_into(self.engine, write_turns=self.write_turns)
        if moved:
            self.on_moved()
        return moved > 0

    def start(self) -> None:
        if self.path is not None:
            self._loop.start()

    def wake(self) -> None:
        self._loop.wake()

    def stop(self) -> None:
        self._loop.stop(timeout=10)
        if self.spool is not None:
            self.spool.dispose()
