"""Who helped most in a month: four signals counted from the activity table, then weighted.

Counts come only from what participation recorded (who did what where, and when it reached
Porch), so a month is the `at` of each row in the community's timezone. The signals:

- replies_to_others: a reply in a thread that someone else started (or that Porch started, e.g.
  the introductions thread, whose parent is not a member's post);
- reactions_received: a reaction, added that month by someone else, on the member's message;
- wins_shared: a top-level post in the wins channel;
- first_responses: the first reply by someone other than the asker to a question (a top-level
  post participation recorded as a question), when that reply came that month.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, and_, select
from sqlalchemy.orm import aliased

from porch.core import channel_directory
from porch.core.questions import QUESTION, TOP_LEVEL_KINDS
from porch.core.store.schema import activity
from porch.features.spotlight.config import SpotlightWeights

SIGNALS = ("replies_to_others", "reactions_received", "wins_shared", "first_responses")
POSTS = tuple(sorted(TOP_LEVEL_KINDS))
AUTHORED = (*POSTS, "reply")


@dataclass(frozen=True)
class Contributor:
    user_id: str
    score: float
    counts: Mapping[str, int]


def month_bounds(month: str, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of a local calendar month ("2026-11"), in UTC."""
    year, number = (int(part) for part in month.split("-"))
    start = dt.datetime(year, number, 1, tzinfo=tz)
    following = dt.datetime(year + number // 12, number % 12 + 1, 1, tzinfo=tz)
    return start.astimezone(dt.UTC), following.astimezone(dt.UTC)


def previous_month(moment: dt.datetime, tz: ZoneInfo) -> str:
    local = moment.astimezone(tz).date().replace(day=1) - dt.timedelta(days=1)
    return f"{local.year}-{local.month:02d}"


def count_signals(
    conn: Connection, *, team_id: str, start: dt.datetime, end: dt.datetime, wins_channel: str
) -> dict[str, Counter[str]]:
    """user_id -> counts per signal, for activity recorded in [start, end)."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    in_month = and_(activity.c.team_id == team_id, activity.c.at >= start, activity.c.at < end)
    wins_id = channel_directory.id_of(conn, team_id=team_id, name=wins_channel)
    if wins_id:
        for row in conn.execute(
            select(activity.c.user_id).where(
                in_month, activity.c.channel_id == wins_id, activity.c.kind.in_(POSTS)
            )
        ):
            counts[row.user_id]["wins_shared"] += 1
    for user_id in _reactions_received(conn, team_id=team_id, start=start, end=end):
        counts[user_id]["reactions_received"] += 1
    parent = aliased(activity)
    replies = conn.execute(
        select(
            activity.c.user_id,
            activity.c.channel_id,
            activity.c.thread_ts,
            activity.c.message_ts,
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
        .where(in_month, activity.c.kind == "reply")
    ).all()
    questions: dict[tuple[str, str], str] = {}
    for reply in replies:
        if reply.parent_user != reply.user_id:
            counts[reply.user_id]["replies_to_others"] += 1
        if reply.parent_kind == QUESTION:
            questions[(reply.channel_id, reply.thread_ts)] = reply.parent_user
    first = _first_responders(conn, team_id=team_id, questions=questions, start=start, end=end)
    for user_id in first:
        counts[user_id]["first_responses"] += 1
    return counts


def _reactions_received(
    conn: Connection, *, team_id: str, start: dt.datetime, end: dt.datetime
) -> list[str]:
    """The author of the reacted message, once per reaction someone else added that month."""
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
            activity.c.kind.startswith("r:"),
        )
    )
    return [row.user_id for row in rows]


def _first_responders(
    conn: Connection,
    *,
    team_id: str,
    questions: Mapping[tuple[str, str], str],
    start: dt.datetime,
    end: dt.datetime,
) -> list[str]:
    """Who answered each question first, when that answer came in the month: the earliest
    reply (by Slack timestamp) from someone other than the asker, across the thread's life."""
    responders = []
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
        if not answers:
            continue
        earliest = min(answers, key=lambda row: float(row.message_ts))
        if start <= earliest.at < end:
            responders.append(earliest.user_id)
    return responders


def rank(
    counts: Mapping[str, Mapping[str, int]],
    *,
    weights: SpotlightWeights,
    size: int,
    excluded: Collection[str],
) -> list[Contributor]:
    """The `size` best scores above 0; ties go to the member with more signals, then by ID so
    the same data always picks the same members."""
    weight = weights.model_dump()
    scored = [
        Contributor(
            user_id=user_id,
            score=round(sum(weight[s] * signals.get(s, 0) for s in SIGNALS), 2),
            counts={s: int(signals.get(s, 0)) for s in SIGNALS},
        )
        for user_id, signals in counts.items()
        if user_id not in excluded
    ]
    scored = [c for c in scored if c.score > 0]
    scored.sort(key=lambda c: (-c.score, -sum(1 for n in c.counts.values() if n), c.user_id))
    return scored[:size]
