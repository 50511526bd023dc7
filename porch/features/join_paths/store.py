"""A member's answers to the join questions, read and written (join_answers)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, select, update

from porch.core.store.upsert import insert_ignore
from porch.features.join_paths.tables import join_answers


def get(conn: Connection, *, team_id: str, user_id: str) -> Any:
    return conn.execute(
        select(join_answers).where(
            join_answers.c.team_id == team_id, join_answers.c.user_id == user_id
        )
    ).first()


def of_members(conn: Connection, *, team_id: str, user_ids: Collection[str]) -> dict[str, Any]:
    if not user_ids:
        return {}
    rows = conn.execute(
        select(join_answers).where(
            join_answers.c.team_id == team_id, join_answers.c.user_id.in_(sorted(user_ids))
        )
    ).all()
    return {row.user_id: row for row in rows}


def _ensure(conn: Connection, *, team_id: str, user_id: str, now: dt.datetime) -> None:
    insert_ignore(
        conn,
        join_answers,
        team_id=team_id,
        user_id=user_id,
        answers={},
        free_text=None,
        paths=[],
        steps_done=[],
        answered_at=None,
        skipped_at=None,
        updated_at=now,
    )


def _where(team_id: str, user_id: str) -> Any:
    return update(join_answers).where(
        join_answers.c.team_id == team_id, join_answers.c.user_id == user_id
    )


def save(
    conn: Connection,
    *,
    team_id: str,
    user_id: str,
    answers: Mapping[str, Sequence[str]],
    free_text: str | None,
    paths: Sequence[str],
    now: dt.datetime,
) -> None:
    _ensure(conn, team_id=team_id, user_id=user_id, now=now)
    conn.execute(
        _where(team_id, user_id).values(
            answers={k: list(v) for k, v in answers.items()},
            free_text=free_text,
            paths=list(paths),
            answered_at=now,
            updated_at=now,
        )
    )


def skip(conn: Connection, *, team_id: str, user_id: str, now: dt.datetime) -> bool:
    """Record "not now" once; False when they had already answered or skipped."""
    _ensure(conn, team_id=team_id, user_id=user_id, now=now)
    result = conn.execute(
        _where(team_id, user_id)
        .where(join_answers.c.answered_at.is_(None), join_answers.c.skipped_at.is_(None))
        .values(skipped_at=now, updated_at=now)
    )
    return bool(result.rowcount)


def tick_step(conn: Connection, *, team_id: str, user_id: str, step: str, now: dt.datetime) -> bool:
    row = get(conn, team_id=team_id, user_id=user_id)
    if row is None or step in row.steps_done:
        return False
    conn.execute(
        _where(team_id, user_id).values(steps_done=[*row.steps_done, step], updated_at=now)
    )
    return True
