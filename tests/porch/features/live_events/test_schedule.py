"""Recurring events and reminders with a controllable clock, against a real store: each
occurrence written and announced once across a DST change, reminders once per member and offset
inside each member's waking hours (however often the job runs, on two replicas at once, or
after a crash mid-way), and one recap."""

from __future__ import annotations

import datetime as dt
import re
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert, select

from porch.core import channel_directory
from porch.core.config import Config
from porch.core.store.schema import members
from porch.features.live_events import store
from porch.features.live_events.rsvp import Rsvp
from porch.features.live_events.schedule import Schedule
from porch.features.live_events.tables import live_events
from porch.features.registry import build_features, templates
from tests.conftest import config_issue_after
from tests.porch.features.live_events.helpers import ANA, BEN, with_events
from tests.porch.features.recording import RecordingDelivery

TEAM = "T0EVENTS1"
CO_WORKING = {
    "id": "co-working",
    "title": "Co-working hour",
    "weekday": "thursday",
    "time": "17:00",
    "length_minutes": 60,
    "where": "general",
}


class Run:
    """The events' job and a recording worker over a manual clock."""

    def __init__(self, engine: Engine, config: Config, start: dt.datetime) -> None:
        self.engine, self.config, self.now = engine, config, start
        self.features = build_features(config=config, templates=templates())
        self.schedule = Schedule(config=config, templates=templates())
        self.worker = RecordingDelivery(engine=engine, features=self.features, now=lambda: self.now)
        with engine.begin() as conn:
            channel_directory.remember(
                conn,
                team_id=TEAM,
                ids_by_name={"general": "C0GENERAL1", "community-team": "C0MODS"},
            )

    def member(self, user_id: str, tz: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                insert(members).values(team_id=TEAM, user_id=user_id, tz=tz, updated_at=self.now)
            )

    def tick(self, at: dt.datetime, *, times: int = 1) -> None:
        self.now = at
        for _ in range(times):
            self.schedule.tick(self.engine, TEAM, at)
        self.worker.deliver()

    def every(self, step: dt.timedelta, *, until: dt.datetime) -> None:
        while self.now < until:
            self.tick(self.now + step)

    def going(self, user_id: str, event_id: str) -> None:
        rsvp: Rsvp = next(
            i.handle.__self__
            for f in self.features.features
            for i in f.interactions
            if i.id == "porch_event_going"
        )
        with self.engine.begin() as conn:
            assert rsvp.record(
                conn, team_id=TEAM, event_id=event_id, user_id=user_id, answer="going", now=self.now
            ) in ("ok", "same")

    def events(self) -> list[store.Event]:
        with self.engine.begin() as conn:
            return store.between(
                conn,
                team_id=TEAM,
                since=dt.datetime(2000, 1, 1, tzinfo=dt.UTC),
                until=dt.datetime(2100, 1, 1, tzinfo=dt.UTC),
            )

    def keys(self, prefix: str) -> list[str]:
        return sorted(e.key for e in self.worker.delivered if e.key.startswith(prefix))


def test_a_weekly_event_keeps_its_local_hour_across_the_dst_change(engine: Engine, config):
    """17:00 in Berlin is 15:00 UTC before 25 October 2026 and 16:00 UTC after."""
    run = Run(
        engine, with_events(config, CO_WORKING), dt.datetime(2026, 10, 21, 6, 0, tzinfo=dt.UTC)
    )
    run.member(ANA, "Europe/Berlin")
    run.tick(run.now)
    [first] = run.events()
    assert first.event_id == "co-working.2026-10-22"
    run.going(ANA, first.event_id)
    run.every(dt.timedelta(minutes=15), until=dt.datetime(2026, 10, 29, 18, 0, tzinfo=dt.UTC))
    found = run.events()
    assert [(e.event_id, e.starts_at.hour) for e in found][:2] == [
        ("co-working.2026-10-22", 15),
        ("co-working.2026-10-29", 16),
    ]
    announced = [
        e.key for e in run.worker.delivered if e.key.startswith("event:") and e.key.count(":") == 1
    ]
    assert announced == [
        "event:co-working.2026-10-22",
        "event:co-working.2026-10-29",
    ]
    assert "event:co-working.2026-10-22:ended" in run.keys("event:co-working.2026-10-22:")
    assert len(run.keys("event-remind:co-working.2026-10-22:")) == 2  # 24 h and 15 min
    assert len(run.keys("event-recap:")) == 2  # the 22nd's and the 29th's
    assert len(run.keys("event-live:")) == 2


def test_reminders_wait_for_waking_hours_and_go_once_per_member_and_offset(engine, config):
    config = with_events(config, CO_WORKING)
    run = Run(engine, config, dt.datetime(2026, 11, 2, 6, 0, tzinfo=dt.UTC))
    run.member(ANA, "Europe/Berlin")
    run.member(BEN, "America/Los_Angeles")
    run.tick(run.now)
    [event] = run.events()  # Thursday 5 November, 16:00 UTC
    run.going(ANA, event.event_id)
    run.going(BEN, event.event_id)
    # 24 h before is 17:00 in Berlin and 08:00 in Los Angeles: Ben's waits an hour.
    run.tick(event.starts_at - dt.timedelta(hours=24), times=3)
    assert [k.rsplit(":", 1)[1] for k in run.keys("event-remind:")] == [ANA]
    run.tick(event.starts_at - dt.timedelta(hours=23), times=3)
    # Two replicas at the same minute.
    second = Schedule(config=config, templates=templates())
    threads = [
        threading.Thread(target=s.tick, args=(engine, TEAM, run.now))
        for s in (run.schedule, second)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.worker.deliver()
    assert sorted(k.rsplit(":", 1)[1] for k in run.keys("event-remind:")) == sorted([ANA, BEN])
    # 15 minutes before: 07:45 in Los Angeles, sent anyway.
    run.tick(event.starts_at - dt.timedelta(minutes=15), times=2)
    assert len(run.keys("event-remind:")) == 4
    texts = [
        str(e.payload["text"]) for e in run.worker.delivered if e.key.startswith("event-remind")
    ]
    assert sum("15 minutes" in t for t in texts) == 2


def test_a_crash_mid_way_sends_each_reminder_and_the_recap_once(engine, config, monkeypatch):
    config = with_events(config, CO_WORKING)
    run = Run(engine, config, dt.datetime(2026, 11, 2, 6, 0, tzinfo=dt.UTC))
    run.member(ANA, "Europe/Berlin")
    run.member(BEN, "Europe/Berlin")
    run.tick(run.now)
    [event] = run.events()
    run.going(ANA, event.event_id)
    run.going(BEN, event.event_id)
    real = Schedule.remind
    calls = {"n": 0}

    def crashing(self, conn, event, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("the replica died mid-way")
        return real(self, conn, event, **kwargs)

    monkeypatch.setattr(Schedule, "remind", crashing)
    with pytest.raises(RuntimeError):
        run.tick(event.starts_at - dt.timedelta(hours=24))
    monkeypatch.setattr(Schedule, "remind", real)
    run.tick(event.starts_at - dt.timedelta(hours=24), times=2)
    assert len(run.keys("event-remind:")) == 2
    run.tick(event.ends_at + dt.timedelta(minutes=30), times=2)
    run.tick(event.ends_at + dt.timedelta(minutes=45), times=2)
    assert run.keys("event-recap:") == [f"event-recap:{event.event_id}"]
    assert run.keys("event-attendance:") == [f"event-attendance:{event.event_id}"]


def test_an_event_is_announced_only_when_its_window_opens(engine, config):
    config = with_events(config, CO_WORKING, announce_days_before=2)
    run = Run(engine, config, dt.datetime(2026, 11, 2, 6, 0, tzinfo=dt.UTC))
    run.tick(run.now)
    assert run.events() == []
    run.tick(dt.datetime(2026, 11, 3, 16, 30, tzinfo=dt.UTC))
    [event] = run.events()
    assert run.keys("event:") == [f"event:{event.event_id}"]
    with engine.begin() as conn:
        channel = conn.execute(select(live_events.c.channel_id)).scalar()
    assert channel == "general"  # the recording worker's stand-in for the channel


@pytest.mark.parametrize(
    ("section", "problem"),
    [
        ("  reminders: [24h, soon]", r"events.reminders.1: .*duration like"),
        ("  reminders: [1h, 60m]", r"events.reminders: .*listed twice"),
        (
            "  recurring:\n    - {id: Office Hours, title: O, weekday: monday, time: '10:00', "
            "where: general}",
            r"events.recurring\[Office Hours\].id: .*lowercase",
        ),
        (
            "  recurring:\n    - {id: oh, title: O, weekday: monday, time: '25:00', "
            "where: general}",
            r"events.recurring.*time",
        ),
        (
            "  recurring:\n    - {id: oh, title: O, weekday: monday, time: '10:00', where: 'a b'}",
            r"events.recurring.*where: .*channel name",
        ),
    ],
)
def test_a_bad_events_section_names_the_line(tmp_path: Path, section: str, problem: str):
    old = '  reminders: ["24h", "15m"]\n  recurring: []'
    new = section if "recurring" in section else section + "\n  recurring: []"
    assert re.search(rf"community.yml:\d+: {problem}", config_issue_after(tmp_path, old, new))


def test_live_attendance_reaches_the_health_report(engine, config):
    from porch.features.health import metrics, report

    config = with_events(config, CO_WORKING)
    run = Run(engine, config, dt.datetime(2026, 11, 2, 6, 0, tzinfo=dt.UTC))
    run.tick(run.now)
    [event] = run.events()
    run.going(ANA, event.event_id)
    run.going(BEN, event.event_id)
    figure = run.features.period_figure("live_attendance")
    since, until = dt.datetime(2026, 11, 1, tzinfo=dt.UTC), dt.datetime(2026, 11, 8, tzinfo=dt.UTC)
    with engine.begin() as conn:
        assert figure(conn, team_id=TEAM, since=since, until=until) == 0
        run.schedule.recaps.confirm_going(
            conn, team_id=TEAM, event_id=event.event_id, manager_id="U0MANAGER1", now=run.now
        )
        assert figure(conn, team_id=TEAM, since=until, until=until + dt.timedelta(days=7)) is None
        found = metrics.compute(
            conn, team_id=TEAM, config=config, since=since, until=until, attendance=figure
        )
    assert found.live_attendance == 2
    assert "| Live event attendance | 2 |" in report.markdown(
        found, found, tz=config.community.tz, title="Health"
    ).replace("  ", " ")


def test_live_attendance_fills_the_health_rows_of_the_weeks_with_events(engine, config):
    """The Health worksheet's "Live attendance": 2 in the week of the event (two Going answers
    a manager counted), empty in the weeks when no event was held."""
    from porch.core import tracker_queue
    from porch.core.store.schema import activity

    config = with_events(config, CO_WORKING)
    run = Run(engine, config, dt.datetime(2026, 11, 2, 6, 0, tzinfo=dt.UTC))
    run.member(ANA, "Europe/Berlin")
    run.member(BEN, "Europe/Berlin")
    run.tick(run.now)
    [event] = run.events()  # Thursday 5 November, in ISO week 2026-W45
    run.going(ANA, event.event_id)
    run.going(BEN, event.event_id)
    [health] = [f for f in run.features.features if f.name == "health"]
    assert health.before_tracker_sync is not None
    later = dt.datetime(2026, 11, 10, 12, 0, tzinfo=dt.UTC)
    with engine.begin() as conn:
        # Activity from the week before, so the rows start there (2026-W44).
        conn.execute(
            insert(activity).values(
                team_id=TEAM,
                channel_id="C0GENERAL1",
                message_ts="1.000001",
                kind="message",
                user_id=ANA,
                at=dt.datetime(2026, 10, 30, 10, 0, tzinfo=dt.UTC),
            )
        )
        run.schedule.recaps.confirm_going(
            conn, team_id=TEAM, event_id=event.event_id, manager_id="U0MANAGER1", now=run.now
        )
        assert health.before_tracker_sync(conn, TEAM, later, True) == 3
        rows = {
            week: tracker_queue.get_row(conn, team_id=TEAM, sheet="Health", key=week)
            for week in ("2026-W44", "2026-W45", "2026-W46")
        }
    assert {week: row and row["Live attendance"] for week, row in rows.items()} == {
        "2026-W44": "",  # an empty cell
        "2026-W45": 2,
        "2026-W46": "",
    }
