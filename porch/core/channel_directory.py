"""Channel names from community.yml, mapped to Slack channel IDs the worker resolved."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import Connection, delete, select

from porch.core.store.schema import channels
from porch.core.store.upsert import insert_ignore


def remember(conn: Connection, *, team_id: str, ids_by_name: Mapping[str, str]) -> None:
    for name, channel_id in ids_by_name.items():
        conn.execute(delete(channels).where(channels.c.team_id == team_id, channels.c.name == name))
        insert_ignore(conn, channels, team_id=team_id, name=name, channel_id=channel_id)


def id_of(conn: Connection, *, team_id: str, name: str) -> str | None:
    return conn.execute(
        select(channels.c.channel_id).where(channels.c.team_id == team_id, channels.c.name == name)
    ).scalar()


def name_of(conn: Connection, *, team_id: str, channel_id: str) -> str | None:
    return conn.execute(
        select(channels.c.name).where(
            channels.c.team_id == team_id, channels.c.channel_id == channel_id
        )
    ).scalar()


def all_ids(conn: Connection, *, team_id: str) -> dict[str, str]:
    rows = conn.execute(select(channels).where(channels.c.team_id == team_id))
    return {row.name: row.channel_id for row in rows}
