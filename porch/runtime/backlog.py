"""What is waiting: events stored but not yet processed, effects due but not yet delivered.

The edge acknowledges an event as soon as it is stored, so overload shows here, not in Slack's
answers: GET /healthz reports both counts and the age of the oldest, which is what an operator
(or an autoscaler) watches to know whether the workers keep up.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select

from porch.core.inbox import PENDING
from porch.core.store.schema import effects, inbox_events


@dataclass(frozen=True)
class Waiting:
    count: int
    oldest_seconds: float | None

    def as_json(self) -> dict[str, Any]:
        return {"pending": self.count, "oldest_seconds": self.oldest_seconds}


def _aware(moment: dt.datetime) -> dt.datetime:
    # An aggregate over a SQLite column comes back as naive UTC.
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment


def _age(oldest: dt.datetime | None, now: dt.datetime) -> float | None:
    if oldest is None:
        return None
    return round(max(0.0, (now - _aware(oldest)).total_seconds()), 3)


def events(
    conn: Connection, *, now: dt.datetime, spooled: tuple[int, dt.datetime | None] = (0, None)
) -> Waiting:
    """Pending in the inbox, plus `spooled`: (count, oldest) of events the edge has stored in
    its spool (SQLite, porch/runtime/spool.py) that no worker has moved into the inbox yet."""
    count, oldest = conn.execute(
        select(func.count(), func.min(inbox_events.c.received_at)).where(
            inbox_events.c.status == PENDING
        )
    ).one()
    spooled_count, spooled_oldest = spooled
    times = [_aware(t) for t in (oldest, spooled_oldest) if t is not None]
    return Waiting(
        count=count + spooled_count, oldest_seconds=_age(min(times) if times else None, now)
    )


def due_effects(conn: Connection, *, now: dt.datetime) -> Waiting:
    """Effects that could go out now (their not_before has come); later ones are not late."""
    count, oldest = conn.execute(
        select(func.count(), func.min(effects.c.not_before)).where(
            effects.c.status == PENDING, effects.c.not_before <= now
        )
    ).one()
    return Waiting(count=count, oldest_seconds=_age(oldest, now))


def figures(
    conn: Connection, *, now: dt.datetime, spooled: tuple[int, dt.datetime | None] = (0, None)
) -> dict[str, Any]:
    return {
        "events": events(conn, now=now, spooled=spooled).as_json(),
        "effects": due_effects(conn, now=now).as_json(),
    }
