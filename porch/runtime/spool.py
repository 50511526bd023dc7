"""The edge stores events in a file of its own, so an acknowledgement never waits for a worker
or for the shared database.

On SQLite one process writes at a time: an event stored straight into the inbox would wait
behind whatever the workers hold (a batch of events, a tracker sync's bookkeeping), and
SQLite's busy handler sleeps in growing steps while it waits. On PostgreSQL an insert waits on
a round trip and a commit that queue behind the workers' own statements, and the driver's work
per request cost the edge twice SQLite's CPU: at a burst's rate acknowledgements took seconds
(bench/README.md). So the edge writes to a spool, a small SQLite file that only it and the
mover write: beside the database file on SQLite, in $PORCH_SPOOL_DIR (else community.yml's
folder) on PostgreSQL, named after the database so two stores never share one. A worker moves
spooled events into the inbox in arrival order, many in one statement, then deletes them
from the spool. With PostgreSQL unreachable the edge still acknowledges, and the events wait
in the spool until it is back.

Nothing is lost or doubled: an event leaves the spool only after the inbox transaction that
holds it has committed, and the inbox ignores an event it already has ((team_id, event_id) is
its key), so a worker that dies between the two steps moves the same rows again harmlessly. A
retry Slack sends later lands in the spool again and is dropped the same way. One process
moves a spool at a time (it holds a lock file beside it): two movers could each delete what
the other had read, and the spool reuses row IDs once it is empty.

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
from collections.abc import Callable, Sequence
from pathlib import Path

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
    def __init__(self, *, path: Path) -> None:
        self.path = path
        self._local = threading.local()  # one connection per thread, as sqlite3 wants
        self._connection().executescript(SCHEMA)
        # Requests that arrive while another's insert is under way share the next transaction.
        self._group: GroupCommit[tuple[str, ...]] = GroupCommit(self._insert)

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
        insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
        turns = write_turns or WriteTurns(enabled=False)
        with turns.turn(), engine.begin() as conn:
            # One statement for the lot; in `rows` order, which is arrival order.
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
        connection.execute("DELETE FROM spooled_events WHERE id <= ?", (rows[-1][0],))
        # PASSIVE: copies what it can without waiting for (or holding up) the edge's writes.
        connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
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
