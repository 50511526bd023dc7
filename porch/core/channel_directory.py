"""Channel names from community.yml, mapped to Slack channel IDs the worker resolved."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from sqlalchemy import Connection, delete, select

from porch.core.store.schema import channels
from porch.core.store.upsert import insert_ignore


def remember(conn: Connection, *, team_id: str, ids_by_name: Mapping[str, str]) -> None:
    conn.info.pop(_CACHE, None)
    for name, channel_id in ids_by_name.items():
        conn.execute(delete(channels).where(channels.c.team_id == team_id, channels.c.name == name))
        insert_ignore(conn, channels, team_id=team_id, name=name, channel_id=channel_id)


# Where `cached` keeps the workspace's channels for the length of one transaction.
_CACHE = "porch.channel_directory"


@contextmanager
def cached(conn: Connection) -> Iterator[None]:
    """Answer name and ID look-ups from one read per workspace for this block (a batch of
    events asks for the same few channels hundreds of times)."""
    conn.info[_CACHE] = {}
    try:
        yield
    finally:
        conn.info.pop(_CACHE, None)


def _cached_ids(conn: Connection, team_id: str) -> dict[str, str] | None:
    cache = conn.info.get(_CACHE)
    if cache is None:
        return None
    if team_id not in cache:
        cache[team_id] = _all_ids(conn, team_id)
    return cache[team_id]


def id_of(conn: Connection, *, team_id: str, name: str) -> str | None:
    ids = _cached_ids(conn, team_id)
    if ids is not None:
        return ids.get(name)
    return conn.execute(
        select(channels.c.channel_id).where(channels.c.team_id == team_id, channels.c.name == name)
    ).scalar()


def name_of(conn: Connection, *, team_id: str, channel_id: str) -> str | None:
    ids = _cached_ids(conn, team_id)
    if ids is not None:
        return next((name for name, known in ids.items() if known == channel_id), None)
    return conn.execute(
        select(channels.c.name).where(
            channels.c.team_id == team_id, channels.c.channel_id == channel_id
        )
    ).scalar()


def all_ids(conn: Connection, *, team_id: str) -> dict[str, str]:
    ids = _cached_ids(conn, team_id)
    return dict(ids) if ids is not None else _all_ids(conn, team_id)


def _all_ids(conn: Connection, team_id: str) -> dict[str, str]:
    rows = conn.execute(select(channels).where(channels.c.team_id == team_id))
    return {row.name: row.channel_id for row in rows}
