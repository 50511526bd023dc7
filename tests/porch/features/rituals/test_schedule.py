"""Rituals with a controllable clock: each occurrence posted once, late within the catch-up
window or skipped outside it, once across DST changes and replicas, and the managers told once
when a ritual cannot be posted.

One week runs through the sandbox (Slack's side included); the rest drive the feature's job
against a real store, with a RecordingDelivery as the worker.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import threading
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, delete, select

from porch.core import channel_directory
from porch.core.clock import ManualClock
from porch.core.config import Config
from porch.core.effect_queue import Effect
from porch.core.store.schema import channels, effects, workspaces
from porch.core.templating import Templates
from porch.features.registry import build_features, templates
from porch.features.rituals.config import RitualConfig
from porch.features.rituals.schedule import Rituals
from porch.features.rituals.tables import ritual_occurrences
from porch.sandbox.workspace import SandboxWorkspace
from tests.conftest import MONDAY_MORNING
from tests.porch.features.recording import RecordingDelivery

TEAM = "T0PORCH01"
LOGGER = "porch.features.rituals.schedule"


def posts(workspace: SandboxWorkspace, channel: str, title: str) -> list[dict]:
    """The bot's top-level messages in `channel` that open with a ritual's name."""
    channel_id = workspace.fake.channel_id(channel)
    return [
        m
        for m in workspace.fake.messages(channel_id)
        if m["user"] == workspace.fake.bot_user_id
        and m.get("thread_ts") in (None, m["ts"])
        and m["text"].startswith(title)
    ]


def with_rituals(config: Config, *rituals: dict) -> Config:
    return config.model_copy(update={"rituals": [RitualConfig(**r) for r in rituals]})


def occurrences(engine: Engine) -> list[tuple[str, str, str]]:
    with engine.begin() as conn:
        rows = conn.execute(
            select(
                ritual_occurrences.c.ritual_id,
                ritual_occurrences.c.local_date,
                ritual_occurrences.c.state,
            ).order_by(ritual_occurrences.c.local_date, ritual_occurrences.c.ritual_id)
        ).all()
    return [tuple(row) for row in rows]


LONG_AGO = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


def installed(engine: Engine, config: Config) -> None:
    """A workspace whose channels Porch has resolved (as at start-up), where Porch first
    started long before the moments the tests look at (a slot before it is not Porch's)."""
    with engine.begin() as conn:
        conn.execute(
            workspaces.insert().values(
                team_id=TEAM, name="x", bot_user_id="U0BOT0001", installed_at=LONG_AGO
            )
        )
        ids = {name: f"C0{index:08d}" for index, name in enumerate(sorted(config.channel_names()))}
        channel_directory.remember(conn, team_id=TEAM, ids_by_name=ids)


class Schedule:
    """The rituals job, run at the moments a test names, and the worker after each run."""

    def __init__(
        self,
        engine: Engine,
        config: Config,
        *,
        error: Callable[[Effect], str | None] = lambda effect: None,
    ) -> None:
        installed(engine, config)
        self.engine = engine
        self.now = MONDAY_MORNING
        self.rituals = Rituals(config=config, templates=templates())
        features = build_features(config=config, templates=templates())
        self.worker = RecordingDelivery(engine=engine, features=features, now=lambda: self.now)
        self.error = error

    def at(self, moment: dt.datetime) -> None:
        self.now = moment
        self.rituals.tick(self.engine, TEAM, moment)
        self.worker.deliver(error=self.error)

    def every(self, step: dt.timedelta, *, start: dt.datetime, end: dt.datetime) -> None:
        moment = start
        while moment < end:
            self.at(moment)
            moment += step

    def posted(self, title: str) -> list[Effect]:
        """The ritual posts delivered, by the ritual's name."""
        return [
            e
            for e in self.worker.delivered
            if e.key.startswith("ritual:") and str(e.payload["text"]).startswith(title)
        ]


def test_a_week_posts_each_ritual_exactly_once(workspace_factory, config: Config):
    """Monday 10:00 Berlin to Monday 08:00 a week later, looking every three hours; Porch
    started at 09:00, before the Monday goals' 09:30."""
    workspace = workspace_factory(config, at=MONDAY_MORNING - dt.timedelta(hours=1))
    moment = MONDAY_MORNING
    while moment < MONDAY_MORNING + dt.timedelta(days=6, hours=23):
        workspace.at(moment)
        moment += dt.timedelta(hours=3)

    goals = posts(workspace, "general", "Monday goals")
    assert len(goals) == 1
    assert "What is the one thing you will ship this week?" in goals[0]["text"]
    assert len(posts(workspace, "general", "Midweek question")) == 1
    assert len(posts(workspace, "wins", "Friday wins")) == 1
    assert occurrences(workspace.engine) == [
        ("monday-goals", "2026-11-02", "posted"),
        ("wednesday-poll", "2026-11-04", "posted"),
        ("friday-wins", "2026-11-06", "posted"),
    ]


def test_prompts_take_turns_without_repeats(engine: Engine, config: Config):
    prompts = ["First?", "Second?", "Third?"]
    ritual = {
        "id": "monday-goals",
        "name": "Monday goals",
        "weekday": "monday",
        "time": "09:30",
        "channel": "home",
        "prompts": prompts,
        "kind": "goals",
    }
    schedule = Schedule(engine, with_rituals(config, ritual))
    for week in range(4):
        schedule.at(MONDAY_MORNING + dt.timedelta(weeks=week))
    texts = [str(e.payload["blocks"]) for e in schedule.posted("Monday goals")]
    assert [next(p for p in prompts if p in t) for t in texts] == [*prompts, "First?"]


def test_a_restart_inside_the_catch_up_window_posts_late_once(engine: Engine, config: Config):
    """Porch was down over Friday 15:00; back at 19:30 (4.5 h late): posted once, late."""
    schedule = Schedule(engine, config)
    schedule.at(MONDAY_MORNING)
    friday_late = dt.datetime(2026, 11, 6, 18, 30, tzinfo=dt.UTC)
    schedule.at(friday_late)
    schedule.at(friday_late + dt.timedelta(minutes=1))
    assert len(schedule.posted("Friday wins")) == 1
    assert ("friday-wins", "2026-11-06", "posted") in occurrences(engine)


def test_a_restart_outside_the_catch_up_window_skips_with_a_log_line(
    engine: Engine, config: Config, caplog: pytest.LogCaptureFixture
):
    schedule = Schedule(engine, config)
    schedule.at(MONDAY_MORNING)
    with caplog.at_level(logging.INFO, logger=LOGGER):
        schedule.at(dt.datetime(2026, 11, 6, 21, 30, tzinfo=dt.UTC))  # 22:30 Berlin: 7.5 h late
        schedule.at(dt.datetime(2026, 11, 6, 22, 30, tzinfo=dt.UTC))
    assert schedule.posted("Friday wins") == []
    assert ("friday-wins", "2026-11-06", "skipped") in occurrences(engine)
    skipped = [r for r in caplog.records if "friday-wins" in r.getMessage()]
    assert len(skipped) == 1 and "catch-up window" in skipped[0].getMessage()


@pytest.mark.parametrize(
    ("sunday", "description"),
    [(dt.date(2026, 3, 29), "spring forward"), (dt.date(2026, 10, 25), "fall back")],
)
def test_dst_weeks_post_each_occurrence_once(
    engine: Engine, config: Config, sunday: dt.date, description: str
):
    """A ritual at 02:30 on the night the clocks change: the hour is skipped or happens twice
    in Berlin, and the ritual is still posted exactly once."""
    ritual = {
        "id": "night-owls",
        "name": "Night owls",
        "weekday": "sunday",
        "time": "02:30",
        "channel": "home",
        "prompt": "Who is up?",
    }
    start = dt.datetime.combine(sunday, dt.time(0, 0), tzinfo=dt.UTC) - dt.timedelta(hours=2)
    schedule = Schedule(engine, with_rituals(config, ritual))
    schedule.every(dt.timedelta(minutes=15), start=start, end=start + dt.timedelta(hours=6))
    assert len(schedule.posted("Night owls")) == 1, description
    assert occurrences(engine) == [("night-owls", sunday.isoformat(), "posted")]


def test_monthly_and_every_other_week_cadences(engine: Engine, config: Config):
    monthly = {
        "id": "ama",
        "name": "Monthly AMA",
        "weekday": "thursday",
        "time": "17:00",
        "channel": "home",
        "prompt": "Ask us anything.",
        "cadence": "monthly",
        "week_of_month": 1,
    }
    fortnightly = {
        "id": "demo-day",
        "name": "Demo day",
        "weekday": "tuesday",
        "time": "16:00",
        "channel": "showcase",
        "prompt": "Show what you built.",
        "every_weeks": 2,
    }
    schedule = Schedule(engine, with_rituals(config, monthly, fortnightly))
    end = MONDAY_MORNING + dt.timedelta(days=42)
    schedule.every(dt.timedelta(hours=12), start=MONDAY_MORNING, end=end)
    dates = [(r, d) for r, d, state in occurrences(engine) if state == "posted"]
    assert [d for r, d in dates if r == "ama"] == ["2026-11-05", "2026-12-03"]
    fortnights = [d for r, d in dates if r == "demo-day"]
    assert len(fortnights) == 3
    assert all(
        (dt.date.fromisoformat(b) - dt.date.fromisoformat(a)).days == 14
        for a, b in itertools.pairwise(fortnights)
    )


def test_two_schedulers_on_one_database_post_once(engine: Engine, config: Config):
    """Two replicas tick at the same moment, without the scheduler's lease: the occurrence's
    unique row lets exactly one of them record the post."""
    installed(engine, config)
    clock = ManualClock(dt.datetime(2026, 11, 6, 14, 0, 30, tzinfo=dt.UTC))  # Friday 15:00:30
    replicas = [Rituals(config=config, templates=Templates()) for _ in range(2)]
    barrier = threading.Barrier(len(replicas))
    errors: list[BaseException] = []

    def run(rituals: Rituals) -> None:
        try:
            barrier.wait()
            for _ in range(5):
                rituals.tick(engine, TEAM, clock.now())
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(r,)) for r in replicas]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with engine.begin() as conn:
        keys = list(
            conn.execute(
                select(effects.c.effect_key).where(effects.c.effect_key.startswith("ritual:"))
            ).scalars()
        )
    # Monday's and Wednesday's were before Porch first ran: neither posted nor recorded.
    assert keys == ["ritual:friday-wins:2026-11-06"]
    assert occurrences(engine) == [("friday-wins", "2026-11-06", "queued")]


AMBASSADOR_CALL = {
    "id": "ambassador-call",
    "name": "Ambassador call",
    "weekday": "monday",
    "time": "09:45",
    "channel": "ambassadors",
    "prompt": "Who is joining today's call?",
}


def notes_to_the_managers(schedule: Schedule, config: Config) -> list[Effect]:
    return [
        e
        for e in schedule.worker.delivered
        if e.payload.get("channel_name") == config.channels.moderators
        and "Ambassador call" in str(e.payload["text"])
    ]


def test_a_ritual_whose_channel_is_missing_tells_the_managers_once(
    engine: Engine, config: Config, caplog: pytest.LogCaptureFixture
):
    """Slack refuses the post (Porch is not in the channel): the occurrence fails, and the
    managers hear it once however often it is tried."""
    config = with_rituals(config, AMBASSADOR_CALL)
    ambassadors = config.channels.ambassadors

    def not_in_channel(effect: Effect) -> str | None:
        return "not_in_channel" if effect.payload.get("channel_name") == ambassadors else None

    schedule = Schedule(engine, config, error=not_in_channel)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        schedule.every(
            dt.timedelta(minutes=5),
            start=MONDAY_MORNING,
            end=MONDAY_MORNING + dt.timedelta(minutes=30),
        )
    [note] = notes_to_the_managers(schedule, config)
    assert "not a member" in str(note.payload["blocks"])
    assert len([r for r in caplog.records if r.name == LOGGER]) == 1
    assert occurrences(engine) == [("ambassador-call", "2026-11-02", "failed")]


def test_a_ritual_whose_channel_porch_cannot_find_tells_the_managers_once(
    engine: Engine, config: Config
):
    config = with_rituals(config, AMBASSADOR_CALL)
    schedule = Schedule(engine, config)
    with engine.begin() as conn:
        conn.execute(delete(channels).where(channels.c.name == config.channels.ambassadors))
    schedule.every(
        dt.timedelta(minutes=5), start=MONDAY_MORNING, end=MONDAY_MORNING + dt.timedelta(minutes=30)
    )
    [note] = notes_to_the_managers(schedule, config)
    assert "cannot find that channel" in str(note.payload["blocks"])
    assert occurrences(engine) == []
