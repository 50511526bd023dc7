"""The community's calendar: every ritual and live event as iCalendar (the site's calendar.ics,
and `porch events calendar`, which adds the one-off events from the store), and the recurring
events for the site's table, all from the same settings.

Recurring entries carry their rule (RRULE) in the community's timezone, with its VTIMEZONE, so
a subscribed calendar keeps them at their wall-clock time across DST changes and never runs out
between two site builds; one-off events are single entries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

from porch.core.config import WEEKDAYS, Config
from porch.features.live_events.schedule import occurrences
from porch.features.live_events.store import SCHEDULED, Event

ICS_FILE = "calendar.ics"
# How long a ritual shows in a calendar: its prompt is posted then; replies come all day.
RITUAL_MINUTES = 30
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _host(config: Config) -> str:
    return urlsplit(config.community.site_url).netloc or "porch.invalid"


def _first(weekday: str, time: str, *, now: dt.datetime, tz: Any, every_weeks: int) -> dt.datetime:
    """The first local start on `weekday` at `time` after `now`, on the every-N-weeks grid."""
    from porch.features.live_events.config import RecurringEvent

    probe = RecurringEvent(
        id="probe", title="probe", weekday=weekday, time=time, where="x", every_weeks=every_weeks
    )
    found = occurrences(probe, since=now, until=now + dt.timedelta(weeks=every_weeks + 1), tz=tz)
    return found[0][1].astimezone(tz)


def calendar(config: Config, *, now: dt.datetime, stored: Sequence[Event] = ()) -> bytes:
    """The .ics: rituals and recurring events as rules, and `stored` one-off events (those
    still scheduled) as single entries."""
    from icalendar import Calendar
    from icalendar import Event as Entry

    tz = config.community.tz
    host = _host(config)
    cal = Calendar()
    cal.add("prodid", "-//Porch//community calendar//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", config.community.name)
    cal.add("x-wr-timezone", config.community.timezone)
    channels = config.channels.model_dump()

    def entry(uid: str, title: str, starts: dt.datetime, minutes: int, where: str, about: str):
        item = Entry()
        item.add("uid", f"{uid}@{host}")
        item.add("dtstamp", now.astimezone(dt.UTC))
        item.add("summary", title)
        item.add("dtstart", starts)
        item.add("duration", dt.timedelta(minutes=minutes))
        item.add("location", where)
        if about:
            item.add("description", about)
        return item

    for ritual in getattr(config, "rituals", ()):
        first = ritual.next_at(now, tz)
        item = entry(
            f"ritual-{ritual.id}",
            ritual.name,
            first,
            RITUAL_MINUTES,
            f"#{channels[ritual.channel]}",
            f"Porch posts the prompt in #{channels[ritual.channel]}: reply in its thread.",
        )
        day = BYDAY[WEEKDAYS.index(ritual.weekday)]
        if ritual.cadence == "monthly":
            item.add("rrule", {"freq": "monthly", "byday": f"+{ritual.week_of_month}{day}"})
        else:
            item.add("rrule", {"freq": "weekly", "interval": ritual.every_weeks, "byday": day})
        cal.add_component(item)
    section = getattr(config, "events", None)
    for series in section.recurring if section else ():
        first = _first(series.weekday, series.time, now=now, tz=tz, every_weeks=series.every_weeks)
        item = entry(
            f"event-{series.id}",
            series.title,
            first,
            series.length_minutes,
            _where(series.where),
            series.description,
        )
        day = BYDAY[WEEKDAYS.index(series.weekday)]
        item.add("rrule", {"freq": "weekly", "interval": series.every_weeks, "byday": day})
        cal.add_component(item)
    for event in stored:
        if event.series_id or event.state != SCHEDULED or event.ends_at <= now:
            continue
        cal.add_component(
            entry(
                event.event_id,
                event.title,
                event.starts_at.astimezone(tz),
                event.length_minutes,
                _where(event.place),
                event.description,
            )
        )
    cal.add_missing_timezones()
    return cal.to_ical()


def _where(place: str) -> str:
    return place if place.startswith(("https://", "http://")) else f"#{place}"


def site_calendar(config: Config, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """What the site shows: the recurring events (day, time, where), the next dates of each,
    and calendar.ics among the site's generated files."""
    now = now or dt.datetime.now(dt.UTC)
    tz = config.community.tz
    section = getattr(config, "events", None)
    rows: list[dict[str, Any]] = []
    for series in section.recurring if section else ():
        upcoming = occurrences(series, since=now, until=now + dt.timedelta(days=35), tz=tz)
        rows.append(
            {
                "title": series.title,
                "day": series.weekday.title()
                if series.every_weeks == 1
                else f"Every {series.every_weeks} weeks on {series.weekday.title()}",
                "time": series.time,
                "length_minutes": series.length_minutes,
                "where": _where(series.where),
                "is_link": series.where.startswith(("https://", "http://")),
                "description": series.description,
                "next": [f"{day:%a %d %b}" for day, _ in upcoming],
            }
        )
    rows.sort(key=lambda r: (WEEKDAYS.index(r["day"].split()[-1].lower()), r["time"]))
    return {
        "live_events": rows,
        "calendar_file": ICS_FILE,
        "site_files": {ICS_FILE: calendar(config, now=now).decode("utf-8")},
    }


def entries_of(ics: bytes) -> Iterable[Any]:
    """The VEVENTs of an .ics, read back with icalendar (what the tests check)."""
    from icalendar import Calendar

    return Calendar.from_ical(ics).walk("VEVENT")
