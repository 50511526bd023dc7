"""The scheduler: every job, for every workspace, once per slot across replicas, by the clock
it is given; and `serve` keeping the tracker current through it, with nobody running a sync."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, insert

from porch.core.clock import ManualClock
from porch.core.config import Config
from porch.core.feature import Job
from porch.core.store.schema import workspaces
from porch.runtime.scheduler import Scheduler
from porch.sandbox.google_api import FakeGoogle
from porch.sandbox.workspace import SandboxWorkspace
from tests.conftest import MONDAY_MORNING, config_with

EVERY = dt.timedelta(minutes=10)


class Counting:
    """A job body that records each run, and raises while `failures` lasts."""

    def __init__(self, *, failures: int = 0) -> None:
        self.runs: list[tuple[str, dt.datetime]] = []
        self.failures = failures
        self._lock = threading.Lock()

    def __call__(self, engine: Engine, team_id: str, now: dt.datetime) -> Mapping[str, int]:
        with self._lock:
            self.runs.append((team_id, now))
            if self.failures:
                self.failures -= 1
                raise RuntimeError("the job broke")
        return {"done": 1}


def add_workspaces(engine: Engine, *team_ids: str) -> None:
    with engine.begin() as conn:
        for team_id in team_ids:
            conn.execute(insert(workspaces).values(team_id=team_id, installed_at=MONDAY_MORNING))


def wait_for(condition: Callable[[], bool], *, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_a_job_runs_for_every_workspace_when_due_and_not_before(engine: Engine):
    add_workspaces(engine, "T1", "T2")
    clock = ManualClock(MONDAY_MORNING)
    body = Counting()
    scheduler = Scheduler(engine=engine, clock=clock, jobs=[Job("count", EVERY, body)])

    first = scheduler.run_due()
    clock.advance(EVERY - dt.timedelta(seconds=1))
    early = scheduler.run_due()
    clock.advance(dt.timedelta(seconds=1))
    second = scheduler.run_due()

    assert [(run.team_id, run.counts) for run in first] == [
        ("T1", {"done": 1}),
        ("T2", {"done": 1}),
    ]
    assert early == []
    assert [run.team_id for run in second] == ["T1", "T2"]
    assert body.runs == [
        ("T1", MONDAY_MORNING),
        ("T2", MONDAY_MORNING),
        ("T1", MONDAY_MORNING + EVERY),
        ("T2", MONDAY_MORNING + EVERY),
    ]


def test_jobs_have_unique_names_and_run_in_the_order_registered(engine: Engine):
    add_workspaces(engine, "T1")
    order: list[str] = []
    scheduler = Scheduler(engine=engine, clock=ManualClock(MONDAY_MORNING))
    for name in ("b", "a"):
        scheduler.register(Job(name, EVERY, lambda _e, _t, _n, name=name: order.append(name)))
    with pytest.raises(ValueError, match="already registered"):
        scheduler.register(Job("a", EVERY, Counting()))

    scheduler.run_due()
    scheduler.run_due(only={"b"})  # not due: nothing

    assert order == ["b", "a"]
    assert [job.name for job in scheduler.jobs] == ["b", "a"]


def test_two_replicas_on_one_database_run_each_slot_once(engine: Engine):
    add_workspaces(engine, "T1", "T2")
    clock = ManualClock(MONDAY_MORNING)
    body = Counting()
    replicas = [
        Scheduler(engine=engine, clock=clock, jobs=[Job("count", EVERY, body)], replica=name)
        for name in ("replica-a", "replica-b")
    ]
    slots = 5
    start = threading.Barrier(len(replicas))

    def run(scheduler: Scheduler) -> None:
        for slot in range(slots):
            start.wait()
            scheduler.run_due(now=MONDAY_MORNING + slot * EVERY)

    threads = [threading.Thread(target=run, args=(replica,)) for replica in replicas]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(body.runs) == sorted(
        (team_id, MONDAY_MORNING + slot * EVERY)
        for slot in range(slots)
        for team_id in ("T1", "T2")
    )


def test_a_failing_job_is_logged_and_runs_again_at_its_next_slot(
    engine: Engine, caplog: pytest.LogCaptureFixture
):
    add_workspaces(engine, "T1")
    clock = ManualClock(MONDAY_MORNING)
    body = Counting(failures=1)
    scheduler = Scheduler(engine=engine, clock=clock, jobs=[Job("flaky", EVERY, body)])

    with caplog.at_level(logging.ERROR, logger="porch.runtime.scheduler"):
        [failed] = scheduler.run_due()
    retried_at_once = scheduler.run_due()
    clock.advance(EVERY)
    [succeeded] = scheduler.run_due()

    assert failed.error == "RuntimeError: the job broke"
    [record] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert "job flaky for workspace T1 failed" in record.getMessage()
    assert record.exc_info is not None
    assert retried_at_once == []
    assert succeeded.error is None and succeeded.counts == {"done": 1}


def test_the_background_thread_follows_the_injected_clock(engine: Engine):
    add_workspaces(engine, "T1")
    clock = ManualClock(MONDAY_MORNING)
    body = Counting()
    scheduler = Scheduler(
        engine=engine, clock=clock, jobs=[Job("count", EVERY, body)], poll_seconds=0.01
    )
    # Count the background thread's passes (each one a run_due), and which threads made them.
    passes: list[threading.Thread] = []
    run_due = scheduler.run_due

    def counted_run_due(**kwargs: object) -> list[object]:
        ran = run_due(**kwargs)
        passes.append(threading.current_thread())
        return ran

    scheduler.run_due = counted_run_due  # type: ignore[method-assign]
    scheduler.start()
    try:
        assert wait_for(lambda: len(body.runs) == 1)
        seen = len(passes)
        assert wait_for(lambda: len(passes) >= seen + 5)  # five more polls, no new slot
        assert len(body.runs) == 1
        clock.advance(EVERY)
        assert wait_for(lambda: len(body.runs) == 2)
    finally:
        scheduler.stop()
    [thread] = set(passes)
    assert not thread.is_alive()  # stopped: nothing can poll again
    stopped_after = len(passes)
    clock.advance(EVERY)
    assert scheduler.run_due() != []  # the slot is due, so a live thread would have taken it
    assert len(passes) == stopped_after + 1
    assert len(body.runs) == 3


# ---- the running service keeps the tracker current --------------------------------------------


@pytest.fixture
def google() -> Iterator[FakeGoogle]:
    with FakeGoogle() as fake:
        yield fake


@pytest.fixture
def running(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., SandboxWorkspace]]:
    """A sandbox workspace whose Porch runs its background work, as `porch serve` does."""
    monkeypatch.chdir(tmp_path)
    started: list[SandboxWorkspace] = []

    def start(config: Config, **settings: object) -> SandboxWorkspace:
        workspace = SandboxWorkspace(config=config, engine=engine, start=MONDAY_MORNING, **settings)
        workspace.start()
        started.append(workspace)
        workspace.runtime.scheduler.poll_seconds = 0.02
        workspace.runtime.start_background()
        return workspace

    yield start
    for workspace in started:
        workspace.runtime.stop_background()
        workspace.stop()


def test_serve_writes_a_newcomer_to_the_google_sheet_without_a_manual_sync(
    running: Callable[..., SandboxWorkspace], config: Config, google: FakeGoogle, tmp_path: Path
):
    info = google.service_account()
    key = google.write_key_file(tmp_path / "key.json", info)
    sheet = google.create_spreadsheet(editors=[info["client_email"]])
    workspace = running(
        config_with(config, tracker={"sheet": sheet}),
        google_credentials=key,
        sheets_api_url=google.url,
    )
    assert wait_for(lambda: "Members" in [s.title for s in google.book(sheet).sheets])

    workspace.join("U0ANA00001", "Ana", "Ana Lima")
    workspace.clock.advance(dt.timedelta(seconds=config.tracker.sync_every_seconds))

    def ana_in_sheet() -> bool:
        return any(r.get("User ID") == "U0ANA00001" for r in google.records(sheet, "Members"))

    assert wait_for(ana_in_sheet)
    [ana] = [r for r in google.records(sheet, "Members") if r["User ID"] == "U0ANA00001"]
    assert ana["Name"] == "Ana" and ana["Joined via"] == "team_join"


def test_serve_writes_a_newcomer_to_the_local_tracker_without_a_manual_sync(
    running: Callable[..., SandboxWorkspace], config: Config, tmp_path: Path
):
    workspace = running(config_with(config, tracker={"sheet": None}))
    workbook = tmp_path / "tracker" / "tracker.xlsx"
    assert wait_for(workbook.exists)

    workspace.join("U0BEN00001", "Ben", "Ben Carter")
    workspace.clock.advance(dt.timedelta(seconds=config.tracker.sync_every_seconds))

    def member_ids() -> list[str]:
        rows = load_workbook(workbook)["Members"].iter_rows(min_row=2, max_col=1, values_only=True)
        return [row[0] for row in rows if row[0]]

    assert wait_for(lambda: "U0BEN00001" in member_ids())


def test_the_runtime_schedules_the_features_jobs_reconciliation_and_the_tracker_sync(
    workspace: SandboxWorkspace, config: Config
):
    scheduler = workspace.runtime.scheduler

    assert [(job.name, job.every) for job in scheduler.jobs] == [
        ("introductions", dt.timedelta(minutes=1)),
        ("follow-ups", dt.timedelta(minutes=1)),
        ("rituals", dt.timedelta(minutes=1)),
        ("events", dt.timedelta(minutes=1)),
        ("feedback-digest", dt.timedelta(hours=1)),
        ("health-monthly-report", dt.timedelta(hours=1)),
        ("response-alerts", dt.timedelta(minutes=5)),
        ("manager-check-in", dt.timedelta(minutes=1)),
        ("nps-survey", dt.timedelta(minutes=5)),
        ("spotlight", dt.timedelta(minutes=1)),
        ("ambassador-levels", dt.timedelta(days=1)),
        ("ambassador-cadence", dt.timedelta(hours=1)),
        ("sprint-scorecard", dt.timedelta(minutes=10)),
        ("sprint-week", dt.timedelta(minutes=10)),
        ("sprint-key-posts", dt.timedelta(minutes=1)),
        ("sprint-reports", dt.timedelta(hours=1)),
        ("privacy-retention", dt.timedelta(days=1)),
        ("reconcile", dt.timedelta(minutes=config.onboarding.reconcile_every_minutes)),
        ("tracker-sync", dt.timedelta(seconds=config.tracker.sync_every_seconds)),
        ("inbox-purge", dt.timedelta(hours=1)),
    ]
    slack = workspace.runtime.slack
    assert slack.client_for(workspace.fake.team_id) is workspace.runtime.client
    # A workspace this token was not issued in gets no client, and no reconciliation.
    assert slack.client_for("T0ELSEWHERE") is None
    assert scheduler.job("reconcile").run(workspace.engine, "T0ELSEWHERE", MONDAY_MORNING) is None


def test_a_first_start_fires_nothing_that_is_due_only_because_it_never_ran(
    workspace_factory, config: Config, tmp_path: Path
):
    """Issue 24: a first `porch serve` at 20:00 posted the 09:00 check-in ("Good morning!"),
    opened the week's introductions thread at once and wrote an empty report of last month.
    Each waits for its own slot instead; a month is reported once Porch has seen some of it."""
    berlin = config.community.tz

    def local(day: int, hour: int, month: int = 11) -> dt.datetime:
        return dt.datetime(2026, month, day, hour, tzinfo=berlin).astimezone(dt.UTC)

    workspace = workspace_factory(config, at=local(2, 20))  # Monday evening, first start
    scheduler = workspace.runtime.scheduler

    def keys(channel: str) -> list[str]:
        """The keys of the bot's top-level posts in `channel`."""
        messages = workspace.fake.messages(workspace.fake.channel_id(channel))
        return [
            m["metadata"]["event_payload"]["key"]
            for m in messages
            if m.get("thread_ts") in (None, m["ts"])
        ]

    def reports() -> list[str]:
        return sorted(path.name for path in (tmp_path / "reports").glob("*.html"))

    def move(moment: dt.datetime) -> None:
        workspace.clock.set(moment)
        scheduler.run_due()
        workspace.runtime.worker.drain()

    move(local(2, 20))
    move(local(2, 21))
    assert keys(config.channels.moderators) == []
    assert keys(config.channels.introductions) == []
    assert reports() == []

    move(local(3, 9))  # Tuesday 09:00: the check-in's own slot
    assert keys(config.channels.moderators) == ["manager-check-in:2026-11-03"]
    move(local(9, 9))  # next Monday 09:00: the thread's own slot
    assert keys(config.channels.introductions) == ["intro-thread:2026-W46"]
    move(local(1, 9, month=12))  # December: November, which Porch saw, is reported
    team = workspace.fake.team_id
    assert reports() == [f"health-{team}-2026-11.html", f"sprint-{team}-2026-11.html"]


def test_a_first_start_after_a_rituals_time_posts_it_at_its_next_time(
    workspace_factory, config: Config
):
    """A first start at 11:00 on Monday posted the 09:30 goals ritual at once (inside its
    catch-up window, which is for downtime): it waits for the next Monday instead."""
    berlin = config.community.tz

    def local(day: int, hour: int) -> dt.datetime:
        return dt.datetime(2026, 11, day, hour, tzinfo=berlin).astimezone(dt.UTC)

    workspace = workspace_factory(config, at=local(2, 11))  # Monday, first start
    scheduler = workspace.runtime.scheduler
    home = workspace.fake.channel_id(config.channels.home)

    def rituals() -> list[str]:
        keys = [m["metadata"]["event_payload"]["key"] for m in workspace.fake.messages(home)]
        return [key for key in keys if key.startswith("ritual:")]

    for hour in (11, 12):
        workspace.clock.set(local(2, hour))
        scheduler.run_due()
        workspace.runtime.worker.drain()
    assert rituals() == []
    workspace.clock.set(local(9, 10))
    scheduler.run_due()
    workspace.runtime.worker.drain()
    assert rituals() == ["ritual:monday-goals:2026-11-09"]
