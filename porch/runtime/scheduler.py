"""The one scheduler for all periodic work: every registered Job, for every workspace, when due.

Time comes from the injected Clock (a ManualClock in the demo and tests), so the `schedule`
library, which reads the wall clock itself, is not used. A job's slot is a store lease named
`job:{name}:{team_id}`, taken until now + `every` and not released afterwards: the lease is the
"last run" marker. Whichever replica takes it first runs that slot; the others (and this one)
find it held until the next slot. A failed run keeps its lease too, so it is logged and tried
again at its next slot rather than in a tight loop. Failures go to the FailureLog: a job (or the
pass itself, when the store is unreachable) that keeps failing logs its traceback once, then a
count a minute, then one line when it runs again. Jobs are idempotent on their own (effects
are keyed), so a run that outlives its slot and overlaps the next one does no harm.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import uuid
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import Engine, select, update

from porch.core import locks
from porch.core.clock import Clock, SystemClock
from porch.core.failure_log import FailureLog
from porch.core.feature import Job
from porch.core.store.schema import workspaces
from porch.core.store.upsert import insert_ignore
from porch.runtime.context import Porch

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobRun:
    """What one due job did for one workspace (`error` set when it raised)."""

    job: str
    team_id: str
    counts: Mapping[str, int] | None = None
    error: str | None = None


def lease_name(job: str, team_id: str) -> str:
    return f"job:{job}:{team_id}"


class Scheduler:
    """Runs the registered jobs for every workspace when the clock says they are due.

    `start()` polls in a daemon thread every `poll_seconds` of wall time; `run_due()` is the same
    step, callable directly (tests and the sandbox move a ManualClock and call it).
    """

    def __init__(
        self,
        *,
        engine: Engine,
        clock: Clock,
        jobs: Iterable[Job] = (),
        poll_seconds: float = 1.0,
        replica: str | None = None,
        failures: FailureLog | None = None,
        team_jobs: Mapping[str, Iterable[Job]] | None = None,
    ) -> None:
        self.engine = engine
        # Throttles the log of failures that repeat; wall time, not `clock` (the demo's clock
        # jumps by days).
        self.failures = failures or FailureLog(clock=SystemClock())
        self.clock = clock
        self.poll_seconds = poll_seconds
        # Names this replica in the leases it holds (for people reading the leases table).
        self.replica = replica or f"scheduler-{uuid.uuid4().hex[:12]}"
        self._jobs: dict[str, Job] = {}
        self._stop = threading.Event()
        # CPU time of the background thread (GET /healthz).
        self.cpu_seconds = 0.0
        self._thread: threading.Thread | None = None
        for job in jobs:
            self.register(job)
        # Many workspaces: the jobs of a workspace with its own community file, built from it
        # (its channels, its tracker, its intervals) in place of the default's.
        self._team_jobs: dict[str, dict[str, Job]] = {}
        for team_id, its_jobs in (team_jobs or {}).items():
            self._team_jobs[team_id] = {}
            for job in its_jobs:
                self._check(job, self._team_jobs[team_id])
                self._team_jobs[team_id][job.name] = job

    # ---- the registry ------------------------------------------------------------------------

    def register(self, job: Job) -> None:
        """Add a job; jobs run in the order registered. Names must be unique (they name leases)."""
        self._check(job, self._jobs)
        self._jobs[job.name] = job

    @staticmethod
    def _check(job: Job, registered: Mapping[str, Job]) -> None:
        if job.name in registered:
            raise ValueError(f"a job named {job.name!r} is already registered")
        if job.every <= dt.timedelta(0):
            raise ValueError(f"job {job.name!r} needs a positive interval, not {job.every}")

    @property
    def jobs(self) -> tuple[Job, ...]:
        return tuple(self._jobs.values())

    def job(self, name: str, *, team_id: str | None = None) -> Job:
        return self.jobs_of(team_id)[name]

    def jobs_of(self, team_id: str | None) -> Mapping[str, Job]:
        """The jobs that run for `team_id`: its community's, else the default's."""
        if team_id is None:
            return self._jobs
        return self._team_jobs.get(team_id, self._jobs)

    def team_ids(self) -> list[str]:
        """The workspaces jobs run for: all but those that uninstalled Porch."""
        with self.engine.connect() as conn:
            return list(
                conn.execute(
                    select(workspaces.c.team_id)
                    .where(workspaces.c.uninstalled_at.is_(None))
                    .order_by(workspaces.c.team_id)
                ).scalars()
            )

    # ---- running -----------------------------------------------------------------------------

    def run_due(
        self, *, now: dt.datetime | None = None, only: Collection[str] | None = None
    ) -> list[JobRun]:
        """Run every job whose slot has come for each workspace; returns what ran here.

        `now` defaults to the clock, read afresh before each job so that a slow job does not
        date the next one's lease in the past. `only` limits the pass to the jobs named.
        """
        ran: list[JobRun] = []
        for team_id in self.team_ids():
            for job in self.jobs_of(team_id).values():
                if only is not None and job.name not in only:
                    continue
                moment = now or self.clock.now()
                if self._take_slot(job, team_id=team_id, now=moment):
                    ran.append(self._run(job, team_id=team_id, now=moment))
        return ran

    def run_now(
        self, name: str, *, now: dt.datetime | None = None
    ) -> dict[str, Mapping[str, int] | None]:
        """Run one job for every workspace at once, without its lease, and let errors propagate.

        For a script that is the only actor (the sandbox settling after each step, a one-off
        command); slots taken by `run_due` are left as they are.
        """
        return {
            team_id: self.jobs_of(team_id)[name].run(self.engine, team_id, now or self.clock.now())
            for team_id in self.team_ids()
        }

    def _take_slot(self, job: Job, *, team_id: str, now: dt.datetime) -> bool:
        # A fresh holder per attempt: locks.acquire lets a holder renew its own lease, and this
        # lease must only be taken once it has run out, by this replica as by any other.
        holder = f"{self.replica[:48]}:{uuid.uuid4().hex[:8]}"
        with self.engine.begin() as conn:
            return locks.acquire(
                conn,
                name=lease_name(job.name, team_id),
                holder=holder,
                until=now + job.every,
                now=now,
            )

    def _run(self, job: Job, *, team_id: str, now: dt.datetime) -> JobRun:
        where = f"job {job.name} for workspace {team_id}"
        try:
            counts = job.run(self.engine, team_id, now)
        except Exception as error:
            self.failures.failed(
                logger, where=where, error=error, then="it runs again at its next slot"
            )
            return JobRun(job=job.name, team_id=team_id, error=f"{type(error).__name__}: {error}")
        self.failures.succeeded(where=where)
        if counts and any(counts.values()):
            logger.info("job %s for workspace %s: %s", job.name, team_id, dict(counts))
        return JobRun(job=job.name, team_id=team_id, counts=counts)

    # ---- the background thread ---------------------------------------------------------------

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="porch-scheduler", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop polling; a job that is running finishes first (up to `timeout` seconds)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            started = time.thread_time()
            try:
                self.run_due()
            except Exception as error:
                # The store was unreachable (listing workspaces, taking a lease): try next poll.
                self.failures.failed(
                    logger,
                    where="the scheduler's pass",
                    error=error,
                    then=f"trying again every {self.poll_seconds:g} s",
                )
            else:
                self.failures.succeeded(where="the scheduler's pass")
            self.cpu_seconds += time.thread_time() - started
            self._stop.wait(self.poll_seconds)


def remember_workspace(
    porch: Porch, *, team_id: str, name: str, bot_user_id: str, url: str | None = None
) -> None:
    """Record the workspace at first start (or install); later starts refresh what Slack may
    have changed, and an install after an uninstall makes it active again.

    The first start's moment is read from Porch's clock (the sandbox's manual one too): slots
    that came before it were never Porch's to catch up on (porch.core.first_start)."""
    with porch.engine.begin() as conn:
        inserted = insert_ignore(
            conn,
            workspaces,
            team_id=team_id,
            name=name,
            bot_user_id=bot_user_id,
            installed_at=porch.clock.now(),
            url=url,
        )
        if not inserted:
            conn.execute(
                update(workspaces)
                .where(workspaces.c.team_id == team_id)
                .values(name=name, bot_user_id=bot_user_id, url=url, uninstalled_at=None)
            )
