"""Periodic jobs: the introductions thread, newcomer mentions, follow-ups and reconciliation.

Scheduling uses the `schedule` library on a private Scheduler (no global job list). Every job is
idempotent on its own (effects are keyed), and runs under a store lease so that among replicas
only one does the work.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import uuid
from collections.abc import Callable, Iterable

import schedule
from slack_sdk import WebClient
from sqlalchemy import select, update

from porch.core import locks
from porch.core.domain_events import Newcomer
from porch.core.store.schema import workspaces
from porch.core.store.upsert import insert_ignore
from porch.runtime.context import Porch

logger = logging.getLogger(__name__)

# Longer than any one run of a job; a replica that dies mid-job frees it after this.
JOB_LEASE = dt.timedelta(minutes=10)


class Jobs:
    def __init__(self, *, porch: Porch, client: WebClient) -> None:
        self.porch = porch
        self.client = client
        self.holder = f"jobs-{uuid.uuid4().hex[:12]}"
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def team_ids(self) -> list[str]:
        with self.porch.engine.begin() as conn:
            return [row.team_id for row in conn.execute(select(workspaces.c.team_id))]

    def onboarding_tick(self) -> dict[str, int]:
        """Every feature job for every workspace; cheap when nothing is due."""
        totals: dict[str, int] = {}
        now = self.porch.clock.now()
        for team_id in self.team_ids():
            for job in self.porch.features.jobs:
                for key, value in (job.run(self.porch.engine, team_id, now) or {}).items():
                    totals[key] = totals.get(key, 0) + value
        self.porch.on_commit()
        return totals

    def reconcile(
        self,
        *,
        team_id: str,
        welcome: bool = True,
        progress: Callable[[int], None] | None = None,
    ) -> dict[str, int]:
        """Compare users.list with the store (paginated; slack_sdk waits out rate limits)."""
        totals = {"welcomed": 0, "recorded": 0, "skipped": 0, "known": 0}
        for users in self._user_pages():
            with self.porch.engine.begin() as conn:
                counts = self.porch.features.onboarding.reconcile(
                    conn,
                    team_id=team_id,
                    users=users,
                    now=self.porch.clock.now(),
                    welcome=welcome,
                )
            for key, value in counts.items():
                totals[key] += value
            if progress:
                progress(len(users))
        self.porch.on_commit()
        return totals

    def _user_pages(self) -> Iterable[list[Newcomer]]:
        for page in self.client.users_list(limit=200):
            yield [Newcomer.from_slack(user) for user in page["members"]]

    # ---- background loop -------------------------------------------------------------------

    def start(self, *, team_id: str) -> None:
        scheduler = schedule.Scheduler()
        scheduler.every(1).minutes.do(self._guarded, "onboarding", self.onboarding_tick)
        every = self.porch.config.onboarding.reconcile_every_minutes
        scheduler.every(every).minutes.do(
            self._guarded, "reconcile", lambda: self.reconcile(team_id=team_id)
        )
        self._thread = threading.Thread(
            target=self._loop, args=(scheduler,), name="porch-jobs", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=10)

    def _loop(self, scheduler: schedule.Scheduler) -> None:
        scheduler.run_all()
        while not self._stop.wait(1):
            scheduler.run_pending()

    def _guarded(self, name: str, job: Callable[[], object]) -> None:
        """Run `job` if this replica holds its lease; log and carry on when it fails."""
        lease = f"job:{name}"
        with self.porch.engine.begin() as conn:
            now = dt.datetime.now(dt.UTC)
            if not locks.acquire(
                conn, name=lease, holder=self.holder, until=now + JOB_LEASE, now=now
            ):
                return
        try:
            job()
        except Exception:
            logger.exception("job %s failed; it runs again at its next slot", name)
        finally:
            with self.porch.engine.begin() as conn:
                locks.release(conn, name=lease, holder=self.holder)


def remember_workspace(
    porch: Porch, *, team_id: str, name: str, bot_user_id: str, url: str | None = None
) -> None:
    """Record the workspace at first start; later starts refresh what Slack may have changed."""
    with porch.engine.begin() as conn:
        inserted = insert_ignore(
            conn,
            workspaces,
            team_id=team_id,
            name=name,
            bot_user_id=bot_user_id,
            installed_at=dt.datetime.now(dt.UTC),
            url=url,
        )
        if not inserted:
            conn.execute(
                update(workspaces)
                .where(workspaces.c.team_id == team_id)
                .values(name=name, bot_user_id=bot_user_id, url=url)
            )
