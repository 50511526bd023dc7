"""The Events worksheet: one row per announced event, current with its answers, attendance and
questions (counts only: no member is named)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import ClassVar

from sqlalchemy import Connection

from porch.core import tracker_queue
from porch.core.message_links import permalink
from porch.core.worksheets import SheetRow, column
from porch.features.live_events import store


@dataclass(frozen=True, kw_only=True)
class EventRow(SheetRow):
    SHEET: ClassVar[str] = "Events"

    event: str = field(metadata=column("Event"))
    title: str = field(metadata=column("Title"))
    starts: dt.datetime | None = field(metadata=column("Starts", "datetime"))
    minutes: int = field(metadata=column("Minutes", "int"))
    where: str = field(metadata=column("Where"))
    state: str = field(metadata=column("State"))
    going: int = field(metadata=column("Going", "int"))
    maybe: int = field(metadata=column("Maybe", "int"))
    cant: int = field(metadata=column("Can't", "int"))
    attended: int = field(metadata=column("Attended", "int"))
    questions: int = field(metadata=column("Questions", "int"))
    unanswered: int = field(metadata=column("Unanswered", "int"))
    link: str = field(metadata=column("Link", "link"))


def queue_row(conn: Connection, *, team_id: str, event_id: str, now: dt.datetime) -> None:
    """The event's row, queued for the tracker with its current counts."""
    event = store.get(conn, team_id=team_id, event_id=event_id)
    if event is None:
        return
    counts = store.counts(conn, team_id=team_id, event_id=event_id)
    asked = store.questions(conn, event)
    link = (
        permalink(conn, team_id=team_id, channel_id=event.channel_id, ts=event.ts)
        if event.channel_id and event.ts
        else ""
    )
    row = EventRow(
        event=event.event_id,
        title=event.title,
        starts=event.starts_at,
        minutes=event.length_minutes,
        where=event.place if event.is_link else f"#{event.place}",
        state=event.state,
        going=counts[store.GOING],
        maybe=counts[store.MAYBE],
        cant=counts[store.CANT],
        attended=len(store.attendees(conn, team_id=team_id, event_id=event_id)),
        questions=len(asked),
        unanswered=sum(1 for _, done in asked if not done),
        link=link,
    )
    tracker_queue.put(conn, team_id=team_id, row=row, now=now)
