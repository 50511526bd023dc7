"""What each member did over a window, counted from the activity table participation records
(who did what where and when; never the text):

- days_active: local calendar days with a post, a reply or a reaction of theirs;
- replies_to_others: replies in a thread someone else started;
- first_answers: the first reply by someone other than the asker to a question (a top-level
  post participation recorded as one), when that reply came in the window;
- reactions_received: reactions someone else added in the window to the member's messages;
- wins_shared: top-level posts in the wins channel;
- tenure_days: days since they joined (the members table).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, and_, select
from sqlalchemy.orm import aliased

from porch.core import channel_directory
from porch.core.activity_log import REACTION_PREFIX
from porch.core.questions import QUESTION, TOP_LEVEL_KINDS
from porch.core.store.schema import activity, members

POSTS = tuple(sorted(TOP_LEVEL_KINDS))
AUTHORED = (*POSTS, "reply")


def count(
    conn: Connection,
    *,
    team_id: str,
    start: dt.datetime,
    end: dt.datetime,
    wins_channel: str,
    tz: ZoneInfo,
) -> dict[str, Counter[str]]:
    """user_id -> counts per signal for activity recorded in [start, end) (tenure aside)."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    window = and_(activity.c.team_id == team_id, activity.c.at >= start, activity.c.at < end)
    days: dict[str, set[dt.date]] = defaultdict(set)
    wins_id = channel_directory.id_of(conn, team_id=team_id, name=wins_channel)
    for row in conn.execute(
        select(activity.c.user_id, activity.c.kind, activity.c.at, activity.c.channel_id).where(
            window, activity.c.kind != "join"
        )
    ):
        days[row.user_id].add(row.at.astimezone(tz).date())
        if wins_id and row.channel_id == wins_id and row.kind in POSTS:
            counts[row.user_id]["wins_shared"] += 1
    for user_id, active in days.items():
        counts[user_id]["days_active"] = len(active)
    for user_id in _reactions_received(conn, team_id=team_id, start=start, end=end):
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


def tenure_days(conn: Connection, *, team_id: str, now: dt.datetime) -> dict[str, int]:
    """Days since each member (still here) joined; members with no join date are left out."""
    rows = conn.execute(
        select(members.c.user_id, members.c.joined_at).where(
            members.c.team_id == team_id,
            members.c.is_deleted.is_(False),
            members.c.joined_at.is_not(None),
        )
    )
    return {row.user_id: max(0, (now - row.joined_at).days) for row in rows}


def _reactions_received(
    conn: Connection, *, team_id: str, start: dt.datetime, end: dt.datetime
) -> list[str]:
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
        .where(
            activity.c.team_id == team_id,
            activity.c.at >= start,
            activity.c.at < end,
            activity.c.kind.startswith(REACTION_PREFIX),
        )
    )
    return [row.user_id for row in rows]


def _first_answers(
    conn: Connection,
    *,
    team_id: str,
    questions: dict[tuple[str, str], str],
    start: dt.datetime,
    end: dt.datetime,
) -> list[str]:
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
