"""Response commitment: a question still unanswered after `thresholds.first_response_hours`
(counted inside `response_alerts.community_hours`) raises one alert in the managers' channel,
and the alert is updated once when someone answers.

The alert row is unique per question and its message is one keyed effect, so a job that runs
again, on another replica, or after a crash posts nothing twice. "Answered" means a thread reply
by someone other than the asker (participation records no bots). The alert shows where and when,
never the question's text: Porch does not keep it (porch.core.open_questions finds the
questions and shows each one; the morning check-in lists them too).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, Engine, FromClause, exists, update

from porch.core import effect_queue
from porch.core.config import Config
from porch.core.domain_events import MessagePosted
from porch.core.feature import Feature, Job, PersonalData, PreviewSample
from porch.core.open_questions import OpenQuestion, open_questions, question_context
from porch.core.posting import post
from porch.core.store.upsert import insert_ignore
from porch.core.templating import Templates, channel_link, link, mention
from porch.features.response_alerts.deadline import response_deadline
from porch.features.response_alerts.tables import unanswered_alerts

# Questions older than this are history, not alerts (e.g. after a long outage).
LOOKBACK = dt.timedelta(days=7)
ALERT = "response_alerts/alert.j2"
ANSWERED = "response_alerts/answered.j2"
SAMPLE_LINK = "https://example.slack.com/archives/C0PREVIEW0/p1700000000000100"


def alert_key(channel_id: str, ts: str) -> str:
    return f"response-alert:{channel_id}:{ts}"


def alerted(question: FromClause) -> ColumnElement[bool]:
    """An alert was raised for this question (an activity row) already."""
    return exists().where(
        unanswered_alerts.c.team_id == question.c.team_id,
        unanswered_alerts.c.channel_id == question.c.channel_id,
        unanswered_alerts.c.message_ts == question.c.message_ts,
    )


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
            previews=self.previews,
        )

    def previews(self) -> list[PreviewSample]:
        managers = f"#{self.config.channels.moderators}"
        help_name = next(iter(self.config.thresholds.help_channels), self.config.channels.home)
        question = {
            "asker": "Ben",
            "where": channel_link(None, help_name),
            "asked": "Mon 10:00",
            "waited": "4 h",
            "link": link(SAMPLE_LINK, "Open the question"),
        }
        manager = self.config.managers.users[0] if self.config.managers.users else "U0MANAGER"
        hours = _hours(self.config.thresholds.first_response_hours)
        return [
            (
                "A question waits past the response commitment",
                managers,
                ALERT,
                {**question, "hours": hours},
            ),
            (
                "The alert, once the question is answered",
                managers,
                ANSWERED,
                {**question, "waited": "5 h", "answered_by": mention(manager)},
            ),
        ]

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
            conn, team_id=team_id, since=now - LOOKBACK, until=now, unless=alerted
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
                template=ALERT,
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
            ANSWERED,
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
