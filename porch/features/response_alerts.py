"""Response commitment: a question still unanswered after `thresholds.first_response_hours`
(counted inside `response_alerts.community_hours`) raises one alert in the managers' channel,
and the alert is updated once when someone answers.

The alert row is unique per question and its message is one keyed effect, so a job that runs
again, on another replica, or after a crash posts nothing twice. "Answered" means a thread reply
by someone other than the asker (participation records no bots). The alert shows where and when,
never the question's text: Porch does not keep it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, exists, select, true, update
from sqlalchemy.orm import aliased

from porch.core import channel_directory, effect_queue
from porch.core.community_hours import response_deadline
from porch.core.config import Config
from porch.core.domain_events import MessagePosted
from porch.core.feature import Feature, Job, PersonalData
from porch.core.posting import post
from porch.core.questions import QUESTION
from porch.core.store.schema import activity, unanswered_alerts
from porch.core.store.upsert import insert_ignore
from porch.core.templating import Templates, channel_link, link, mention
from porch.features.contributions import member_name, permalink

# Questions older than this are history, not alerts (e.g. after a long outage).
LOOKBACK = dt.timedelta(days=7)


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
    not_alerted: bool = False,
) -> list[OpenQuestion]:
    """Questions asked in [since, until) with no reply from anyone but the asker, oldest first
    (with `not_alerted`, only those no alert was raised for yet)."""
    question = activity.alias("question")
    reply = aliased(activity, name="reply")
    answered = exists().where(
        reply.c.team_id == question.c.team_id,
        reply.c.channel_id == question.c.channel_id,
        reply.c.thread_ts == question.c.message_ts,
        reply.c.kind == "reply",
        reply.c.user_id != question.c.user_id,
    )
    alerted = exists().where(
        unanswered_alerts.c.team_id == question.c.team_id,
        unanswered_alerts.c.channel_id == question.c.channel_id,
        unanswered_alerts.c.message_ts == question.c.message_ts,
    )
    rows = conn.execute(
        select(question.c.channel_id, question.c.message_ts, question.c.user_id, question.c.at)
        .where(
            question.c.team_id == team_id,
            question.c.kind == QUESTION,
            question.c.at >= since,
            question.c.at < until,
            ~answered,
        )
        .where(~alerted if not_alerted else true())
        .order_by(question.c.at, question.c.message_ts)
    ).all()
    return [OpenQuestion(r.channel_id, r.message_ts, r.user_id, r.at) for r in rows]


def alert_key(channel_id: str, ts: str) -> str:
    return f"response-alert:{channel_id}:{ts}"


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


@dataclass(frozen=True, kw_only=True)
class ResponseAlerts:
    config: Config
    templates: Templates

    def feature(self) -> Feature:
        return Feature(
            name="response_alerts",
            handles={MessagePosted: self.on_message_posted},
            jobs=(Job(name="response-alerts", every=dt.timedelta(minutes=5), run=self.tick),),
            personal_data=(
                PersonalData(
                    table="unanswered_alerts",
                    label="Unanswered-question alerts",
                    user_columns=("asker_id", "answered_by"),
                    purpose="When your question waited for an answer and when it got one, so "
                    "the team can keep its promise to answer quickly. The question's text is "
                    "not kept.",
                    timestamp_column="asked_at",
                ),
            ),
        )

    def tick(self, engine: Engine, team_id: str, now: dt.datetime) -> dict[str, int]:
        if not self.config.response_alerts.enabled:
            return {"alerts": 0}
        with engine.begin() as conn:
            return {"alerts": self.raise_due(conn, team_id=team_id, now=now)}

    def raise_due(self, conn: Connection, *, team_id: str, now: dt.datetime) -> int:
        """One alert per question past its deadline, never twice."""
        settings = self.config.response_alerts
        hours = self.config.thresholds.first_response_hours
        managers = set(self.config.managers.users)
        raised = 0
        waiting = open_questions(
            conn, team_id=team_id, since=now - LOOKBACK, until=now, not_alerted=True
        )
        for question in waiting:
            if question.asker_id in managers:
                continue
            deadline = response_deadline(
                question.asked_at,
                hours=hours,
                community_hours=settings.community_hours,
                tz=self.config.community.tz,
            )
            if now < deadline:
                continue
            if not insert_ignore(
                conn,
                unanswered_alerts,
                team_id=team_id,
                channel_id=question.channel_id,
                message_ts=question.ts,
                asker_id=question.asker_id,
                asked_at=question.asked_at,
                alerted_at=now,
            ):
                continue
            post(
                conn,
                config=self.config,
                templates=self.templates,
                team_id=team_id,
                key=alert_key(question.channel_id, question.ts),
                template="response_alert.j2",
                to={"channel_name": self.config.channels.moderators},
                now=now,
                hours=_hours(hours),
                **question_context(
                    conn, config=self.config, team_id=team_id, question=question, now=now
                ),
            )
            raised += 1
        return raised

    def on_message_posted(
        self, conn: Connection, team_id: str, event: MessagePosted, now: dt.datetime
    ) -> None:
        """A reply in an alerted question's thread, by someone else: the alert says so, once."""
        if not event.is_reply:
            return
        row = conn.execute(
            update(unanswered_alerts)
            .where(
                unanswered_alerts.c.team_id == team_id,
                unanswered_alerts.c.channel_id == event.channel_id,
                unanswered_alerts.c.message_ts == event.thread_ts,
                unanswered_alerts.c.answered_at.is_(None),
                unanswered_alerts.c.asker_id != event.user_id,
            )
            .values(answered_by=event.user_id, answered_at=now)
            .returning(
                unanswered_alerts.c.channel_id,
                unanswered_alerts.c.message_ts,
                unanswered_alerts.c.asker_id,
                unanswered_alerts.c.asked_at,
            )
        ).first()
        if row is None:
            return
        question = OpenQuestion(row.channel_id, row.message_ts, row.asker_id, row.asked_at)
        context = question_context(
            conn, config=self.config, team_id=team_id, question=question, now=now
        )
        message = self.templates.render(
            "response_alert_answered.j2",
            answered_by=mention(event.user_id),
            community=self.config.community,
            **context,
        )
        key = alert_key(row.channel_id, row.message_ts)
        effect_queue.record(
            conn,
            team_id=team_id,
            key=f"{key}:answered",
            kind="update",
            payload={"of": key, **message.payload()},
            now=now,
        )


def _hours(hours: float) -> str:
    return f"{hours:g}"
