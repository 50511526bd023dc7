"""The manager's daily check-in: the 15-minute morning routine, done for them.

At `manager_check_in.time` on its weekdays, one message to the managers' channel: who joined
since the last check-in and how far their welcome got (with the warm-welcome button for those
still waiting for a manager), the questions still unanswered, and the one member post most
worth a reply. One keyed effect per local date, so it goes out once a day whatever the
replicas, retries or restarts; a check-in missed while Porch was down goes out later that day,
never the next, and greets the managers for the time it goes out (community timezone, where its
time is set). A first start after the day's time sends nothing that day: Porch was not there.

"Most worth a reply" is the question that has waited longest; when every question has an
answer, the newest top-level post from a newcomer (joined in the last 14 days) that nobody has
replied to in the last two days. Porch keeps no message text, so each item is a link.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, select

from porch.core import channel_directory, effect_queue, first_start, member_records
from porch.core.config import WEEKDAYS, Config
from porch.core.feature import Feature, Job, PreviewSample
from porch.core.message_links import member_name, permalink
from porch.core.open_questions import (
    OpenQuestion,
    open_questions,
    question_context,
    replied_by_someone_else,
)
from porch.core.posting import post
from porch.core.questions import TOP_LEVEL_KINDS
from porch.core.store.schema import activity, members
from porch.core.templating import Templates, channel_link, link, mention
from porch.features.check_in.demo import question_waits

DAY = dt.timedelta(days=1)
LOOKBACK = dt.timedelta(days=7)
NEWCOMER_DAYS = 14
QUIET_POST_DAYS = 2
# The message stays readable (and inside Slack's 50 blocks) on a busy day.
MAX_LISTED = 10
TEMPLATE = "check_in/manager_check_in.j2"
SAMPLE_LINK = "https://example.slack.com/archives/C0PREVIEW0/p1700000000000100"

WELCOME_STATES = {
    "pending": "welcome on its way",
    "sent": "welcomed",
    "awaiting manager": "waiting for your welcome",
    "not needed": "no welcome needed",
}


def part_of_day(local: dt.time) -> str:
    """ "morning", "afternoon" or "evening" at a local time: the greeting follows the time the
    message is written (a check-in caught up after downtime at 15:00 is not a "Good morning")."""
    if dt.time(5) <= local < dt.time(12):
        return "morning"
    if dt.time(12) <= local < dt.time(18):
        return "afternoon"
    return "evening"


def check_in_key(day: dt.date) -> str:
    return f"manager-check-in:{day.isoformat()}"


@dataclass(frozen=True, kw_only=True)
class ManagerCheckIn:
    config: Config
    templates: Templates

    def feature(self) -> Feature:
        return Feature(
            name="manager_check_in",
            jobs=(Job(name="manager-check-in", every=dt.timedelta(minutes=1), run=self.tick),),
            previews=self.previews,
            demo_scenes={"a question waits": question_waits},
        )

    def previews(self) -> list[PreviewSample]:
        help_name = next(iter(self.config.thresholds.help_channels), self.config.channels.home)
        question = {
            "asker": "Ben",
            "where": channel_link(None, help_name),
            "asked": "Mon 10:00",
            "waited": "4 h",
            "link": link(SAMPLE_LINK, "Open the question"),
        }
        newcomer = {"mention": mention("U0SAMPLE3"), "name": "Chloé", "user_id": "U0SAMPLE3"}
        sample = {
            "part_of_day": "morning",
            "since": "Fri 27 Nov, 09:00",
            "newcomers": [
                {
                    **newcomer,
                    "welcome": "waiting for your welcome",
                    "awaiting_manager": True,
                    "introduced": False,
                    "posted": False,
                },
                {
                    "mention": mention("U0SAMPLE2"),
                    "name": "Ben",
                    "user_id": "U0SAMPLE2",
                    "welcome": "welcomed",
                    "awaiting_manager": False,
                    "introduced": True,
                    "posted": True,
                },
            ],
            "more_newcomers": 0,
            "questions": [question],
            "more_questions": 0,
            "worth": {"kind": "question", **question},
        }
        managers = f"#{self.config.channels.moderators}"
        return [("The manager's morning check-in", managers, TEMPLATE, sample)]

    def tick(self, engine: Engine, team_id: str, now: dt.datetime) -> dict[str, int]:
        with engine.begin() as conn:
            return {"check_ins": int(self.post_due(conn, team_id=team_id, now=now))}

    def slot(self, day: dt.date) -> dt.datetime:
        at = dt.time.fromisoformat(self.config.manager_check_in.time)
        return dt.datetime.combine(day, at, tzinfo=self.config.community.tz).astimezone(dt.UTC)

    def previous_slot(self, day: dt.date) -> dt.datetime:
        """The last check-in before `day`'s: Friday's on a Monday, with weekdays only."""
        weekdays = self.config.manager_check_in.weekdays
        for back in range(1, 8):
            earlier = day - dt.timedelta(days=back)
            if WEEKDAYS[earlier.weekday()] in weekdays:
                return self.slot(earlier)
        return self.slot(day - dt.timedelta(days=7))

    def since(self, conn: Connection, team_id: str, day: dt.date) -> dt.datetime:
        """Where `day`'s check-in starts counting: the last one's time, or Porch's first start
        when that came later (nothing before it was Porch's to see)."""
        previous = self.previous_slot(day)
        started = first_start.started_at(conn, team_id=team_id)
        return max(previous, started) if started else previous

    def post_due(self, conn: Connection, *, team_id: str, now: dt.datetime) -> bool:
        """Today's check-in, once, from its time until the end of the local day."""
        settings = self.config.manager_check_in
        today = now.astimezone(self.config.community.tz).date()
        if not settings.enabled or WEEKDAYS[today.weekday()] not in settings.weekdays:
            return False
        slot = self.slot(today)
        # Caught up after downtime, but not on a first start after the slot: Porch was not there.
        if now < slot or not first_start.was_running(conn, team_id=team_id, at=slot):
            return False
        key = check_in_key(today)
        if effect_queue.exists(conn, team_id=team_id, key=key):
            return False
        return post(
            conn,
            config=self.config,
            templates=self.templates,
            team_id=team_id,
            key=key,
            template=TEMPLATE,
            to={"channel_name": self.config.channels.moderators},
            now=now,
            **self.contents(conn, team_id=team_id, since=self.since(conn, team_id, today), now=now),
        )

    def contents(
        self, conn: Connection, *, team_id: str, since: dt.datetime, now: dt.datetime
    ) -> dict[str, Any]:
        managers = set(self.config.managers.users)
        questions = [
            q
            for q in open_questions(conn, team_id=team_id, since=now - LOOKBACK, until=now)
            if q.asker_id not in managers
        ]
        newcomers = self.newcomers(conn, team_id=team_id, since=since, now=now)

        def shown(question: OpenQuestion) -> dict[str, Any]:
            return question_context(
                conn, config=self.config, team_id=team_id, question=question, now=now
            )

        worth: dict[str, Any] | None = None
        if questions:
            worth = {"kind": "question", **shown(questions[0])}
        else:
            worth = self.quiet_newcomer_post(conn, team_id=team_id, now=now)
        return {
            "part_of_day": part_of_day(now.astimezone(self.config.community.tz).time()),
            "since": since.astimezone(self.config.community.tz).strftime("%a %d %b, %H:%M"),
            "newcomers": newcomers[:MAX_LISTED],
            "more_newcomers": max(len(newcomers) - MAX_LISTED, 0),
            "questions": [shown(q) for q in questions[:MAX_LISTED]],
            "more_questions": max(len(questions) - MAX_LISTED, 0),
            "worth": worth,
        }

    def newcomers(
        self, conn: Connection, *, team_id: str, since: dt.datetime, now: dt.datetime
    ) -> list[dict[str, Any]]:
        rows = conn.execute(
            select(members)
            .where(
                members.c.team_id == team_id,
                members.c.joined_at >= since,
                members.c.joined_at < now,
                members.c.joined_via != "import",
                members.c.is_deleted.is_(False),
            )
            .order_by(members.c.joined_at, members.c.user_id)
        ).all()
        listed = []
        for row in rows:
            status = row.welcome_status or "pending"
            state = WELCOME_STATES.get(status, status)
            listed.append(
                {
                    **member_records.member_view(row),
                    "welcome": state,
                    "awaiting_manager": status == "awaiting manager",
                    "introduced": row.introduced_at is not None,
                    "posted": row.first_post_at is not None,
                }
            )
        return listed

    def quiet_newcomer_post(
        self, conn: Connection, *, team_id: str, now: dt.datetime
    ) -> dict[str, Any] | None:
        """The newest top-level post by a newcomer that nobody else has replied to."""
        post_row = activity.alias("post")
        replied = replied_by_someone_else(post_row)
        row = conn.execute(
            select(post_row.c.channel_id, post_row.c.message_ts, post_row.c.user_id, post_row.c.at)
            .join(
                members,
                (members.c.team_id == post_row.c.team_id)
                & (members.c.user_id == post_row.c.user_id),
            )
            .where(
                post_row.c.team_id == team_id,
                post_row.c.kind.in_(TOP_LEVEL_KINDS),
                post_row.c.at >= now - dt.timedelta(days=QUIET_POST_DAYS),
                post_row.c.at < now,
                members.c.joined_at >= now - dt.timedelta(days=NEWCOMER_DAYS),
                members.c.joined_via != "import",
                ~replied,
            )
            .order_by(post_row.c.at.desc(), post_row.c.message_ts.desc())
            .limit(1)
        ).first()
        if row is None:
            return None
        name = channel_directory.name_of(conn, team_id=team_id, channel_id=row.channel_id)
        url = permalink(conn, team_id=team_id, channel_id=row.channel_id, ts=row.message_ts)
        return {
            "kind": "newcomer post",
            "asker": member_name(conn, team_id=team_id, user_id=row.user_id),
            "where": channel_link(row.channel_id, name or row.channel_id),
            "asked": row.at.astimezone(self.config.community.tz).strftime("%a %H:%M"),
            "link": link(url, "Open the post") if url else "",
        }
