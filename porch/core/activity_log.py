"""Raw activity, recorded once per (channel, message, kind, user) whatever Slack redelivers.

Health metrics (participation, returning engagers, response times) are computed from these
rows; the tracker only ever gets aggregates.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, func, select

from porch.core.store.schema import activity
from porch.core.store.upsert import insert_ignore

# A reaction's activity kind is "r:" and the start of the emoji name (kinds are at most 16
# characters), so counting a message's reactions needs no list of emoji.
REACTION_PREFIX = "r:"


def reaction_kind(name: str) -> str:
    # Skin tones are one emoji for counting purposes: :+1::skin-tone-3: is still a thumbs up.
    return (REACTION_PREFIX + name.split("::", 1)[0])[:16]


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


def reaction_count(conn: Connection, *, team_id: str, channel_id: str, ts: str) -> int:
    """How many reactions a message has now (each member's each emoji once)."""
    return conn.execute(
        select(func.count()).where(
            activity.c.team_id == team_id,
            activity.c.channel_id == channel_id,
            activity.c.message_ts == ts,
            activity.c.kind.startswith(REACTION_PREFIX),
        )
    ).scalar_one()
