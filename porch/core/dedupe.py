"""Exactly-once processing of Slack events, keyed by (team_id, event_id).

Slack redelivers an event when we answer slowly or fail (X-Slack-Retry-Num). The event row is
written in the same transaction as everything the event changes, so a redelivery after a crash
either finds the row (the first attempt committed) or redoes the whole thing (it did not).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection

from porch.core.store.schema import events
from porch.core.store.upsert import insert_ignore


def first_delivery(
    conn: Connection, *, team_id: str, event_id: str, event_type: str, now: dt.datetime
) -> bool:
    """Record the event; False when it was already processed."""
    return insert_ignore(
        conn, events, team_id=team_id, event_id=event_id, event_type=event_type, received_at=now
    )
