"""The inbox processor: stored events to the features, in batches, each batch exactly once.

The edge only stores an event and acknowledges it. This processor takes the pending events in
arrival order and, in one transaction per batch, lets every feature that handles the event's
type record what it causes, then marks the events done. A crash before the commit leaves the
whole batch pending, so it is replayed; after the commit nothing of it runs again. An event that
makes a feature fail is retried alone and, if it fails again, set aside as `failed` with its
traceback in the log, so one bad event never holds up the rest.

The inbox is leased per workspace: a processor (a thread of one replica) takes the lease of a
workspace with pending events and handles a batch of that workspace's events only. Events stay
in arrival order within a workspace, since only the lease holder takes them, while other
processors and replicas handle other workspaces at the same time. Workspaces take turns of up
to TURN: a turn goes to the workspace whose oldest pending event came first among those this
processor can lease, and lasts while it has events; the lease of the workspace a processor
leaves is handed back at once, so an idle processor can pick it up. The lease of a workspace
with nothing left is kept until it lapses (a replica that is alive picks up that workspace's
next events without writing a lease again).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections.abc import Callable, Sequence

from sqlalchemy import Connection, Engine

from porch.core import batch_cache, channel_directory, forget_marks, inbox, locks, member_records
from porch.core.clock import Clock, SystemClock
from porch.core.domain_events import AppUninstalled, DomainEvent, TokensRevoked
from porch.core.failure_log import FailureLog
from porch.core.inbox import StoredEvent
from porch.core.store import unreachable
from porch.core.store.write_turns import WriteTurns
from porch.features.registry import Features
from porch.runtime.background import BackgroundLoop

logger = logging.getLogger(__name__)

BATCH = 200
# On SQLite a batch holds the one write lock, and the edge's insert waits for it: a batch stops
# taking events after this long, so an acknowledgement never waits for much more.
BATCH_SECONDS = 0.02
# On PostgreSQL a batch locks only its own workspace's rows and nobody's acknowledgement waits
# for it, so it may run longer: fewer, fuller batches (each also costs the choice of workspace).
BATCH_SECONDS_POSTGRESQL = 0.25
# Far longer than a batch takes (renewed when half gone); a replica that dies mid-batch frees
# its workspace after this, so a restarted process picks up where it stopped within seconds.
LEASE = dt.timedelta(seconds=10)
# What the log calls the features' work on stored events (the FailureLog's `where`): a batch,
# and one event retried alone after its batch failed.
BATCHES = "processing a batch of stored events"
EVENTS = "processing a stored event"
# How long a processor keeps taking batches of one workspace before it looks again which
# workspace's events have waited longest: finding that out reads every pending event's
# workspace, which a backlog makes too slow to do for every batch.
TURN = 1.0


def lease_name(team_id: str) -> str:
    """The lease of one workspace's inbox (porch.core.locks)."""
    return f"inbox:{team_id}"


# (conn, team_id, event, now): an uninstall's changes, in the batch's transaction.
Uninstalls = Callable[[Connection, str, DomainEvent, dt.datetime], None]


class InboxProcessor:
    def __init__(
        self,
        *,
        engine: Engine,
        features: Features,
        clock: Clock,
        on_commit: Callable[[], None] = lambda: None,
        batch: int = BATCH,
        write_turns: WriteTurns | None = None,
        failures: FailureLog | None = None,
        uninstalls: Uninstalls | None = None,
        features_of: Callable[[str], Features] | None = None,
    ) -> None:
        self.engine = engine
        self.features = features
        # Many workspaces: each workspace's features, built from its own community file.
        self.features_of = features_of or (lambda team_id: features)
        # Many workspaces: what an uninstall changes (porch/runtime/installations.py `forget`).
        self.uninstalls = uninstalls
        self.clock = clock
        self.on_commit = on_commit
        self.batch = batch
        self.write_turns = write_turns or WriteTurns(enabled=False)
        self.failures = failures or FailureLog(clock=SystemClock())
        self.holder = f"inbox-{uuid.uuid4().hex[:12]}"
        self.processed = 0
        # How many events to read per batch: about what the last batch got through in its time
        # budget, so a batch does not decode rows it will leave for the next one.
        self._take = 32
        # The workspace whose inbox lease this processor holds, and until when.
        self._team: str | None = None
        self._lease_until: dt.datetime | None = None
        self._turn_ends = 0.0  # time.monotonic() when this workspace's turn is over
        self.failed = 0
        # Woken by each accepted event; the idle timeout picks up events another replica
        # accepted, or a batch whose lease lapsed.
        self._loop = BackgroundLoop(
            name="porch-inbox",
            step=lambda: self.run_once() > 0,
            idle_seconds=lambda: 1.0,
            what="inbox processing",
            failures=self.failures,
        )

    # ---- background loop -------------------------------------------------------------------

    def start(self) -> None:
        self._loop.start()

    def stop(self) -> None:
        self._loop.stop(timeout=10)

    def wake(self) -> None:
        self._loop.wake()

    @property
    def cpu_seconds(self) -> float:
        """CPU time of the background thread (GET /healthz), apart from the requests' own."""
        return self._loop.cpu_seconds

    # ---- processing ------------------------------------------------------------------------

    def drain(self, *, max_batches: int = 10_000) -> int:
        """Process until nothing is pending (tests and the sandbox call this directly)."""
        total = 0
        for _ in range(max_batches):
            done = self.run_once()
            if not done:
                break
            total += done
        return total

    def run_once(self) -> int:
        """Process one batch of one workspace; the number of events taken off the inbox.

        The workspace is chosen, and its lease taken, in a short transaction of its own, so a
        batch's transaction never holds a lease row another processor waits for. Reading the
        batch, the features' work and marking it done are then one transaction, under the
        workspace's member-writes lock (member_records.lock_workspace).
        """
        with self.write_turns.turn():
            team_id = self._workspace(fresh=False)
            done = self._batch(team_id) if team_id else 0
            if done is None:
                # The workspace of this turn has nothing left: look again at once.
                team_id = self._workspace(fresh=True)
                done = self._batch(team_id) if team_id else 0
        if not done:
            return 0
        self._take = max(8, min(self.batch, done * 2))
        self.processed += done
        self.on_commit()
        return done

    def _batch(self, team_id: str) -> int | None:
        """One batch of `team_id`'s events: how many were handled, None if it had none."""
        events: list[StoredEvent] = []
        try:
            with (
                self.engine.begin() as conn,
                channel_directory.cached(conn),
                batch_cache.batch(conn),
            ):
                events = inbox.pending(
                    conn, limit=min(self.batch, self._take), team_id=team_id, lock=True
                )
                if not events:
                    return None
                member_records.lock_workspace(conn, team_id=team_id)
                postgresql = conn.dialect.name == "postgresql"
                budget = BATCH_SECONDS_POSTGRESQL if postgresql else BATCH_SECONDS
                applied = self._apply(conn, events, budget=budget)
                inbox.mark_done(conn, ids=[e.id for e in applied], now=self.clock.now())
            self.failures.succeeded(where=BATCHES)
            self.failures.succeeded(where=EVENTS)
            return len(applied)
        except Exception as error:
            if not events or unreachable(error):
                # Nothing taken, or the store is unreachable: the batch stays pending and the
                # loop tries again (retrying its events one by one would only fail again).
                raise
            self.failures.failed(
                logger,
                where=BATCHES,
                error=error,
                then=f"retrying its {len(events)} events one by one",
            )
            for event in events:
                self._one(event)
            return len(events)

    def _workspace(self, *, fresh: bool) -> str | None:
        """The workspace to take a batch from, with its lease held; None when there is none.

        During a turn (unless `fresh`), the turn's workspace while its lease has more than half
        left. Otherwise the first workspace, in order of its oldest pending event, that is ours
        or whose lease is free (or has lapsed); our lease is renewed only when half of it is
        gone, and the lease of a workspace we leave is handed back.
        """
        now = self.clock.now()
        lease_left = self._lease_until is not None and self._lease_until - now >= LEASE / 2
        if not fresh and self._team and lease_left and time.monotonic() < self._turn_ends:
            return self._team
        self._turn_ends = time.monotonic() + TURN
        with self.engine.begin() as conn:
            for team_id in inbox.waiting_workspaces(conn):
                if team_id == self._team and lease_left:
                    return team_id
                if not locks.acquire(
                    conn, name=lease_name(team_id), holder=self.holder, until=now + LEASE, now=now
                ):
                    continue
                if self._team is not None and self._team != team_id:
                    locks.release(conn, name=lease_name(self._team), holder=self.holder)
                self._team, self._lease_until = team_id, now + LEASE
                return team_id
        return None

    def _one(self, event: StoredEvent) -> None:
        try:
            with self.engine.begin() as conn:
                self._apply(conn, [event])
                inbox.mark_done(conn, ids=[event.id], now=self.clock.now())
        except Exception as exc:
            if unreachable(exc):
                # Not the event's fault: it stays pending for the next pass, never set aside.
                raise
            # The inbox keeps each event's error; the log says it once per kind and minute.
            self.failures.failed(
                logger,
                where=EVENTS,
                error=exc,
                then=f"event {event.event_id} ({event.event.kind}) set aside as failed",
            )
            self.failed += 1
            with self.engine.begin() as conn:
                inbox.mark_failed(
                    conn,
                    event_id=event.id,
                    error=f"{type(exc).__name__}: {exc}",
                    now=self.clock.now(),
                )

    def _apply(
        self, conn: Connection, events: Sequence[StoredEvent], *, budget: float | None = None
    ) -> Sequence[StoredEvent]:
        """Let the features handle `events` in order; stop early once `budget` seconds pass."""
        now = self.clock.now()
        started = time.perf_counter()
        for count, stored in enumerate(events, start=1):
            if forget_marks.ignores(conn, team_id=stored.team_id, event=stored.event):
                continue
            features = self.features_of(stored.team_id)
            for handler in features.handlers_for(type(stored.event)):
                handler(conn, stored.team_id, stored.event, now)
            if self.uninstalls is not None and isinstance(
                stored.event, AppUninstalled | TokensRevoked
            ):
                self.uninstalls(conn, stored.team_id, stored.event, now)
            if budget is not None and time.perf_counter() - started > budget:
                return events[:count]
        return events
