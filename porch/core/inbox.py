"""The durable inbox: Slack events stored before the ack, processed afterwards, each once.

Slack redelivers an event when the ack is slow or fails (X-Slack-Retry-Num). `accept` inserts
the validated event keyed by (team_id, event_id) with ON CONFLICT DO NOTHING, so the dedupe and
the write are one statement and a retry is a no-op. The processor takes pending rows in batches
and marks them done in the same transaction as the rows and effects the features record, so a
crash replays exactly the events whose batch did not commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, func, select, update

from porch.core import domain_events
from porch.core.domain_events import DomainEvent
from porch.core.store.schema import inbox_events
from porch.core.store.upsert import insert_ignore

PENDING, DONE, FAILED = "pending", "done", "failed"
# How long a processed event stays: long enough to recognise Slack's retries (minutes) and to look
# into a problem, not so long that the inbox keeps a copy of every member's words.
KEEP_DONE = dt.timedelta(days=2)
KEEP_FAILED = dt.timedelta(days=14)


@dataclass(frozen=True)
class StoredEvent:
    id: int
    team_id: str
    event_id: str
    event: DomainEvent


def accept(
    conn: Connection, *, team_id: str, event_id: str, event: DomainEvent, now: dt.datetime
) -> bool:
    """Store the event unless it is already here; True when this delivery is the first."""
    return insert_ignore(
        conn,
        inbox_events,
        team_id=team_id,
        event_id=event_id,
        kind=event.kind,
        payload=domain_events.to_payload(event),
        received_at=now,
        status=PENDING,
    )


def waiting_workspaces(conn: Connection, *, limit: int = 32) -> list[str]:
    """The workspaces with pending events, the one whose oldest pending event came first first
    (so workspaces take turns in roughly the order their events arrived)."""
    first = func.min(inbox_events.c.id)
    rows = conn.execute(
        select(inbox_events.c.team_id)
        .where(inbox_events.c.status == PENDING)
        .group_by(inbox_events.c.team_id)
        .order_by(first)
        .limit(limit)
    ).all()
    return [row.team_id for row in rows]


def pending(
    conn: Connection, *, limit: int, team_id: str | None = None, lock: bool = False
) -> list[StoredEvent]:
    """The oldest pending events, in arrival order.

    `lock` (PostgreSQL) locks them until the transaction ends: should two processors ever both
    believe they hold a workspace (one stalled past its lease), the second waits for the first
    to commit and then finds those events done instead of handling them again.
    """
    query = select(
        inbox_events.c.id,
        inbox_events.c.team_id,
        inbox_events.c.event_id,
        inbox_events.c.kind,
        inbox_events.c.payload,
    ).where(inbox_events.c.status == PENDING)
    if team_id is not None:
        query = query.where(inbox_events.c.team_id == team_id)
    query = query.order_by(inbox_events.c.id).limit(limit)
    if lock and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    rows = conn.execute(query).all()
    return [
        StoredEvent(
            id=row.id,
            team_id=row.team_id,
            event_id=row.event_id,
            event=domain_events.from_payload(row.kind, row.payload),
        )
        for row in rows
    ]


def mark_done(conn: Connection, *, ids: Sequence[int], now: dt.datetime) -> None:
    conn.execute(
        update(inbox_events)
        .where(inbox_events.c.id.in_(ids), inbox_events.c.status == PENDING)
        .values(status=DONE, processed_at=now)
    )


def mark_failed(conn: Connection, *, event_id: int, error: str, now: dt.datetime) -> None:
    """A poisoned event: kept for inspection, never retried, so it cannot block the rest."""
    conn.execute(
        update(inbox_events)
        .where(inbox_events.c.id == event_id)
        .values(status=FAILED, processed_at=now, error=error[:2000])
    )


def counts(conn: Connection) -> dict[str, Any]:
    rows = conn.execute(
        select(inbox_events.c.status, func.count()).group_by(inbox_events.c.status)
    ).all()
    return {status: count for status, count in rows}


def purge(conn: Connection, *, team_id: str, now: dt.datetime) -> int:
    """Delete a workspace's processed events past their keeping time; pending ones stay."""
    purged = 0
    for status, keep in ((DONE, KEEP_DONE), (FAILED, KEEP_FAILED)):
        purged += conn.execute(
            delete(inbox_events).where(
                inbox_events.c.team_id == team_id,
                inbox_events.c.status == status,
                inbox_events.c.received_at < now - keep,
            )
        ).rowcount
    return purged
