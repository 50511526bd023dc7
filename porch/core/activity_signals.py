"""What members did in a period, counted from the activity log: the signals the monthly
spotlight ranks and the ambassador levels ask for, defined once for both."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Mapping
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, and_, select
from sqlalchemy.orm import aliased

from porch.core import channel_directory
from porch.core.activity_log import REACTION_PREFIX
from porch.core.questions import QUESTION, TOP_LEVEL_KINDS
from porch.core.store.schema import activity

POSTS = tuple(sorted(TOP_LEVEL_KINDS))
AUTHORED = (*POSTS, "reply")


def count_signals(
    conn: Connection,
    *,
    team_id: str,
    start: dt.datetime,
    end: dt.datetime,
    wins_channel: str,
    tz: ZoneInfo | None = None,
) -> dict[str, Counter[str]]:
    """user_id -> counts for the activity recorded in [start, end): `wins_shared` (top-level
    posts in the wins channel), `reactions_received` (from others), `replies_to_others`,
    `first_answers` (the first reply to a question by someone else, when it came in the
    period) and, given the community's timezone, `days_active` (local days with any activity
    but joining)."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    window = and_(activity.c.team_id == team_id, activity.c.at >= start, activity.c.at < end)
    wins_id = channel_directory.id_of(conn, team_id=team_id, name=wins_channel)
    if wins_id:
        for row in conn.execute(
            select(activity.c.user_id).where(
                window, activity.c.channel_id == wins_id, activity.c.kind.in_(POSTS)
            )
        ):
            counts[row.user_id]["wins_shared"] += 1
    if tz is not None:
        days: dict[str, set[dt.date]] = defaultdict(set)
        for row in conn.execute(
            select(activity.c.user_id, activity.c.at).where(window, activity.c.kind != "join")
        ):
            days[row.user_id].add(row.at.astimezone(tz).date())
        for user_id, active in days.items():
            counts[user_id]["days_active"] = len(active)
    for user_id in _reactions_received(conn, window=window):
        counts[user_id]["reactions_received"] += 1
    parent = aliased(activity)
    questions: dict[tuple[str, str], str] = {}
    for reply in conn.execute(
        select(
            activity.c.user_id,
            activity.c.channel_id,
            activity.c.thread_ts,
            parent.c.user_id.label("parent_user"),
            parent.c.kind.label("parent_kind"),
        )
        .select_from(activity)
        .outerjoin(
            parent,
            and_(
                parent.c.team_id == activity.c.team_id,
                parent.c.channel_id == activity.c.channel_id,
                parent.c.message_ts == activity.c.thread_ts,
                parent.c.kind.in_(POSTS),
            ),
        )
        .where(window, activity.c.kind == "reply")
    ):
        if reply.parent_user != reply.user_id:
            counts[reply.user_id]["replies_to_others"] += 1
        if reply.parent_kind == QUESTION:
            questions[(reply.channel_id, reply.thread_ts)] = reply.parent_user
    for user_id in _first_answers(conn, team_id=team_id, questions=questions, start=start, end=end):
        counts[user_id]["first_answers"] += 1
    return counts


def _reactions_received(conn: Connection, *, window: object) -> list[str]:
    """The author of the reacted message, once per reaction someone else added."""
    author = aliased(activity)
    rows = conn.execute(
        select(author.c.user_id)
        .select_from(activity)
        .join(
            author,
            and_(
                author.c.team_id == activity.c.team_id,
                author.c.channel_id == activity.c.channel_id,
                author.c.message_ts == activity.c.message_ts,
                author.c.kind.in_(AUTHORED),
                author.c.user_id != activity.c.user_id,
            ),
        )
        .where(window, activity.c.kind.startswith(REACTION_PREFIX))
    )
    return [row.user_id for row in rows]


def _first_answers(
    conn: Connection,
    *,
    team_id: str,
    questions: Mapping[tuple[str, str], str],
    start: dt.datetime,
    end: dt.datetime,
) -> list[str]:
    """Who answered each question first, when that answer came in the period: the earliest
    reply (by Slack timestamp) from someone other than the asker, across the thread's life."""
    found = []
    for (channel_id, thread_ts), asker in questions.items():
        answers = conn.execute(
            select(activity.c.user_id, activity.c.message_ts, activity.c.at).where(
                activity.c.team_id == team_id,
                activity.c.channel_id == channel_id,
                activity.c.thread_ts == thread_ts,
                activity.c.kind == "reply",
                activity.c.user_id != asker,
            )
        ).all()
        if answers:
            earliest = min(answers, key=lambda row: float(row.message_ts))
            if start <= earliest.at < end:
                found.append(earliest.user_id)
    return found
