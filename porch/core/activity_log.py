"""Raw activity, recorded once per (channel, message, kind, user) whatever Slack redelivers.

Health metrics (participation, returning engagers, response times) are computed from these
rows; the tracker only ever gets aggregates.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, select

from porch.core.store.schema import activity
from porch.core.store.upsert import insert_ignore


def record(
    conn: Connection,
    *,
    team_id: str,
    channel_id: str,
    ts: str,
    kind: str,
    user_id: str,
    at: dt.datetime,
    thread_ts: str | None = None,
) -> bool:
    return insert_ignore(
        conn,
        activity,
        team_id=team_id,
        channel_id=channel_id,
        message_ts=ts,
        kind=kind,
        user_id=user_id,
        thread_ts=thread_ts,
        at=at,
    )


def channels_joined(conn: Connection, *, team_id: str, user_id: str) -> set[str]:
    rows = conn.execute(
        select(activity.c.channel_id).where(
            activity.c.team_id == team_id,
            activity.c.user_id == user_id,
            activity.c.kind == "join",
        )
    )
    return {row.channel_id for row in rows}
