"""The tracker sync worker: what `porch sync` and the scheduler's job in serve/run call.

Handlers only queue rows in the store (porch.core.tracker_queue.put_row); Sheet I/O happens
here, never
inside a Slack request. A cycle takes the `tracker-sync` lease (so one replica writes at a
time), refreshes the weekly Health rows, and lets the tracker write every pending row:

- a Google Sheet when `tracker.sheet` is set and GOOGLE_APPLICATION_CREDENTIALS is present,
- otherwise the local folder `tracker.local_dir` (tracker.xlsx), relative to community.yml.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from sqlalchemy import Connection, Engine, func, select

from porch.core import locks, tracker_queue
from porch.core.config import Config
from porch.core.feature import Job
from porch.core.store import connect, migrate
from porch.core.store.schema import members, tracker_rows
from porch.features import health
from porch.runtime.settings import Settings
from sheets_sync import outbox
from sheets_sync.base import CycleResult, Progress, TrackerBackend
from sheets_sync.client import RetryPolicy, TrackerError, WriteLimiter

logger = logging.getLogger(__name__)

LEASE_NAME = "tracker-sync"
# Longer than any cycle can take (each request gives up after RetryPolicy.budget), so a lease
# only lapses when its holder died; then another replica takes over within this time.
LEASE_TIME = dt.timedelta(minutes=10)


@dataclass
class SyncReport:
    target: str
    skipped: bool = False
    rows_written: int = 0
    rows_pending: int = 0
    restored: int = 0
    write_requests: int = 0
    read_requests: int = 0
    retries: int = 0
    seconds: float = 0.0
    health_weeks: int = 0

    def summary(self) -> str:
        if self.skipped:
            return f"{self.target}: another Porch replica is syncing it right now; nothing to do"
        if not self.rows_written and not self.write_requests:
            return f"{self.target}: up to date ({self.seconds:.1f} s)"
        restored = f", {self.restored} restored" if self.restored else ""
        left = f"; {self.rows_pending} still queued" if self.rows_pending else ""
        return (
            f"{self.target}: {self.rows_written} rows written{restored} with "
            f"{self.write_requests} write and {self.read_requests} read requests "
            f"in {self.seconds:.1f} s{left}"
        )


def make_tracker(
    *,
    config: Config,
    settings: Settings,
    retry: RetryPolicy | None = None,
    limiter: WriteLimiter | None = None,
) -> TrackerBackend:
    """The Google Sheet when it is configured and credentials exist, else the local folder."""
    tags = list(config.feedback.tags.values())
    tz = config.community.tz
    if config.tracker.sheet and settings.google_credentials:
        from sheets_sync.google import GoogleSheetTracker

        return GoogleSheetTracker(
            sheet=config.tracker.sheet,
            credentials_path=settings.google_credentials,
            api_url=settings.sheets_api_url,
            tz=tz,
            feedback_tags=tags,
            retry=retry,
            limiter=limiter,
        )
    from sheets_sync.local import LocalTracker

    if config.tracker.sheet:
        logger.warning(
            "tracker.sheet is set but GOOGLE_APPLICATION_CREDENTIALS is not: "
            "writing the local tracker instead"
        )
    folder = Path(config.tracker.local_dir)
    if not folder.is_absolute():
        folder = settings.config_path.parent / folder
    return LocalTracker(folder=folder, tz=tz, feedback_tags=tags)


def sync_once(
    *,
    engine: Engine,
    config: Config,
    settings: Settings,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
    tracker: TrackerBackend | None = None,
) -> SyncReport:
    """One sync cycle: write every queued row to the tracker (a no-op when nothing changed)."""
    return _run(
        engine=engine,
        config=config,
        settings=settings,
        now=now,
        progress=progress,
        tracker=tracker,
        rebuild=False,
    )


def backfill(
    *,
    engine: Engine,
    config: Config,
    settings: Settings,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
    tracker: TrackerBackend | None = None,
) -> SyncReport:
    """Rebuild the tracker from the store: every week of Health, every row, the layout, charts.

    Rows already in the Sheet are rewritten where they are (managers' notes stay beside them);
    missing ones are added.
    """
    return _run(
        engine=engine,
        config=config,
        settings=settings,
        now=now,
        progress=progress,
        tracker=tracker,
        rebuild=True,
    )


def _run(
    *,
    engine: Engine,
    config: Config,
    settings: Settings,
    now: dt.datetime | None,
    progress: Progress | None,
    tracker: TrackerBackend | None,
    rebuild: bool,
) -> SyncReport:
    now = now or dt.datetime.now(dt.UTC)
    target = tracker or make_tracker(config=config, settings=settings)
    holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    with engine.begin() as conn:
        if not locks.acquire(conn, name=LEASE_NAME, holder=holder, until=now + LEASE_TIME, now=now):
            return SyncReport(target=target.description, skipped=True)
    started = time.monotonic()
    result = CycleResult()
    try:
        with engine.begin() as conn:
            moved_from = outbox.last_target(conn)
            if rebuild or (moved_from is not None and moved_from != target.target):
                if not rebuild:
                    logger.info("tracker moved to %s: writing every row there", target.description)
                outbox.requeue_all(conn)
            weeks = refresh_health(conn, config=config, now=now, everything=rebuild)
        result = target.sync(engine, now=now, rebuild=rebuild, progress=progress)
    except Exception as error:
        _log_cycle(engine, target, now=now, status="failed", result=result, error=error)
        raise
    finally:
        with engine.begin() as conn:
            locks.release(conn, name=LEASE_NAME, holder=holder)
    if result.rows_written or result.write_requests:
        _log_cycle(engine, target, now=now, status="ok", result=result)
    with engine.connect() as conn:
        left = outbox.count_pending(conn)
    return SyncReport(
        target=target.description,
        rows_written=result.rows_written,
        rows_pending=left,
        restored=result.restored,
        write_requests=result.write_requests,
        read_requests=result.read_requests,
        retries=result.retries,
        seconds=time.monotonic() - started,
        health_weeks=weeks,
    )


def _log_cycle(
    engine: Engine,
    target: TrackerBackend,
    *,
    now: dt.datetime,
    status: str,
    result: CycleResult,
    error: BaseException | None = None,
) -> None:
    with engine.begin() as conn:
        outbox.record_cycle(
            conn,
            target=target.target,
            started_at=now,
            finished_at=dt.datetime.now(dt.UTC),
            status=status,
            rows_written=result.rows_written,
            write_requests=result.write_requests,
            read_requests=result.read_requests,
            error=f"{type(error).__name__}: {error}"[:2000] if error else None,
        )


def refresh_health(
    conn: Connection, *, config: Config, now: dt.datetime, everything: bool = False
) -> int:
    """Queue the Health rows that may have changed; returns how many weeks were computed.

    Normally that is this week and last week (last week's figures settle after it ends). The
    first time, or with `everything`, it is every week since activity was first recorded.
    """
    tz = config.community.tz
    thresholds = config.thresholds
    teams = list(conn.execute(select(members.c.team_id).distinct()).scalars())
    computed = 0
    for team_id in teams:
        has_rows = conn.execute(
            select(func.count())
            .select_from(tracker_rows)
            .where(tracker_rows.c.team_id == team_id, tracker_rows.c.sheet == "Health")
        ).scalar_one()
        first = health.first_activity(conn, team_id=team_id)
        if everything or not has_rows:
            weeks = health.weeks_between(first or now, now, tz)
        else:
            weeks = health.weeks_between(now - dt.timedelta(days=7), now, tz)
        for week in health.weekly_health(
            conn,
            team_id=team_id,
            weeks=weeks,
            tz=tz,
            now=now,
            healthy_pct=thresholds.healthy_participation_pct,
            stagnant_pct=thresholds.stagnant_participation_pct,
        ):
            tracker_queue.put_row(
                conn,
                team_id=team_id,
                sheet="Health",
                key=week.week,
                values=week.tracker_values(),
                now=now,
            )
        computed += len(weeks)
    return computed


JOB_NAME = "tracker-sync"


class _SyncJob:
    """The tracker sync as a scheduler Job's body: one cycle per slot.

    The tracker is built at the first run and kept: it holds the access token and the
    write-rate limiter. A failed cycle raises; the scheduler logs it with its traceback and the
    outbox keeps every row until the tracker confirmed it, so the next slot simply tries again.
    """

    def __init__(
        self, *, config: Config, settings: Settings, tracker: TrackerBackend | None
    ) -> None:
        self.config = config
        self.settings = settings
        self.tracker = tracker
        self.last_report: SyncReport | None = None

    def __call__(self, engine: Engine, team_id: str, now: dt.datetime) -> dict[str, int]:
        if self.tracker is None:
            self.tracker = make_tracker(
                config=self.config, settings=self.settings, limiter=WriteLimiter()
            )
        report = sync_once(
            engine=engine, config=self.config, settings=self.settings, now=now, tracker=self.tracker
        )
        self.last_report = report
        if report.rows_written or report.write_requests:
            logger.info("tracker sync: %s", report.summary())
        return {"rows_written": report.rows_written, "rows_pending": report.rows_pending}


def sync_job(*, config: Config, settings: Settings, tracker: TrackerBackend | None = None) -> Job:
    """The job `serve`/`run` schedule every `tracker.sync_every_seconds`.

    The tracker holds every workspace's rows, so the cycle is not per workspace: with several
    workspaces each one's slot runs a cycle, and the later ones find little or nothing queued.
    """
    return Job(
        name=JOB_NAME,
        every=dt.timedelta(seconds=config.tracker.sync_every_seconds),
        run=_SyncJob(config=config, settings=settings, tracker=tracker),
    )


# ---- `porch sync` -----------------------------------------------------------------------------


class _ProgressBar:
    """A click progress bar that appears once the first cycle knows how many rows it writes."""

    def __init__(self, label: str) -> None:
        self.label = label
        self._bar: Any = None
        self._shown = 0

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            self._bar = click.progressbar(length=max(total, 1), label=self.label, file=sys.stderr)
            self._bar.__enter__()
        self._bar.update(done - self._shown)
        self._shown = done

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)


def command(*, config: Config, settings: Settings, rebuild: bool) -> int:
    """The body of `porch sync [--backfill]`; returns the exit status."""
    engine = connect(settings.database_url)
    migrate(engine)
    bar = _ProgressBar("Rebuilding the tracker" if rebuild else "Writing tracker rows")
    run = backfill if rebuild else sync_once
    try:
        report = run(engine=engine, config=config, settings=settings, progress=bar)
    except TrackerError as error:
        bar.close()
        click.echo(f"porch sync: {error}", err=True)
        return 1
    finally:
        engine.dispose()
    bar.close()
    click.echo(report.summary())
    return 0
