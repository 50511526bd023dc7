"""Questions still waiting for an answer, read from the activity rows (Porch keeps no text).

"Answered" means a thread reply by someone other than the asker (participation records no bots).
Both the response alerts and the managers' morning check-in list such questions, and show each
one the same way (who asked, where, when, how long ago, a link).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, FromClause, exists, select, true
from sqlalchemy.orm import aliased

from porch.core import channel_directory
from porch.core.config import Config
from porch.core.message_links import member_name, permalink
from porch.core.questions import QUESTION
from porch.core.store.schema import activity
from porch.core.templating import channel_link, link

# A condition on the question's activity row (the alias passed in) that drops it from the list.
Unless = Callable[[FromClause], ColumnElement[bool]]


def replied_by_someone_else(post: FromClause) -> ColumnElement[bool]:
    """Whether anyone but its author replied in the thread of `post` (an alias of activity)."""
    reply = aliased(activity, name="reply")
    return exists().where(
        reply.c.team_id == post.c.team_id,
        reply.c.channel_id == post.c.channel_id,
        reply.c.thread_ts == post.c.message_ts,
        reply.c.kind == "reply",
        reply.c.user_id != post.c.user_id,
    )


@dataclass(frozen=True)
class OpenQuestion:
    channel_id: str
    ts: str
    asker_id: str
    asked_at: dt.datetime


def open_questions(
    conn: Connection,
    *,
    team_id: str,
    since: dt.datetime,
    until: dt.datetime,
    unless: Unless | None = None,
) -> list[OpenQuestion]:
    """Questions asked in [since, until) with no reply from anyone but the asker, oldest first
    (without those `unless` holds for, e.g. the ones already alerted)."""
    question = activity.alias("question")
    answered = replied_by_someone_else(question)
    rows = conn.execute(
        select(question.c.channel_id, question.c.message_ts, question.c.user_id, question.c.at)
        .where(
            question.c.team_id == team_id,
            question.c.kind == QUESTION,
            question.c.at >= since,
            question.c.at < until,
            ~answered,
        )
        .where(~unless(question) if unless is not None else true())
        .order_by(question.c.at, question.c.message_ts)
    ).all()
    return [OpenQuestion(r.channel_id, r.message_ts, r.user_id, r.at) for r in rows]


def waited(delta: dt.timedelta) -> str:
    """A wait in words managers read at a glance: 40 min, 5 h, 3 days."""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 1)} min"
    hours = minutes / 60
    if hours < 10:
        return f"{round(hours, 1):g} h"
    if hours < 48:
        return f"{round(hours)} h"
    return f"{round(hours / 24)} days"


def question_context(
    conn: Connection, *, config: Config, team_id: str, question: OpenQuestion, now: dt.datetime
) -> dict[str, Any]:
    """What a template shows about a question: who asked, where, when, how long ago, a link."""
    channel_id, ts = question.channel_id, question.ts
    name = channel_directory.name_of(conn, team_id=team_id, channel_id=channel_id) or channel_id
    url = permalink(conn, team_id=team_id, channel_id=channel_id, ts=ts)
    asker = question.asker_id
    return {
        "asker": member_name(conn, team_id=team_id, user_id=asker),
        "where": channel_link(channel_id, name),
        "asked": question.asked_at.astimezone(config.community.tz).strftime("%a %H:%M"),
        "waited": waited(now - question.asked_at),
        "link": link(url, "Open the question") if url else "",
    }
