"""The tracker sync worker: what `porch sync` and the scheduler's job in serve/run call.

Handlers only queue rows in the store (porch.core.tracker_queue.put_row); Sheet I/O happens
here, never inside a Slack request. A cycle belongs to one workspace (team_id): it takes that
workspace's lease `tracker-sync:<team_id>` (so one replica writes its tracker at a time),
lets the features queue what they compute for the tracker (`Feature.before_tracker_sync`), and
lets the tracker write its pending rows:

- a Google Sheet when `tracker.sheet` is set (GOOGLE_APPLICATION_CREDENTIALS must then name the
  service-account key: without it start-up fails, see `missing_credentials`),
- otherwise the local folder `tracker.local_dir` (tracker.xlsx), relative to community.yml.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, select

from porch.core import locks, personal_records
from porch.core.config import Config
from porch.core.feature import Feature, Job
from porch.core.store.schema import members, tracker_rows, workspaces
from porch.features.registry import build_features, templates
from porch.runtime.settings import Settings
from porch.sheets_sync import outbox
from porch.sheets_sync.base import CycleResult, Progress, TrackerBackend
from porch.sheets_sync.client import RetryPolicy, TrackerError, WriteLimiter

logger = logging.getLogger(__name__)

LEASE_PREFIX = "tracker-sync"
# Longer than any cycle can take (each request gives up after RetryPolicy.budget), so a lease
# only lapses when its holder died; then another replica takes over within this time.
LEASE_TIME = dt.timedelta(minutes=10)


def lease_name(team_id: str) -> str:
    return f"{LEASE_PREFIX}:{team_id}"


def resolve_team(conn: Connection) -> str:
    """The workspace whose tracker this is, when the caller did not say.

    One database may serve several workspaces, each with its own tracker; then the caller must
    name one (`porch sync --team`). With none recorded yet, the members and rows stored decide.
    """
    teams = list(conn.execute(select(workspaces.c.team_id)).scalars())
    if not teams:
        queued = select(tracker_rows.c.team_id).union(select(members.c.team_id))
        teams = list(conn.execute(queued).scalars())
    if len(teams) > 1:
        raise TrackerError(
            f"this database serves {len(teams)} workspaces ({', '.join(sorted(teams))}): "
            "say which one's tracker to write (porch sync --team T…)"
        )
    return teams[0] if teams else ""


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
    # Rows the features queued right before this cycle's writes (Feature.before_tracker_sync).
    feature_rows: int = 0

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


def missing_credentials(*, config: Config, settings: Settings) -> str | None:
    """The one-line error when `tracker.sheet` is set without Google credentials, else None.

    Falling back to the local tracker would hide the mistake: the manager watches an empty
    Sheet while rows pile up in a file on the server. So `porch check` and every start-up
    refuse the combination instead.
    """
    if config.tracker.sheet and not settings.google_credentials:
        return (
            "tracker.sheet is set but GOOGLE_APPLICATION_CREDENTIALS is not: set it to the "
            'service-account JSON key (see "The tracker" in the README), or remove tracker.sheet '
            "to write the local tracker"
        )
    return None


def make_tracker(
    *,
    config: Config,
    settings: Settings,
    retry: RetryPolicy | None = None,
    limiter: WriteLimiter | None = None,
    team_id: str | None = None,
) -> TrackerBackend:
    """The Google Sheet when it is configured, else the local folder; TrackerError when the
    Sheet is configured without credentials (see `missing_credentials`).

    Many workspaces: those that run on community.yml (no community file of their own) share
    its config, but never its tracker: each writes a folder of its own, named after its team ID,
    in `tracker.local_dir` (a Sheet there is refused at start, see communities.py)."""
    tags = list(config.feedback.tags.values())
    tz = config.community.tz
    problem = missing_credentials(config=config, settings=settings)
    if problem:
        raise TrackerError(problem)
    if config.tracker.sheet and settings.google_credentials:
        from porch.sheets_sync.google import GoogleSheetTracker

        return GoogleSheetTracker(
            sheet=config.tracker.sheet,
            credentials_path=settings.google_credentials,
            api_url=settings.sheets_api_url,
            tz=tz,
            feedback_tags=tags,
            retry=retry,
            limiter=limiter,
        )
    from porch.sheets_sync.local import LocalTracker

    folder = Path(config.tracker.local_dir)
    if not folder.is_absolute():
        folder = settings.config_path.parent / folder
    if team_id and on_shared_file(settings, team_id):
        folder = folder / team_id
    return LocalTracker(folder=folder, tz=tz, feedback_tags=tags)


def on_shared_file(settings: Settings, team_id: str) -> bool:
    """Many workspaces: whether `team_id` runs on community.yml, shared with other workspaces,
    rather than on its own file (communities/TEAM_ID.yml, which `settings` then name)."""
    return settings.oauth_mode and settings.config_path.stem != team_id


def sync_once(
    *,
    engine: Engine,
    config: Config,
    settings: Settings,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
    tracker: TrackerBackend | None = None,
    team_id: str | None = None,
    features: Sequence[Feature] | None = None,
) -> SyncReport:
    """One sync cycle: write the workspace's queued rows to its tracker (a no-op when nothing
    changed). `team_id` defaults to the only workspace in the store; `features` (whose
    before_tracker_sync hooks run) to those the registry builds for `config`."""
    return _run(
        engine=engine,
        team_id=team_id,
        config=config,
        settings=settings,
        now=now,
        progress=progress,
        tracker=tracker,
        rebuild=False,
        features=features,
    )


def backfill(
    *,
    engine: Engine,
    config: Config,
    settings: Settings,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
    tracker: TrackerBackend | None = None,
    team_id: str | None = None,
    features: Sequence[Feature] | None = None,
) -> SyncReport:
    """Rebuild the tracker from the store: every row (the features recompute theirs in full),
    the layout, charts.

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
        team_id=team_id,
        features=features,
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
    team_id: str | None,
    features: Sequence[Feature] | None,
) -> SyncReport:
    now = now or dt.datetime.now(dt.UTC)
    hooked = [f for f in _features(config, features) if f.before_tracker_sync is not None]
    holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    started = time.monotonic()
    team = team_id
    if team is None:
        with engine.connect() as conn:
            team = resolve_team(conn)
    target = tracker or make_tracker(config=config, settings=settings, team_id=team)
    with engine.begin() as conn:
        lease = lease_name(team)
        if not locks.acquire(conn, name=lease, holder=holder, until=now + LEASE_TIME, now=now):
            return SyncReport(target=target.description, skipped=True)
    result = CycleResult()
    queued = 0
    try:
        with engine.begin() as conn:
            moved_from = outbox.last_target(conn, team_id=team)
            if rebuild or (moved_from is not None and moved_from != target.target):
                if not rebuild:
                    logger.info("tracker moved to %s: writing every row there", target.description)
                outbox.requeue_all(conn, team_id=team)
            # A rebuild, or a feature whose worksheets have no row yet (a new tracker), gets its
            # rows into the same write; otherwise the rows already queued go first, so a change
            # is not held up by a feature's recomputation.
            first = [f for f in hooked if rebuild or not _has_rows(conn, team, f.worksheets)]
            queued += _queue(conn, first, team_id=team, now=now, rebuild=rebuild)
        erased = _blank_erased_rows(engine, target, team_id=team, now=now)
        result = target.sync(engine, team_id=team, now=now, rebuild=rebuild, progress=progress)
        result.write_requests += erased
        later = [f for f in hooked if f not in first]
        if later:
            with engine.begin() as conn:
                more = _queue(conn, later, team_id=team, now=now, rebuild=False)
            if more:
                queued += more
                result = _add(result, target.sync(engine, team_id=team, now=now))
    except Exception as error:
        _log_cycle(
            engine, target, team_id=team, now=now, status="failed", result=result, error=error
        )
        raise
    finally:
        with engine.begin() as conn:
            locks.release(conn, name=lease, holder=holder)
    if result.rows_written or result.write_requests:
        _log_cycle(engine, target, team_id=team, now=now, status="ok", result=result)
    with engine.connect() as conn:
        left = outbox.count_pending(conn, team_id=team)
    return SyncReport(
        target=target.description,
        rows_written=result.rows_written,
        rows_pending=left,
        restored=result.restored,
        write_requests=result.write_requests,
        read_requests=result.read_requests,
        retries=result.retries,
        seconds=time.monotonic() - started,
        feature_rows=queued,
    )


def _blank_erased_rows(
    engine: Engine, target: TrackerBackend, *, team_id: str, now: dt.datetime
) -> int:
    """Blank the rows of erased members before writing anything; write requests."""
    with engine.connect() as conn:
        rows = personal_records.erasures_for(conn, team_id=team_id, target=target.target)
    if rows:
        target.erase_rows(engine, team_id=team_id, rows=rows)
    with engine.begin() as conn:
        personal_records.settle_erasures(
            conn, team_id=team_id, target=target.target, done=rows, now=now
        )
    return 1 if rows else 0


def _features(config: Config, features: Sequence[Feature] | None) -> Sequence[Feature]:
    """The features given, or those the registry builds for `config`."""
    if features is not None:
        return features
    return build_features(config=config, templates=templates()).features


def _has_rows(conn: Connection, team_id: str, sheets: Sequence[str]) -> bool:
    """Whether the store holds any row of these worksheets for the workspace (a feature that
    names none has nothing to wait for)."""
    if not sheets:
        return True
    query = (
        select(tracker_rows.c.row_key)
        .where(tracker_rows.c.team_id == team_id, tracker_rows.c.sheet.in_(sheets))
        .limit(1)
    )
    return conn.execute(query).first() is not None


def _queue(
    conn: Connection,
    features: Sequence[Feature],
    *,
    team_id: str,
    now: dt.datetime,
    rebuild: bool,
) -> int:
    """Run the features' before_tracker_sync hooks; how many rows they queued."""
    return sum(
        f.before_tracker_sync(conn, team_id, now, rebuild)
        for f in features
        if f.before_tracker_sync is not None
    )


def _add(first: CycleResult, second: CycleResult) -> CycleResult:
    return CycleResult(
        **{name: getattr(first, name) + getattr(second, name) for name in vars(first)}
    )


def _log_cycle(
    engine: Engine,
    target: TrackerBackend,
    *,
    team_id: str,
    now: dt.datetime,
    status: str,
    result: CycleResult,
    error: BaseException | None = None,
) -> None:
    with engine.begin() as conn:
        outbox.record_cycle(
            conn,
            team_id=team_id,
            target=target.target,
            started_at=now,
            finished_at=dt.datetime.now(dt.UTC),
            status=status,
            rows_written=result.rows_written,
            write_requests=result.write_requests,
            read_requests=result.read_requests,
            error=f"{type(error).__name__}: {error}"[:2000] if error else None,
        )


JOB_NAME = "tracker-sync"


class _SyncJob:
    """The tracker sync as a scheduler Job's body: one cycle per slot.

    The tracker is built at the first run and kept: it holds the access token and the
    write-rate limiter. A failed cycle raises; the scheduler logs it with its traceback and the
    outbox keeps every row until the tracker confirmed it, so the next slot simply tries again.
    """

    def __init__(
        self,
        *,
        config: Config,
        settings: Settings,
        tracker: TrackerBackend | None,
        features: Sequence[Feature] | None,
    ) -> None:
        self.config = config
        self.settings = settings
        self.tracker = tracker
        self.features = features
        self.last_report: SyncReport | None = None
        # Workspaces on a shared community.yml each have a tracker of their own (make_tracker).
        self.trackers: dict[str, TrackerBackend] = {}

    def __call__(self, engine: Engine, team_id: str, now: dt.datetime) -> dict[str, int]:
        tracker = self.tracker
        if tracker is None:
            key = team_id if on_shared_file(self.settings, team_id) else ""
            if key not in self.trackers:
                self.trackers[key] = make_tracker(
                    config=self.config, settings=self.settings, limiter=WriteLimiter(), team_id=key
                )
            tracker = self.trackers[key]
        if self.features is None:
            self.features = _features(self.config, None)
        report = sync_once(
            engine=engine,
            config=self.config,
            settings=self.settings,
            now=now,
            tracker=tracker,
            team_id=team_id,
            features=self.features,
        )
        self.last_report = report
        if report.rows_written or report.write_requests:
            logger.info("tracker sync: %s", report.summary())
        return {"rows_written": report.rows_written, "rows_pending": report.rows_pending}


def sync_job(
    *,
    config: Config,
    settings: Settings,
    tracker: TrackerBackend | None = None,
    features: Sequence[Feature] | None = None,
) -> Job:
    """The job `serve`/`run` schedule every `tracker.sync_every_seconds`: each workspace's slot
    writes that workspace's queued rows, under that workspace's lease. `features`: whose
    before_tracker_sync hooks run (default: those the registry builds for `config`)."""
    return Job(
        name=JOB_NAME,
        every=dt.timedelta(seconds=config.tracker.sync_every_seconds),
        run=_SyncJob(config=config, settings=settings, tracker=tracker, features=features),
    )
