"""The community calendar: the site's table of live events and calendar.ics come from the same
settings that schedule the announcements; the .ics reads back with icalendar, keeps the local
hour across DST, and adds the one-off events from the store (cancelled ones left out)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from icalendar import Calendar

from porch.features.live_events.calendar import calendar, entries_of, site_calendar
from porch.features.live_events.store import Event
from porch.features.registry import config_model
from porch.site.render import build_context, make_environment, render_page
from tests.porch.features.live_events.helpers import with_events
from tests.porch.site.helpers import REPO, community_data

NOW = dt.datetime(2026, 10, 20, 8, 0, tzinfo=dt.UTC)
OFFICE_HOURS = {
    "id": "office-hours",
    "title": "Office hours",
    "weekday": "thursday",
    "time": "17:00",
    "length_minutes": 45,
    "where": "https://meet.example.org/office-hours",
    "description": "Bring a question; the team answers live.",
}


def one_off(event_id: str, *, state: str = "scheduled") -> Event:
    return Event(
        team_id="T0",
        event_id=event_id,
        series_id=None,
        title="AMA with the founders",
        description="",
        place="general",
        starts_at=dt.datetime(2026, 11, 5, 16, 0, tzinfo=dt.UTC),
        length_minutes=60,
        state=state,
        version=1,
        channel_id=None,
        ts=None,
        recapped_at=None,
    )


def test_the_ics_holds_every_ritual_and_event_and_keeps_the_local_hour(config):
    config = with_events(config, OFFICE_HOURS)
    ics = calendar(
        config,
        now=NOW,
        stored=[one_off("one-aaaa1111"), one_off("one-bbbb2222", state="cancelled")],
    )
    parsed = Calendar.from_ical(ics)  # valid for icalendar
    assert parsed.walk("VTIMEZONE")[0]["TZID"] == "Europe/Berlin"
    entries = {str(e["SUMMARY"]): e for e in entries_of(ics)}
    assert set(entries) >= {r.name for r in config.rituals} | {
        "Office hours",
        "AMA with the founders",
    }
    assert len([e for e in entries_of(ics) if "AMA" in str(e["SUMMARY"])]) == 1
    office = entries["Office hours"]
    assert str(office["LOCATION"]) == "https://meet.example.org/office-hours"
    assert office.duration == dt.timedelta(minutes=45)
    # The rule, expanded across the change back to winter time on 25 October: 17:00 local.
    start = office.start
    rule = rrulestr(office["RRULE"].to_ical().decode(), dtstart=start)
    firsts = [moment for _, moment in zip(range(3), rule, strict=False)]
    assert [m.astimezone(ZoneInfo("Europe/Berlin")).hour for m in firsts] == [17, 17, 17]
    assert [m.astimezone(dt.UTC).hour for m in firsts] == [15, 16, 16]


def test_the_site_lists_live_events_and_links_the_calendar(config):
    data = community_data()
    data["events"] = {"recurring": [OFFICE_HOURS]}
    page = render_page(
        (REPO / "site" / "getting-started.md").read_text(encoding="utf-8"),
        page="site/getting-started.md",
        context=build_context(config_model().model_validate(data)),
        environment=make_environment(),
    )
    assert (
        "| Thursday | 17:00 Berlin time (45 min) | Office hours | "
        "[the call link](https://meet.example.org/office-hours) |" in page
    )
    assert "[calendar.ics](calendar.ics)" in page
    files = site_calendar(with_events(config, OFFICE_HOURS), now=NOW)["site_files"]
    assert "BEGIN:VCALENDAR" in files["calendar.ics"]
