"""The edge stores events in a file of its own, so an acknowledgement never waits for a worker
or for the shared database.

On SQLite one process writes at a time: an event stored straight into the inbox would wait
behind whatever the workers hold (a batch of events, a tracker sync's bookkeeping), and
SQLite's busy handler sleeps in growing steps while it waits. On PostgreSQL an insert waits on
a round trip and a commit that queue behind the workers' own statements, and the driver's work
per request cost the edge twice SQLite's CPU: at a burst's rate acknowledgements took seconds
(bench/README.md). So the edge writes to a spool, a small SQLite file of its own: beside the
database file on SQLite, in $PORCH_SPOOL_DIR (else community.yml's folder) on PostgreSQL,
named after the database so two stores never share one. With PostgreSQL unreachable the edge
still acknowledges, and the events wait in the spool until it is back.

Only the edge writes the spool, so an acknowledgement never waits for a worker's lock (SQLite
has one writer at a time, and its busy handler sleeps in growing steps: a mover descheduled
while it deleted rows held up every request behind it). The mover only reads it: it moves the
events after the last one it moved, in arrival order, into the inbox in one statement, and
then writes that event's number beside the spool (`….moved`); the edge drops what was moved,
a second at a time, in its own transactions. Nothing is lost or doubled: the number is written
only after the inbox transaction has committed, and the inbox ignores an event it already has
((team_id, event_id) is its key), so a mover that dies between the two steps moves the same
rows again harmlessly. The spool never reuses an event's number (AUTOINCREMENT). A retry Slack
sends later lands in the spool again and is dropped the same way. One process moves a spool
at a time (it holds a lock file beside it).

Each replica (each machine behind a load balancer) has its own spool, moved by its own
workers, so the spool folder must be on a disk that outlives the process, as a database's is.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url

from porch.core import domain_events, inbox
from porch.core.domain_events import DomainEvent
from porch.core.failure_log import FailureLog
from porch.core.store.schema import inbox_events
from porch.core.store.write_turns import WriteTurns
from porch.runtime.background import BackgroundLoop
from porch.runtime.group_commit import GroupCommit

# The spool's one table. It is a buffer, not a record: nothing migrates it, and it is read
# only by `move_into`. Written with the sqlite3 module itself, not SQLAlchemy: storing is all
# an acknowledgement does, and the engine's own work per statement was most of its CPU.
SCHEMA = """
CREATE TABLE IF NOT EXISTS edge_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    team_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    received_at TEXT NOT NULL,
    UNIQUE (team_id, event_id)
)
"""
INSERT = (
    "INSERT OR IGNORE INTO edge_events (team_id, event_id, kind, payload, received_at) "
    "VALUES (?, ?, ?, ?, ?)"
)
COLUMNS = "id, team_id, event_id, kind, payload, received_at"
# The table of spools written before the mover stopped writing them (its rows deleted by the
# mover, their numbers reused): a mover empties it, then drops it.
LEGACY = "spooled_events"
# How often the edge drops what the mover has moved.
PRUNE_SECONDS = 1.0

# WAL pages (4 KiB each) after which a commit on the edge checkpoints the spool itself.
BACKSTOP_CHECKPOINT_PAGES = 25_000

# Events moved per inbox transaction: enough to keep up with a burst, few enough that the
# transaction stays short.
MOVE_BATCH = 500


def spool_path(engine: Engine, *, folder: Path | None = None) -> Path | None:
    """Where the edge's spool for this database lives: beside a SQLite file; in `folder` for
    PostgreSQL (none without one); None for an in-memory database."""
    url = make_url(str(engine.url))
    if engine.dialect.name == "sqlite":
        database = url.database
        if not database or database == ":memory:":
            return None
        return Path(f"{database}.spool")
    if folder is None:
        return None
    # The whole address, options (a schema's search_path) included, so two stores never share
    # a spool; hashed, so no password lands in a file name.
    key = hashlib.sha256(url.render_as_string(hide_password=False).encode()).hexdigest()[:16]
    return folder / f"porch-{url.get_backend_name()}-{key}.spool"


class EventSpool:
    def __init__(self, *, path: Path, clock: Callable[[], float] = time.monotonic) -> None:
        self.path = path
        # The number of the last event moved into the inbox, written by the mover.
        self.moved_path = Path(f"{path}.moved")
        self._clock = clock
        self._local = threading.local()  # one connection per thread, as sqlite3 wants
        self._connection().executescript(SCHEMA)
        # Requests that arrive while another's insert is under way share the next transaction.
        self._group: GroupCommit[tuple[str, ...]] = GroupCommit(self._insert)
        self._next_prune = 0.0
        self._pruned = 0
        self._mover_mark = 0

    @classmethod
    def beside(cls, engine: Engine, *, folder: Path | None = None) -> EventSpool | None:
        path = spool_path(engine, folder=folder)
        return cls(path=path) if path is not None else None

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            # Autocommit: each statement is its own transaction, and a reader never waits.
            connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            # A checkpoint syncs the file to disk, tens of milliseconds that the request whose
            # commit crossed the threshold would wait. The mover checkpoints after each move
            # instead (move_into); this far larger threshold is a backstop while none runs.
            connection.execute(f"PRAGMA wal_autocheckpoint={BACKSTOP_CHECKPOINT_PAGES}")
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
        moved = self._prune_to()
        if len(rows) == 1 and moved is None:
            return [connection.execute(INSERT, rows[0]).rowcount == 1]
        connection.execute("BEGIN IMMEDIATE")
        try:
            if moved is not None:
                connection.execute("DELETE FROM edge_events WHERE id <= ?", (moved,))
            firsts = [connection.execute(INSERT, row).rowcount == 1 for row in rows]
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        if moved is not None:
            self._pruned = moved
        return firsts

    def _prune_to(self) -> int | None:
        """On the edge, once a second: the events up to this number were moved, drop them."""
        now = self._clock()
        if now < self._next_prune:
            return None
        self._next_prune = now + PRUNE_SECONDS
        moved = self.moved()
        return moved if moved > self._pruned else None

    def moved(self) -> int:
        """The number of the last event the mover moved (0 before the first)."""
        try:
            return int(self.moved_path.read_text(encoding="ascii") or 0)
        except (FileNotFoundError, ValueError):
            return 0

    def move_into(
        self, engine: Engine, *, write_turns: WriteTurns | None = None, limit: int = MOVE_BATCH
    ) -> int:
        """Move the oldest events not moved yet into `engine`'s inbox; how many were moved.
        Reads the spool only (but for a legacy table, see LEGACY)."""
        connection = self._connection()
        if moved := self._move_legacy(engine, write_turns=write_turns, limit=limit):
            return moved
        self._mover_mark = max(self._mover_mark, self.moved())
        rows = connection.execute(
            f"SELECT {COLUMNS} FROM edge_events WHERE id > ? ORDER BY id LIMIT ?",
            (self._mover_mark, limit),
        ).fetchall()
        if not rows:
            return 0
        _into_inbox(engine, rows, write_turns=write_turns)
        self._mover_mark = rows[-1][0]
        partial = self.moved_path.with_name(self.moved_path.name + ".partial")
        partial.write_text(str(self._mover_mark), encoding="ascii")
        os.replace(partial, self.moved_path)
        # PASSIVE: copies what it can without waiting for (or holding up) the edge's writes.
        connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
        return len(rows)

    def _move_legacy(self, engine: Engine, *, write_turns: WriteTurns | None, limit: int) -> int:
        connection = self._connection()
        if (
            connection.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (LEGACY,)
            ).fetchone()
            is None
        ):
            return 0
        rows = connection.execute(
            f"SELECT {COLUMNS} FROM {LEGACY} ORDER BY id LIMIT ?", (limit,)
        ).fetchall()
        if not rows:
            connection.execute(f"DROP TABLE {LEGACY}")
            return 0
        _into_inbox(engine, rows, write_turns=write_turns)
        connection.execute(f"DELETE FROM {LEGACY} WHERE id <= ?", (rows[-1][0],))
        return len(rows)

    def waiting(self) -> tuple[int, dt.datetime | None]:
        """(events spooled and not moved yet, when the oldest arrived), for GET /healthz."""
        count, oldest = (
            self._connection()
            .execute(
                "SELECT count(*), min(received_at) FROM edge_events WHERE id > ?", (self.moved(),)
            )
            .fetchone()
        )
        return count, dt.datetime.fromisoformat(oldest) if oldest else None

    def dispose(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None


def _into_inbox(
    engine: Engine, rows: Sequence[tuple[Any, ...]], *, write_turns: WriteTurns | None
) -> None:
    """Spooled rows into the inbox in one statement, in `rows` order (arrival order); an
    event the inbox has already is skipped."""
    insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
    turns = write_turns or WriteTurns(enabled=False)
    with turns.turn(), engine.begin() as conn:
        conn.execute(
            insert(inbox_events).on_conflict_do_nothing(),
            [
                {
                    "team_id": team_id,
                    "event_id": event_id,
                    "kind": kind,
                    "payload": json.loads(payload),
                    "received_at": dt.datetime.fromisoformat(received_at),
                    "status": inbox.PENDING,
                }
                for _, team_id, event_id, kind, payload, received_at in rows
            ],
        )


class SpoolIntake:
    """In a worker: moves spooled events into the inbox, then wakes the inbox processor.

    The edge may create the spool after the worker starts (both start together), so the file is
    looked for on each round until it appears. Of the workers, the one holding the spool's lock
    file moves it (see the module's docstring); the others' intakes wait for the lock, so a
    restarted or stopped mover is replaced within a round. Without an engine, or on PostgreSQL
    without a spool folder, it is idle.
    """

    def __init__(
        self,
        *,
        engine: Engine | None,
        folder: Path | None = None,
        write_turns: WriteTurns | None = None,
        on_moved: Callable[[], None] = lambda: None,
        failures: FailureLog | None = None,
    ) -> None:
        self.engine = engine
        self.write_turns = write_turns
        self.on_moved = on_moved
        self.path = spool_path(engine, folder=folder) if engine is not None else None
        self.spool: EventSpool | None = None
        self._lock_fd: int | None = None
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
            if not self.path.exists() or not self._lock():
                return False
            self.spool = EventSpool(path=self.path)
        moved = self.spool.move_into(self.engine, write_turns=self.write_turns)
        if moved:
            self.on_moved()
        return moved > 0

    def _lock(self) -> bool:
        """Whether this process is (now) the spool's one mover; the lock goes with the process."""
        if self._lock_fd is None:
            assert self.path is not None
            descriptor = os.open(f"{self.path}.mover", os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(descriptor)
                return False
            self._lock_fd = descriptor
        return True

    def start(self) -> None:
        if self.path is not None:
            self._loop.start()

    def wake(self) -> None:
        self._loop.wake()

    def stop(self) -> None:
        self._loop.stop(timeout=10)
        if self.spool is not None:
            self.spool.dispose()
            self.spool = None
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None
