"""The mark a forgotten member leaves: a keyed hash of their user ID, never the ID itself.

The key is PORCH_PRIVACY_KEY when set (the same on every replica), otherwise a random key made
once per workspace and kept in the store. Without the key the hash cannot be matched to a
person; with it, Porch can only answer "is this user ID one that asked to be forgotten?".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import secrets
from typing import Any

from sqlalchemy import Connection, delete, select

from porch.core import batch_cache
from porch.core.store.schema import forgotten_members, privacy_keys
from porch.core.store.upsert import insert_ignore

KEY_VARIABLE = "PORCH_PRIVACY_KEY"


def _key(conn: Connection, *, team_id: str, now: dt.datetime | None = None) -> bytes:
    configured = os.environ.get(KEY_VARIABLE)
    if configured:
        return configured.encode()
    stored = conn.execute(
        select(privacy_keys.c.secret).where(privacy_keys.c.team_id == team_id)
    ).scalar()
    if stored is None:
        insert_ignore(
            conn,
            privacy_keys,
            team_id=team_id,
            secret=secrets.token_hex(32),
            created_at=now or dt.datetime.now(dt.UTC),
        )
        stored = conn.execute(
            select(privacy_keys.c.secret).where(privacy_keys.c.team_id == team_id)
        ).scalar_one()
    return str(stored).encode()


def member_hash(conn: Connection, *, team_id: str, user_id: str) -> str:
    key = _key(conn, team_id=team_id)
    return hmac.new(key, f"{team_id}:{user_id}".encode(), hashlib.sha256).hexdigest()


def mark(conn: Connection, *, team_id: str, user_id: str, now: dt.datetime) -> None:
    insert_ignore(
        conn,
        forgotten_members,
        team_id=team_id,
        member_hash=member_hash(conn, team_id=team_id, user_id=user_id),
        forgotten_at=now,
    )


def is_forgotten(conn: Connection, *, team_id: str, user_id: str) -> bool:
    """Whether this user asked to be forgotten (only ever True once someone has)."""
    if not any_marks(conn, team_id=team_id):
        return False
    any_mark = select(forgotten_members.c.member_hash).where(forgotten_members.c.team_id == team_id)
    wanted = member_hash(conn, team_id=team_id, user_id=user_id)
    found = any_mark.where(forgotten_members.c.member_hash == wanted)
    return conn.execute(found).first() is not None


def any_marks(conn: Connection, *, team_id: str) -> bool:
    """Whether anyone in the workspace was ever forgotten: almost always False, and then no
    event needs its user ID hashed. Read once per inbox batch (a batch never adds a mark)."""
    return batch_cache.remember(
        conn,
        ("forgotten_any", team_id),
        lambda: (
            conn.execute(
                select(forgotten_members.c.member_hash)
                .where(forgotten_members.c.team_id == team_id)
                .limit(1)
            ).first()
            is not None
        ),
    )


def ignores(conn: Connection, *, team_id: str, event: Any) -> bool:
    """Whether the features should not see this event at all: it is something a forgotten
    member did (posted, reacted, joined a channel). Joining the workspace again is not
    ignored: onboarding decides that one (see Onboarding.member_joined)."""
    user_id = getattr(event, "user_id", None)
    return isinstance(user_id, str) and is_forgotten(conn, team_id=team_id, user_id=user_id)


def unmark(conn: Connection, *, team_id: str, user_id: str) -> None:
    """A forgotten person who joins the workspace again chose to come back."""
    conn.execute(
        delete(forgotten_members).where(
            forgotten_members.c.team_id == team_id,
            forgotten_members.c.member_hash == member_hash(conn, team_id=team_id, user_id=user_id),
        )
    )
