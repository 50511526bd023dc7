"""During and after an event: its thread's messages (questions, and whether someone else
answered after them), check-in, the recap, and the managers' attendance card.

Attendance is a check-in during the event (the button in the thread opened at the start), or,
when members forget, the managers' "Count Going as attended" on the card they get with the
recap. The recap is one keyed post in the card's thread; the event's `recapped_at` marks it so
the job looks no further.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, update

from porch.core.config import Config
from porch.core.domain_events import MessagePosted
from porch.core.permalinks import permalink
from porch.core.posting import post
from porch.core.questions import is_question
from porch.core.store.upsert import insert_ignore
from porch.core.templating import Templates, mention
from porch.features.live_events import store
from porch.features.live_events.cards import Announcements
from porch.features.live_events.store import GOING, SCHEDULED, Event
from porch.features.live_events.tables import event_messages, event_rsvps
from porch.features.live_events.tables import live_events as events
from porch.features.live_events.worksheet import queue_row

RECAP = "live_events/recap.j2"
ATTENDANCE = "live_events/attendance.j2"
RECAP_CATCH_UP = dt.timedelta(days=2)


@dataclass(frozen=True, kw_only=True)
class Recaps:
    config: Config
    templates: Templates

    @property
    def section(self) -> Any:
        return self.config.events  # type: ignore[attr-defined]

    # ---- the thread ------------------------------------------------------------------------

    def on_message_posted(
        self, conn: Connection, team_id: str, event: MessagePosted, now: dt.datetime
    ) -> None:
        """A message in an event's thread, recorded once (no text)."""
        if not event.thread_ts or event.thread_ts == event.ts:
            return
        found = store.of_thread(
            conn, team_id=team_id, channel_id=event.channel_id, ts=event.thread_ts
        )
        if found is None:
            return
        insert_ignore(
            conn,
            event_messages,
            team_id=team_id,
            channel_id=event.channel_id,
            ts=event.ts,
            event_id=found.event_id,
            user_id=event.user_id,
            is_question=is_question(config=self.config, channel_name=None, text=event.text),
            at=now,
        )

    def questions(self, conn: Connection, event: Event) -> tuple[list[Any], list[Any]]:
        """(answered, unanswered), each question as its asker and a link."""
        answered, unanswered = [], []
        for row, done in store.questions(conn, event):
            url = permalink(conn, team_id=event.team_id, channel_id=row.channel_id, ts=row.ts)
            item = {"asker": mention(row.user_id), "url": url}
            (answered if done else unanswered).append(item)
        return answered, unanswered

    # ---- check-in --------------------------------------------------------------------------

    def check_in(
        self, conn: Connection, *, team_id: str, event_id: str, user_id: str, now: dt.datetime
    ) -> str:
        """ "in", "early", "over" or "cancelled": what the member is told."""
        event = store.get(conn, team_id=team_id, event_id=event_id)
        if event is None or event.state != SCHEDULED:
            return "cancelled"
        opens = event.starts_at - dt.timedelta(minutes=self.section.check_in_opens_minutes)
        if now < opens:
            return "early"
        if now >= event.ends_at:
            return "over"
        if not insert_ignore(
            conn,
            event_rsvps,
            team_id=team_id,
            event_id=event_id,
            user_id=user_id,
            answer=GOING,
            answered_at=now,
            attended_at=now,
        ):
            conn.execute(
                update(event_rsvps)
                .where(event_rsvps.c.team_id == team_id, event_rsvps.c.event_id == event_id)
                .where(event_rsvps.c.user_id == user_id, event_rsvps.c.attended_at.is_(None))
                .values(attended_at=now, answer=GOING)
            )
        Announcements(config=self.config, templates=self.templates).refresh(conn, event, now=now)
        return "in"

    def confirm_going(
        self, conn: Connection, *, team_id: str, event_id: str, manager_id: str, now: dt.datetime
    ) -> int:
        """A manager counts everyone who said Going as attended; returns how many were added."""
        added = conn.execute(
            update(event_rsvps)
            .where(event_rsvps.c.team_id == team_id, event_rsvps.c.event_id == event_id)
            .where(event_rsvps.c.answer == GOING, event_rsvps.c.attended_at.is_(None))
            .values(attended_at=now, attendance_by=manager_id)
        ).rowcount
        queue_row(conn, team_id=team_id, event_id=event_id, now=now)
        return added

    # ---- the recap -------------------------------------------------------------------------

    def post_due(self, conn: Connection, event: Event, *, now: dt.datetime) -> bool:
        """After the end: the recap in the card's thread and the managers' card, once."""
        due = event.ends_at + dt.timedelta(minutes=self.section.recap_after_minutes)
        if event.recapped_at is not None or now < due or event.state != SCHEDULED:
            return False
        claimed = conn.execute(
            update(events)
            .where(events.c.team_id == event.team_id, events.c.event_id == event.event_id)
            .where(events.c.recapped_at.is_(None))
            .values(recapped_at=now)
        ).rowcount
        if not claimed or now - due > RECAP_CATCH_UP or not event.channel_id:
            return False
        answered, unanswered = self.questions(conn, event)
        context = {
            **store.context(conn, event, tz=self.config.community.tz),
            "attended": store.attendees(conn, team_id=event.team_id, event_id=event.event_id),
            "answered": answered,
            "unanswered": unanswered,
        }
        common = {"config": self.config, "templates": self.templates, "team_id": event.team_id}
        post(
            conn,
            **common,
            key=f"event-recap:{event.event_id}",
            template=RECAP,
            to={"thread_of": event.key},
            now=now,
            **context,
        )
        post(
            conn,
            **common,
            key=f"event-attendance:{event.event_id}",
            template=ATTENDANCE,
            to={"channel_name": self.config.channels.moderators},
            now=now,
            **context,
        )
        Announcements(config=self.config, templates=self.templates).replace(
            conn, event, now=now, why="ended"
        )
        return True
