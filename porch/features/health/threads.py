"""Thread figures of the health report: conversation depth and time to first response.

One pass over the top-level posts of all the periods asked for, each joined to its replies: the
posts are one range scan of a partial index in time order, which is the order the per-post
grouping wants (no sort), and each post's replies one seek in the replies' partial index
(migration 0013). A reply counts for a period when it and its post both lie in it. The database
computes each wait and keeps only posts by the period's roster, so no datetime and no roster is
built in Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, bindparam, case, func, or_, select

from porch.core.questions import QUESTION, TOP_LEVEL_KINDS
from porch.core.store.schema import activity, members
from porch.features.health.queries import Period, roster_condition


def thread_figures(
    conn: Connection, *, team_id: str, periods: Sequence[Period]
) -> list[tuple[int, list[float]]]:
    """Per period: replies to its top-level posts by members of its roster; and each answered
    question's wait (sorted, in seconds) for a reply in the period from someone other than the
    asker."""
    post = activity.alias("post")
    reply = activity.alias("reply")
    start = min(p.since for p in periods)
    end = max(p.until for p in periods)
    bucket = case(*((p.holds(post.c.at), i) for i, p in enumerate(periods)), else_=None)
    same = or_(*(and_(p.holds(post.c.at), p.holds(reply.c.at)) for p in periods))
    answered = func.min(
        case((and_(same, reply.c.user_id != post.c.user_id), reply.c.at), else_=None)
    )
    threads = (
        select(
            bucket.label("bucket"),
            post.c.kind,
            post.c.user_id,
            func.sum(case((same, 1), else_=0)).label("replies"),
            _seconds_between(conn, post.c.at, answered).label("wait"),
        )
        .select_from(reply)
        .join(
            post,
            and_(
                post.c.team_id == reply.c.team_id,
                post.c.channel_id == reply.c.channel_id,
                post.c.message_ts == reply.c.thread_ts,
                post.c.kind.in_(_inline(sorted(TOP_LEVEL_KINDS))),
            ),
        )
        .where(
            reply.c.team_id == team_id,
            reply.c.kind == _inline("reply"),
            reply.c.at >= start,
            reply.c.at < end,
            post.c.at >= start,
            post.c.at < end,
        )
        # In the order of ix_activity_posts_at_cover, so the grouping needs no sort.
        .group_by(post.c.at, post.c.channel_id, post.c.message_ts, post.c.kind, post.c.user_id)
        .subquery("threads")
    )
    in_roster = or_(
        *(and_(threads.c.bucket == i, roster_condition(p.until)) for i, p in enumerate(periods))
    )
    depth = [0 for _ in periods]
    waits: list[list[float]] = [[] for _ in periods]
    query = (
        select(threads.c.bucket, threads.c.kind, threads.c.replies, threads.c.wait)
        .select_from(
            threads.join(
                members,
                and_(members.c.team_id == team_id, members.c.user_id == threads.c.user_id),
            )
        )
        .where(in_roster)
    )
    for index, kind, replies, wait in conn.execute(query):
        depth[index] += int(replies)
        if kind == QUESTION and wait is not None:
            waits[index].append(float(wait))
    return [(depth[i], sorted(waits[i])) for i in range(len(periods))]


def _seconds_between(conn: Connection, start: Any, end: Any) -> ColumnElement[float]:
    """end - start in seconds, computed by the database (no datetime per row in Python)."""
    if conn.dialect.name == "sqlite":
        return (func.julianday(end) - func.julianday(start)) * 86400.0
    return func.extract("epoch", end - start)


def _inline(value: Any) -> Any:
    """A constant written into the SQL, not bound: SQLite uses a partial index only when the
    query states the index's condition with the same literal values (sorted, for IN lists)."""
    return bindparam(None, value, expanding=isinstance(value, list), literal_execute=True)
