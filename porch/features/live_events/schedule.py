"""The events' minute job: recurring occurrences written down, cards announced, reminders sent
to those going, the thread opened at the start and the recap posted after the end.

Every step is a keyed effect ("event-remind:<event>:<start>:<offset>:<member>"), so a second
run of the same minute, a crash between two steps or a second replica sends nothing twice. A
reminder longer than an hour waits for the member's waking hours (their timezone from their
Slack profile, else the community's), but only until the next reminder's time; a shorter one
goes at its time, since the member is about to join.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, select, update

from porch.core import effect_queue
from porch.core.config import Config
from porch.core.feature import Delivery
from porch.core.local_time import within_hours, zone
from porch.core.posting import post
from porch.core.store.schema import members
from porch.core.store.upsert import insert_ignore
from porch.core.templating import Templates
from porch.features.live_events import store
from porch.features.live_events.cards import Announcements
from porch.features.live_events.config import RecurringEvent, offset_delta
from porch.features.live_events.recaps import Recaps
from porch.features.live_events.store import GOING, SCHEDULED, Event
from porch.features.live_events.tables import live_events as events
from porch.features.live_events.worksheet import queue_row

REMINDER = "live_events/reminder.j2"
LIVE = "live_events/live.j2"
# Reminders this long or shorter go at their time, whatever the hour where the member is.
ANY_HOUR = dt.timedelta(hours=1)
# After downtime, a missed start still opens its thread while the event runs; a recap is
# posted up to this long after its time.
RECAP_CATCH_UP = dt.timedelta(days=2)
EPOCH_MONDAY = dt.date(2024, 1, 1)


@dataclass(frozen=True, kw_only=True)
class Schedule:
    config: Config
    templates: Templates

    @property
    def section(self) -> Any:
        return self.config.events  # type: ignore[attr-defined]

    @property
    def cards(self) -> Announcements:
        return Announcements(config=self.config, templates=self.templates)

    @property
    def recaps(self) -> Recaps:
        return Recaps(config=self.config, templates=self.templates)

    def tick(self, engine: Engine, team_id: str, now: dt.datetime) -> dict[str, int]:
        done = {"announced": 0, "reminded": 0, "opened": 0, "recapped": 0}
        with engine.begin() as conn:
            self.write_occurrences(conn, team_id=team_id, now=now)
        horizon = max([offset_delta(o) for o in self.section.reminders], default=dt.timedelta())
        with engine.begin() as conn:
            due = store.between(
                conn,
                team_id=team_id,
                since=now - RECAP_CATCH_UP - dt.timedelta(days=1),
                until=now + horizon + dt.timedelta(days=31),
            )
        for event in due:
            if event.state != SCHEDULED:
                continue
            with engine.begin() as conn:
                done["announced"] += int(self.announce_due(conn, event, now=now))
                done["reminded"] += self.remind_due(conn, event, now=now)
                done["opened"] += int(self.open_thread_due(conn, event, now=now))
                done["recapped"] += int(self.recaps.post_due(conn, event, now=now))
        return done

    # ---- recurring events ------------------------------------------------------------------

    def write_occurrences(self, conn: Connection, *, team_id: str, now: dt.datetime) -> int:
        """Each recurring event's occurrences due to be announced, written once."""
        tz = self.config.community.tz
        ahead = dt.timedelta(days=self.section.announce_days_before)
        written = 0
        for series in self.section.recurring:
            for day, starts in occurrences(series, since=now, until=now + ahead, tz=tz):
                written += int(
                    insert_ignore(
                        conn,
                        events,
                        team_id=team_id,
                        event_id=f"{series.id}.{day.isoformat()}",
                        series_id=series.id,
                        title=series.title,
                        description=series.description,
                        place=series.where,
                        starts_at=starts,
                        length_minutes=series.length_minutes,
                        state=SCHEDULED,
                        version=1,
                        created_at=now,
                        announce_at=max(starts - ahead, now),
                    )
                )
        return written

    # ---- the steps -------------------------------------------------------------------------

    def announce_due(self, conn: Connection, event: Event, *, now: dt.datetime) -> bool:
        if now >= event.starts_at or effect_queue.exists(
            conn, team_id=event.team_id, key=event.key
        ):
            return False
        announce_at = conn.execute(
            select(events.c.announce_at).where(
                events.c.team_id == event.team_id, events.c.event_id == event.event_id
            )
        ).scalar_one()
        if store._aware(announce_at) > now:
            return False
        return self.cards.announce(conn, event, now=now)

    def remind_due(self, conn: Connection, event: Event, *, now: dt.datetime) -> int:
        """Each due reminder to each member going, once per member and offset."""
        if now >= event.starts_at:
            return 0
        offsets = sorted((offset_delta(o) for o in self.section.reminders), reverse=True)
        sent = 0
        for i, offset in enumerate(offsets):
            due = event.starts_at - offset
            # Too late for this one once the next (shorter) reminder is due.
            until = event.starts_at - offsets[i + 1] if i + 1 < len(offsets) else event.starts_at
            if not due <= now < until:
                continue
            for rsvp in store.answered(
                conn, team_id=event.team_id, event_id=event.event_id, answer=GOING
            ):
                if store._aware(rsvp.answered_at) > due:
                    continue  # they said Going after this reminder's time
                if offset > ANY_HOUR and not self.awake(conn, event.team_id, rsvp.user_id, now):
                    continue
                sent += int(self.remind(conn, event, user_id=rsvp.user_id, offset=offset, now=now))
        return sent

    def remind(
        self,
        conn: Connection,
        event: Event,
        *,
        user_id: str,
        offset: dt.timedelta,
        now: dt.datetime,
    ) -> bool:
        minutes = int(offset.total_seconds() // 60)
        return post(
            conn,
            config=self.config,
            templates=self.templates,
            team_id=event.team_id,
            key=(
                f"event-remind:{event.event_id}:{int(event.starts_at.timestamp())}:"
                f"{minutes}:{user_id}"
            ),
            template=REMINDER,
            to={"channel": user_id},
            now=now,
            **store.context(conn, event, tz=self.config.community.tz),
            starts_in=in_words(event.starts_at - now),
        )

    def awake(self, conn: Connection, team_id: str, user_id: str, now: dt.datetime) -> bool:
        name = conn.execute(
            select(members.c.tz).where(members.c.team_id == team_id, members.c.user_id == user_id)
        ).scalar()
        tz = zone(name, self.config.community.tz)
        hours = self.section.waking_hours
        return within_hours(now, tz, start=hours.start_time, end=hours.end_time)

    def open_thread_due(self, conn: Connection, event: Event, *, now: dt.datetime) -> bool:
        """At the start: the thread for questions, with the check-in button (once)."""
        if not event.starts_at <= now < event.ends_at or not event.channel_id:
            return False
        return post(
            conn,
            config=self.config,
            templates=self.templates,
            team_id=event.team_id,
            key=f"event-live:{event.event_id}",
            template=LIVE,
            to={"thread_of": event.key},
            now=now,
            **store.context(conn, event, tz=self.config.community.tz),
        )

    def on_announced(self, delivery: Delivery) -> None:
        """Remember where the card is: replies in its thread are the event's."""
        if not delivery.ok or not delivery.result:
            return
        delivery.conn.execute(
            update(events)
            .where(events.c.team_id == delivery.team_id)
            .where(events.c.event_id == delivery.then["event_id"])
            .values(channel_id=delivery.result["channel"], ts=delivery.result["ts"])
        )
        queue_row(
            delivery.conn,
            team_id=delivery.team_id,
            event_id=delivery.then["event_id"],
            now=delivery.now,
        )


def occurrences(
    series: RecurringEvent, *, since: dt.datetime, until: dt.datetime, tz: Any
) -> list[tuple[dt.date, dt.datetime]]:
    """The series' (local date, UTC start) in (since, until]: each at its wall-clock time on
    its local date, so a DST week moves the UTC moment, never the local hour."""
    from porch.core.config import WEEKDAYS

    found = []
    day = since.astimezone(tz).date()
    last = until.astimezone(tz).date()
    while day <= last:
        weeks = (day - EPOCH_MONDAY).days // 7
        if day.weekday() == WEEKDAYS.index(series.weekday) and weeks % series.every_weeks == 0:
            local = dt.datetime.combine(day, dt.time.fromisoformat(series.time), tzinfo=tz)
            starts = local.astimezone(dt.UTC)
            if since < starts <= until:
                found.append((day, starts))
        day += dt.timedelta(days=1)
    return found


def in_words(left: dt.timedelta) -> str:
    minutes = max(round(left.total_seconds() / 60), 0)
    if minutes < 90:
        return f"{minutes} minutes"
    hours = round(minutes / 60)
    return f"{hours} hours" if hours < 36 else f"{round(hours / 24)} days"
