"""Durable, idempotent side effects: record first, act later, and never act twice.

Domain code records an effect (a DM, a thread reply, a reaction, an App Home view) in the same
transaction as the state change that causes it. Its key names the occurrence ("welcome:U123",
"intro-thread:2026-W47"), so recording it again is a no-op. A worker claims due effects with a
short lease, renews it every few seconds while it works on them, and marks them done; an effect
whose worker died (no more renewals) is claimed again seconds later, and the worker first checks
whether Slack already has it (see porch/runtime/worker.py).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Connection, Select, and_, bindparam, func, or_, select, update

from porch.core.store.schema import effects
from porch.core.store.upsert import insert_ignore

Kind = Literal["post", "update", "react", "home", "invite", "ephemeral", "fetch", "respond"]
PENDING, DONE, FAILED, CANCELLED = "pending", "done", "failed", "cancelled"
MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class Effect:
    id: int
    team_id: str
    key: str
    kind: str
    payload: dict[str, Any]
    attempts: int
    created_at: dt.datetime
    not_before: dt.datetime


def record(
    conn: Connection,
    *,
    team_id: str,
    key: str,
    kind: Kind,
    payload: dict[str, Any],
    now: dt.datetime,
    not_before: dt.datetime | None = None,
) -> bool:
    """Record an effect once; True when it is new."""
    return insert_ignore(
        conn,
        effects,
        team_id=team_id,
        effect_key=key,
        kind=kind,
        payload=payload,
        status=PENDING,
        attempts=0,
        not_before=not_before or now,
        created_at=now,
    )


def exists(conn: Connection, *, team_id: str, key: str) -> bool:
    return (
        conn.execute(
            select(effects.c.id).where(effects.c.team_id == team_id, effects.c.effect_key == key)
        ).first()
        is not None
    )


def with_prefix(conn: Connection, *, team_id: str, prefix: str, pending_only: bool = True) -> bool:
    """Whether an effect whose key starts with `prefix` exists (still waiting to be delivered,
    unless `pending_only` is off)."""
    # A key range rather than LIKE, so the (team_id, effect_key) index answers it.
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    params = {"team": team_id, "low": prefix, "high": upper}
    query = _pending_in_key_range() if pending_only else _any_in_key_range()
    return conn.execute(query, params).first() is not None


@functools.cache
def _any_in_key_range() -> Select[Any]:
    """Built once: App Home asks this on every checklist change."""
    return (
        select(effects.c.id)
        .where(
            effects.c.team_id == bindparam("team"),
            effects.c.effect_key >= bindparam("low"),
            effects.c.effect_key < bindparam("high"),
        )
        .limit(1)
    )


@functools.cache
def _pending_in_key_range() -> Select[Any]:
    return _any_in_key_range().where(effects.c.status == PENDING)


def result_of(conn: Connection, *, team_id: str, key: str) -> dict[str, Any] | None:
    """The Slack result (channel, ts) of a delivered effect, or None while it is not done."""
    row = conn.execute(
        select(effects.c.result).where(
            effects.c.team_id == team_id, effects.c.effect_key == key, effects.c.status == DONE
        )
    ).first()
    return row.result if row else None


def claim(
    conn: Connection,
    *,
    holder: str,
    now: dt.datetime,
    lease: dt.timedelta,
    limit: int = 50,
    skip_kinds: Collection[str] = (),
) -> list[Effect]:
    """Take up to `limit` due effects for `holder` until now + lease, oldest due first.

    `skip_kinds` leaves out kinds whose Slack method is rate-limited right now, so they do not
    hold up the others. Two workers (threads or replicas) never both take the same effect.

    On PostgreSQL the choice and the claim are one statement, whose subquery locks the rows it
    picks with SKIP LOCKED: a second replica claiming at the same moment passes over the rows
    the first is taking and gets the next ones, instead of picking the same ones, waiting for
    the first to commit and then finding them gone. On SQLite (one writer at a time) each row is
    taken with a compare-and-set on its previous claim.
    """
    claimable = and_(
        effects.c.status == PENDING,
        effects.c.not_before <= now,
        or_(effects.c.claimed_until.is_(None), effects.c.claimed_until < now),
    )
    if skip_kinds:
        claimable = and_(claimable, effects.c.kind.not_in(list(skip_kinds)))
    claim_values = {
        "claimed_by": holder,
        "claimed_until": now + lease,
        "attempts": effects.c.attempts + 1,
    }
    if conn.dialect.name == "postgresql":
        # A materialized CTE, not `id IN (subquery)`: PostgreSQL may run such a subquery again
        # for each row, and each run, skipping the rows just updated, takes the next ones, so
        # more than `limit` would be claimed.
        chosen = (
            select(effects.c.id)
            .where(claimable)
            .order_by(effects.c.not_before, effects.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
            .cte("chosen")
            .prefix_with("MATERIALIZED")
        )
        rows = conn.execute(
            update(effects)
            .where(effects.c.id == chosen.c.id)
            .values(claim_values)
            .returning(*effects.c)
        ).all()
        return [_claimed(row, attempts=row.attempts) for row in sorted(rows, key=_due_order)]
    rows = conn.execute(
        select(effects).where(claimable).order_by(effects.c.not_before, effects.c.id).limit(limit)
    ).all()
    taken = []
    for row in rows:
        result = conn.execute(
            update(effects).where(effects.c.id == row.id, claimable).values(claim_values)
        )
        if result.rowcount == 1:
            taken.append(_claimed(row, attempts=row.attempts + 1))
    return taken


def _due_order(row: Any) -> tuple[dt.datetime, int]:
    return (row.not_before, row.id)


def _claimed(row: Any, *, attempts: int) -> Effect:
    return Effect(
        id=row.id,
        team_id=row.team_id,
        key=row.effect_key,
        kind=row.kind,
        payload=row.payload,
        attempts=attempts,
        created_at=row.created_at,
        not_before=row.not_before,
    )


def renew(
    conn: Connection,
    *,
    holder: str,
    ids: Collection[int],
    now: dt.datetime,
    lease: dt.timedelta,
) -> set[int]:
    """Extend `holder`'s claims on `ids` until now + lease; the ids it still holds.

    A claim is renewed only while it is still `holder`'s and still open: one that was finished
    or handed back meanwhile is left alone, and one that lapsed and was taken by another worker
    stays theirs (a claim replaces `claimed_by`, so `holder` can never take it back).
    """
    if not ids:
        return set()
    rows = conn.execute(
        update(effects)
        .where(
            effects.c.id.in_(list(ids)),
            effects.c.claimed_by == holder,
            effects.c.status == PENDING,
            effects.c.claimed_until.is_not(None),
        )
        .values(claimed_until=now + lease)
        .returning(effects.c.id)
    )
    return {row.id for row in rows}


def complete(conn: Connection, *, effect: Effect, result: dict[str, Any], now: dt.datetime) -> None:
    conn.execute(
        update(effects)
        .where(effects.c.id == effect.id)
        .values(status=DONE, done_at=now, result=result, claimed_until=None, error=None)
    )


def give_up(conn: Connection, *, effect: Effect, error: str, now: dt.datetime) -> None:
    """A failure that retrying cannot fix (user deactivated, cannot DM a bot, ...)."""
    conn.execute(
        update(effects)
        .where(effects.c.id == effect.id)
        .values(status=FAILED, done_at=now, error=error, claimed_until=None)
    )


def retry_later(conn: Connection, *, effect: Effect, error: str, now: dt.datetime) -> bool:
    """Back off exponentially; after MAX_ATTEMPTS the effect fails for good (False)."""
    if effect.attempts >= MAX_ATTEMPTS:
        give_up(
            conn, effect=effect, error=f"gave up after {effect.attempts} attempts: {error}", now=now
        )
        return False
    delay = dt.timedelta(seconds=min(2**effect.attempts, 600))
    conn.execute(
        update(effects)
        .where(effects.c.id == effect.id)
        .values(not_before=now + delay, error=error, claimed_until=None)
    )
    return True


def release(conn: Connection, *, effect: Effect) -> None:
    """Hand back a claimed effect untouched (no attempt used), for another try straight away."""
    conn.execute(
        update(effects)
        .where(effects.c.id == effect.id)
        .values(claimed_until=None, attempts=effects.c.attempts - 1)
    )


def wait_for(conn: Connection, *, effect: Effect, now: dt.datetime, seconds: float = 2) -> None:
    """Put back an effect that depends on another one not delivered yet (no attempt used)."""
    conn.execute(
        update(effects)
        .where(effects.c.id == effect.id)
        .values(
            not_before=now + dt.timedelta(seconds=seconds),
            claimed_until=None,
            attempts=effects.c.attempts - 1,
        )
    )


def cancel_pending(conn: Connection, *, team_id: str, keys: list[str]) -> int:
    result = conn.execute(
        update(effects)
        .where(
            effects.c.team_id == team_id,
            effects.c.effect_key.in_(keys),
            effects.c.status == PENDING,
        )
        .values(status=CANCELLED)
    )
    return result.rowcount


def latest_created(conn: Connection, *, team_id: str, keys: list[str]) -> dt.datetime | None:
    """When the newest of these effects was recorded (None if none was)."""
    return conn.execute(
        select(func.max(effects.c.created_at)).where(
            effects.c.team_id == team_id, effects.c.effect_key.in_(keys)
        )
    ).scalar()


def due_kinds(conn: Connection, *, now: dt.datetime) -> set[str]:
    """The kinds of effect that are waiting to be delivered now."""
    rows = conn.execute(
        select(effects.c.kind)
        .where(effects.c.status == PENDING, effects.c.not_before <= now)
        .group_by(effects.c.kind)
    )
    return {row.kind for row in rows}


def pending_count(conn: Connection, *, team_id: str | None = None) -> int:
    query = select(func.count()).select_from(effects).where(effects.c.status == PENDING)
    if team_id:
        query = query.where(effects.c.team_id == team_id)
    return conn.execute(query).scalar_one()
