"""`porch preview`: the events' messages with sample data."""

from __future__ import annotations

import datetime as dt
from typing import Any

from porch.core.config import Config
from porch.core.feature import PreviewSample
from porch.core.templating import link, mention
from porch.features.live_events import store
from porch.features.live_events.store import Event


def samples(config: Config) -> list[PreviewSample]:
    tz = config.community.tz
    event = Event(
        team_id="T0SAMPLE",
        event_id="office-hours.2026-11-05",
        series_id="office-hours",
        title="Office hours",
        description="Bring a question; the team answers live.",
        place="https://meet.example.org/office-hours",
        starts_at=dt.datetime(2026, 11, 5, 16, 0, tzinfo=dt.UTC),
        length_minutes=60,
        state="scheduled",
        version=1,
        channel_id=None,
        ts=None,
        recapped_at=None,
    )
    base: dict[str, Any] = {
        "event": event,
        "when": store.when(event.starts_at, tz),
        "local_when": store.local_label(event.starts_at, tz),
        "place": link(event.place, "the call link"),
        "counts": {"going": 12, "maybe": 4, "cant": 2},
    }
    home = f"#{config.channels.home}"
    question = {"asker": mention("U0SAMPLE2"), "url": "https://example.slack.com/archives/C1/p1"}
    form = {
        "event": None,
        "when": "",
        "timezone": config.community.timezone,
        "lengths": [("30 minutes", "30"), ("1 h", "60"), ("1.5 h", "90")],
        "length": "60",
    }
    return [
        ("The modal of `/porch event`", "a modal", "live_events/form.j2", form),
        (
            "An event's announcement",
            home,
            "live_events/card.j2",
            {**base, "ended": False, "attended": 0},
        ),
        (
            "A reminder to a member going",
            "DM",
            "live_events/reminder.j2",
            {**base, "starts_in": "15 minutes"},
        ),
        ("The thread at the start", f"{home} (thread)", "live_events/live.j2", base),
        (
            "The recap after the event",
            f"{home} (thread)",
            "live_events/recap.j2",
            {**base, "attended": ["U1"] * 9, "answered": [question], "unanswered": [question]},
        ),
        (
            "Attendance, for the managers",
            f"#{config.channels.moderators}",
            "live_events/attendance.j2",
            {**base, "attended": ["U1"] * 9, "unanswered": [question]},
        ),
        (
            "A change, to those going",
            "DM",
            "live_events/changed.j2",
            {**base, "changes": ["starts_at"]},
        ),
        (
            "Going, Maybe or Can't make it, pressed",
            "Only visible to the member",
            "live_events/answered.j2",
            {"answer": "going", "state": "scheduled"},
        ),
        (
            "Check in, pressed during the event",
            "Only visible to the member",
            "live_events/checked_in.j2",
            {"result": "in"},
        ),
        (
            "`/porch event cancel ID`",
            "Only visible to the manager",
            "live_events/command.j2",
            {"action": "cancel", "done": True, "event": event, "timezone": tz.key},
        ),
        (
            "Attendance confirmed",
            f"#{config.channels.moderators}",
            "live_events/confirmed.j2",
            {"manager": mention("U0SAMPLE1"), "added": 3},
        ),
    ]
