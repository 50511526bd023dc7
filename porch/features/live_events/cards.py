"""The announcement card: posted once, then kept current by chat.update.

Answers arrive in bursts (everyone clicks Going when the card appears), so the count updates
are coalesced: every change within one COALESCE window rewrites the same pending update effect,
which the worker sends once the window closes, showing the latest count. A change that finds
the window's update already sent records a fresh one, so none is lost.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, update

from porch.core import effect_queue
from porch.core.config import Config
from porch.core.message_context import MessageContext
from porch.core.store.schema import effects
from porch.core.templating import Message, Templates
from porch.features.live_events import store
from porch.features.live_events.store import Event
from porch.features.live_events.worksheet import queue_row

CARD = "live_events/card.j2"
COALESCE = dt.timedelta(seconds=10)


@dataclass(frozen=True, kw_only=True)
class Announcements:
    config: Config
    templates: Templates

    @property
    def section(self) -> Any:
        return self.config.events  # type: ignore[attr-defined]

    def render(self, conn: Connection, event: Event, *, now: dt.datetime, **extra: Any) -> Message:
        context = MessageContext.load(conn, config=self.config, team_id=event.team_id)
        return self.templates.render(
            CARD,
            **store.context(conn, event, tz=self.config.community.tz),
            ended=now >= event.ends_at,
            attended=len(store.attendees(conn, team_id=event.team_id, event_id=event.event_id)),
            **extra,
            **context.for_member(None),
        )

    def announce(self, conn: Connection, event: Event, *, now: dt.datetime) -> bool:
        """Post the card once (its key is the event's)."""
        message = self.render(conn, event, now=now)
        payload: dict[str, Any] = {
            "channel_name": getattr(self.config.channels, self.section.announce_in),
            **message.payload(),
            "then": {"op": "event_announced", "event_id": event.event_id},
        }
        return effect_queue.record(
            conn, team_id=event.team_id, key=event.key, kind="post", payload=payload, now=now
        )

    def refresh(self, conn: Connection, event: Event, *, now: dt.datetime) -> None:
        """The count changed: one coalesced update per window (nothing before the card)."""
        if not effect_queue.exists(conn, team_id=event.team_id, key=event.key):
            return
        queue_row(conn, team_id=event.team_id, event_id=event.event_id, now=now)
        window = int(now.timestamp() // COALESCE.total_seconds())
        closes = dt.datetime.fromtimestamp((window + 1) * COALESCE.total_seconds(), tz=dt.UTC)
        payload = {"of": event.key, **self.render(conn, event, now=now).payload()}
        key = f"{event.key}:count:{window}"
        if effect_queue.record(
            conn,
            team_id=event.team_id,
            key=key,
            kind="update",
            payload=payload,
            now=now,
            not_before=closes,
        ):
            return
        rewritten = conn.execute(
            update(effects)
            .where(effects.c.team_id == event.team_id, effects.c.effect_key == key)
            .where(effects.c.status == effect_queue.PENDING)
            .values(payload=payload)
        ).rowcount
        if not rewritten:
            self.replace(conn, event, now=now, why=f"count:{uuid.uuid4().hex[:12]}")

    def replace(self, conn: Connection, event: Event, *, now: dt.datetime, why: str) -> bool:
        """An update for a change that must show at once (edited, cancelled, ended); once per
        `why`."""
        queue_row(conn, team_id=event.team_id, event_id=event.event_id, now=now)
        payload = {"of": event.key, **self.render(conn, event, now=now).payload()}
        return effect_queue.record(
            conn,
            team_id=event.team_id,
            key=f"{event.key}:{why}",
            kind="update",
            payload=payload,
            now=now,
        )
