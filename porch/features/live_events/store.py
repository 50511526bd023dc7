"""An event as stored, and how it reads in a message: when (in each reader's own timezone,
through Slack's date formatting), where, and who is coming."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, select

from porch.core import channel_directory
from porch.core.templating import Mrkdwn, channel_link, escape, link
from porch.features.live_events.tables import event_messages, event_rsvps
from porch.features.live_events.tables import live_events as events

# Recurring occurrences: "<series>.<local date>"; one-offs: "one-<8 hex>".
EVENT_ID = re.compile(r"[a-z0-9][a-z0-9\-]{0,47}(?:\.\d{4}-\d{2}-\d{2})?")
SCHEDULED, CANCELLED = "scheduled", "cancelled"
GOING, MAYBE, CANT = "going", "maybe", "cant"
ANSWERS = (GOING, MAYBE, CANT)


@dataclass(frozen=True)
class Event:
    team_id: str
    event_id: str
    series_id: str | None
    title: str
    description: str
    place: str
    starts_at: dt.datetime
    length_minutes: int
    state: str
    version: int
    channel_id: str | None
    ts: str | None
    recapped_at: dt.datetime | None

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.length_minutes)

    @property
    def is_link(self) -> bool:
        return self.place.startswith(("https://", "http://"))

    @property
    def key(self) -> str:
        """The announcement's effect key (updates and the thread name it)."""
        return f"event:{self.event_id}"


def _event(row: Any) -> Event:
    return Event(
        team_id=row.team_id,
        event_id=row.event_id,
        series_id=row.series_id,
        title=row.title,
        description=row.description or "",
        place=row.place,
        starts_at=_aware(row.starts_at),
        length_minutes=row.length_minutes,
        state=row.state,
        version=row.version,
        channel_id=row.channel_id,
        ts=row.ts,
        recapped_at=_aware(row.recapped_at) if row.recapped_at else None,
    )


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def get(conn: Connection, *, team_id: str, event_id: str) -> Event | None:
    row = conn.execute(
        select(events).where(events.c.team_id == team_id, events.c.event_id == event_id)
    ).first()
    return _event(row) if row else None


def between(
    conn: Connection, *, team_id: str, since: dt.datetime, until: dt.datetime
) -> list[Event]:
    """Events starting in [since, until), soonest first (cancelled ones too)."""
    rows = conn.execute(
        select(events)
        .where(events.c.team_id == team_id, events.c.starts_at >= since)
        .where(events.c.starts_at < until)
        .order_by(events.c.starts_at, events.c.event_id)
    )
    return [_event(row) for row in rows]


def of_thread(conn: Connection, *, team_id: str, channel_id: str, ts: str) -> Event | None:
    row = conn.execute(
        select(events).where(
            events.c.team_id == team_id, events.c.channel_id == channel_id, events.c.ts == ts
        )
    ).first()
    return _event(row) if row else None


def counts(conn: Connection, *, team_id: str, event_id: str) -> dict[str, int]:
    rows = conn.execute(
        select(event_rsvps.c.answer, func.count())
        .where(event_rsvps.c.team_id == team_id, event_rsvps.c.event_id == event_id)
        .group_by(event_rsvps.c.answer)
    )
    found = {answer: 0 for answer in ANSWERS}
    found.update({answer: n for answer, n in rows})
    return found


def answered(conn: Connection, *, team_id: str, event_id: str, answer: str) -> list[Any]:
    """The RSVP rows with this answer (user_id, answered_at, attended_at), oldest first."""
    return list(
        conn.execute(
            select(event_rsvps)
            .where(event_rsvps.c.team_id == team_id, event_rsvps.c.event_id == event_id)
            .where(event_rsvps.c.answer == answer)
            .order_by(event_rsvps.c.answered_at, event_rsvps.c.user_id)
        )
    )


def attendees(conn: Connection, *, team_id: str, event_id: str) -> list[str]:
    return list(
        conn.execute(
            select(event_rsvps.c.user_id)
            .where(event_rsvps.c.team_id == team_id, event_rsvps.c.event_id == event_id)
            .where(event_rsvps.c.attended_at.is_not(None))
            .order_by(event_rsvps.c.user_id)
        ).scalars()
    )


def questions(conn: Connection, event: Event) -> list[tuple[Any, bool]]:
    """The questions in the event's thread, each with whether it was answered: someone other
    than its asker wrote in the thread after it."""
    rows = list(
        conn.execute(
            select(event_messages)
            .where(event_messages.c.team_id == event.team_id)
            .where(event_messages.c.event_id == event.event_id)
            .order_by(event_messages.c.at, event_messages.c.ts)
        )
    )
    return [
        (row, any(later.user_id != row.user_id for later in rows[i + 1 :]))
        for i, row in enumerate(rows)
        if row.is_question
    ]


def live_attendance(
    conn: Connection, *, team_id: str, since: dt.datetime, until: dt.datetime
) -> int | None:
    """Attendances at the events that started in [since, until) (a member at two events
    counts twice); None when no event was held then (the report shows "–")."""
    held = conn.execute(
        select(func.count())
        .select_from(events)
        .where(events.c.team_id == team_id, events.c.state == SCHEDULED)
        .where(events.c.starts_at >= since, events.c.starts_at < until)
    ).scalar_one()
    if not held:
        return None
    return conn.execute(
        select(func.count())
        .select_from(
            event_rsvps.join(
                events,
                (events.c.team_id == event_rsvps.c.team_id)
                & (events.c.event_id == event_rsvps.c.event_id),
            )
        )
        .where(events.c.team_id == team_id, events.c.state == SCHEDULED)
        .where(events.c.starts_at >= since, events.c.starts_at < until)
        .where(event_rsvps.c.attended_at.is_not(None))
    ).scalar_one()


def when(moment: dt.datetime, tz: ZoneInfo) -> Mrkdwn:
    """The moment in each reader's own timezone (Slack formats it), with the community's
    wall-clock time as the fallback."""
    local = moment.astimezone(tz)
    fallback = f"{local:%A %d %B, %H:%M} {local.tzname()}"
    epoch = int(moment.timestamp())
    return Mrkdwn(f"<!date^{epoch}^{{date_long_pretty}} at {{time}}|{escape(fallback)}>")


def local_label(moment: dt.datetime, tz: ZoneInfo) -> str:
    """Plain wall-clock text in the community's timezone ("Thu 10 Dec 16:00 CET")."""
    local = moment.astimezone(tz)
    return f"{local:%a %d %b %H:%M} {local.tzname()}"


def place(conn: Connection, event: Event) -> Mrkdwn:
    if event.is_link:
        return link(event.place, "the call link")
    channel_id = channel_directory.id_of(conn, team_id=event.team_id, name=event.place)
    return channel_link(channel_id, event.place)


def context(conn: Connection, event: Event, *, tz: ZoneInfo) -> dict[str, Any]:
    """What every event template sees of the event."""
    return {
        "event": event,
        "when": when(event.starts_at, tz),
        "local_when": local_label(event.starts_at, tz),
        "place": place(conn, event),
        "counts": counts(conn, team_id=event.team_id, event_id=event.event_id),
    }
