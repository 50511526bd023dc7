"""Thread figures of the health report: conversation depth and time to first response.

One pass over the period's replies joined to the post they answer (the activity table's primary
key finds the post); the database computes each wait, so no datetime is built per row.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, case, func, select

from porch.core.questions import QUESTION, TOP_LEVEL_KINDS
from porch.core.store.schema import activity


def thread_figures(
    conn: Connection, *, team_id: str, since: dt.datetime, until: dt.datetime, askers: set[str]
) -> tuple[int, int, list[float]]:
    """Replies to members' top-level posts of the period; how many questions members asked in
    the period; and each answered question's wait for a reply from someone else, in seconds."""
    post = activity.alias("post")
    reply = activity.alias("reply")
    in_period = and_(post.c.team_id == team_id, post.c.at >= since, post.c.at < until)
    asked = conn.execute(
        select(post.c.user_id, func.count())
        .where(in_period, post.c.kind == QUESTION)
        .group_by(post.c.user_id)
    ).all()
    questions = sum(count for user_id, count in asked if user_id in askers)
    answered = func.min(case((reply.c.user_id != post.c.user_id, reply.c.at), else_=None))
    threads = conn.execute(
        select(
            post.c.kind,
            post.c.user_id,
            func.count(),
            _seconds_between(conn, post.c.at, answered),
        )
        .select_from(reply)
        .join(
            post,
            and_(
                post.c.team_id == reply.c.team_id,
                post.c.channel_id == reply.c.channel_id,
                post.c.message_ts == reply.c.thread_ts,
            ),
        )
        .where(
            reply.c.team_id == team_id,
            reply.c.kind == "reply",
            reply.c.at >= since,
            reply.c.at < until,
            post.c.kind.in_(TOP_LEVEL_KINDS),
            in_period,
        )
        .group_by(post.c.channel_id, post.c.message_ts, post.c.kind, post.c.user_id, post.c.at)
    ).all()
    depth = 0
    waits = []
    for kind, user_id, replies, wait in threads:
        if user_id in askers:
            depth += replies
            if kind == QUESTION and wait is not None:
                waits.append(float(wait))
    return depth, questions, sorted(waits)


def _seconds_between(conn: Connection, start: Any, end: Any) -> ColumnElement[float]:
    """end - start in seconds, computed by the database (no datetime per row in Python)."""
    if conn.dialect.name == "sqlite":
        return (func.julianday(end) - func.julianday(start)) * 86400.0
    return func.extract("epoch", end - start)
