"""Key-post response time: "reply within 60 minutes to the first 10 comments on key posts".

Key posts are the rituals' prompts (the "rituals" period figure says where they are) and posts a
manager marks with the "Mark as key post" message shortcut. The first
`sprint.key_post_comments` member comments in a key post's thread are watched: a manager's reply
in the thread answers every comment before it. A comment still unanswered once
`sprint.key_post_response_minutes` of community hours (response_alerts.community_hours) have
passed raises one alert in the managers' channel (keyed by the comment, so once however many
replicas run). The weekly scorecard shows the hit rate: comments answered in time / comments
whose time is up or that were answered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Engine, and_, func, or_, select, update

from porch.core import channel_directory
from porch.core.config import WEEKDAYS, Config
from porch.core.domain_events import CHANNEL_ID, TS, MessagePosted
from porch.core.interactions import Modal, ShortcutRequest, text_at
from porch.core.local_time import hours_later
from porch.core.permalinks import permalink
from porch.core.posting import post
from porch.core.store.upsert import insert_ignore
from porch.core.templating import Templates, mention
from porch.features.sprint.tables import sprint_key_comments, sprint_key_posts

LATE = "sprint/key_post_late.j2"
MARKED = "sprint/key_post_marked.j2"
# How far back a ritual's prompt still counts as a key post when its first comment comes.
RITUAL_WINDOW = dt.timedelta(days=7)


class KeyPosts:
    def __init__(
        self, *, config: Config, templates: Templates, rituals: Callable[..., Any] | None
    ) -> None:
        self.config = config
        self.templates = templates
        self.rituals = rituals
        self.section = config.sprint

    def due(self, at: dt.datetime) -> dt.datetime:
        hours = self.section.key_post_response_minutes / 60
        team_hours = getattr(getattr(self.config, "response_alerts", None), "community_hours", None)
        if team_hours is None:
            return at + dt.timedelta(hours=hours)
        return hours_later(
            at,
            hours=hours,
            start=team_hours.start,
            end=team_hours.end,
            weekdays=team_hours.weekdays or WEEKDAYS,
            tz=self.config.community.tz,
        )

    def is_key(
        self, conn: Connection, *, team_id: str, channel_id: str, ts: str, now: dt.datetime
    ) -> bool:
        known = conn.execute(
            select(sprint_key_posts.c.source).where(
                sprint_key_posts.c.team_id == team_id,
                sprint_key_posts.c.channel_id == channel_id,
                sprint_key_posts.c.ts == ts,
            )
        ).first()
        if known is not None:
            return True
        if self.rituals is None:
            return False
        found = self.rituals(
            conn, team_id=team_id, since=now - RITUAL_WINDOW, until=now + dt.timedelta(minutes=1)
        )
        if (channel_id, ts) not in {tuple(thread) for thread in found.get("threads", ())}:
            return False
        insert_ignore(
            conn,
            sprint_key_posts,
            team_id=team_id,
            channel_id=channel_id,
            ts=ts,
            source="ritual",
            marked_by=None,
            created_at=now,
        )
        return True

    def on_message_posted(
        self, conn: Connection, team_id: str, event: MessagePosted, now: dt.datetime
    ) -> None:
        if not event.is_reply or event.thread_ts is None:
            return
        post_ts = event.thread_ts
        if not self.is_key(conn, team_id=team_id, channel_id=event.channel_id, ts=post_ts, now=now):
            return
        comments = sprint_key_comments.c
        on_post = and_(
            comments.team_id == team_id,
            comments.channel_id == event.channel_id,
            comments.post_ts == post_ts,
        )
        if event.user_id in self.config.managers.users:
            conn.execute(
                update(sprint_key_comments)
                .where(on_post, comments.answered_at.is_(None), comments.at <= now)
                .values(answered_at=now)
            )
            return
        watched = conn.execute(select(func.count()).where(on_post)).scalar_one()
        if watched >= self.section.key_post_comments:
            return
        insert_ignore(
            conn,
            sprint_key_comments,
            team_id=team_id,
            channel_id=event.channel_id,
            ts=event.ts,
            post_ts=post_ts,
            user_id=event.user_id,
            at=now,
            due_at=self.due(now),
            answered_at=None,
            alerted_at=None,
        )

    def mark(self, request: ShortcutRequest) -> Modal:
        """A manager marks a message as a key post: its first comments are watched."""
        channel_id = text_at(request.body, "channel", "id", pattern=CHANNEL_ID)
        ts = text_at(request.message, "ts", pattern=TS)
        request.transaction(
            lambda conn, now: insert_ignore(
                conn,
                sprint_key_posts,
                team_id=request.team_id,
                channel_id=channel_id,
                ts=ts,
                source="manager",
                marked_by=request.user_id,
                created_at=now,
            )
        )
        message = self.templates.render(
            MARKED,
            comments=self.section.key_post_comments,
            minutes=self.section.key_post_response_minutes,
        )
        view = {
            "type": "modal",
            "title": {"type": "plain_text", "text": "Key post"},
            "close": {"type": "plain_text", "text": "OK"},
            "blocks": message.blocks,
        }
        return Modal(view=view)

    def run(self, engine: Engine, team_id: str, now: dt.datetime) -> dict[str, int]:
        """The job: one alert for each watched comment whose time is up, unanswered."""
        comments = sprint_key_comments.c
        alerted = 0
        with engine.begin() as conn:
            late = conn.execute(
                select(sprint_key_comments).where(
                    comments.team_id == team_id,
                    comments.due_at <= now,
                    comments.answered_at.is_(None),
                    comments.alerted_at.is_(None),
                )
            ).all()
            for row in late:
                alerted += int(self._alert(conn, team_id=team_id, row=row, now=now))
        return {"key_post_alerts": alerted}

    def _alert(self, conn: Connection, *, team_id: str, row: Any, now: dt.datetime) -> bool:
        comments = sprint_key_comments.c
        claimed = conn.execute(
            update(sprint_key_comments)
            .where(
                comments.team_id == team_id,
                comments.channel_id == row.channel_id,
                comments.ts == row.ts,
                comments.alerted_at.is_(None),
            )
            .values(alerted_at=now)
        ).rowcount
        if not claimed:
            return False
        name = channel_directory.name_of(conn, team_id=team_id, channel_id=row.channel_id)
        return post(
            conn,
            config=self.config,
            templates=self.templates,
            team_id=team_id,
            key=f"key-post-late:{row.channel_id}:{row.ts}",
            template=LATE,
            to={"channel_name": self.config.channels.moderators},
            now=now,
            author=mention(row.user_id),
            where=name or row.channel_id,
            minutes=self.section.key_post_response_minutes,
            url=permalink(conn, team_id=team_id, channel_id=row.channel_id, ts=row.ts),
        )

    def hit_rate(
        self, conn: Connection, *, team_id: str, since: dt.datetime, until: dt.datetime
    ) -> dict[str, int]:
        """Of the watched comments made in [since, until) whose time was up by `until` or that
        were answered: how many, and how many were answered in time."""
        comments = sprint_key_comments.c
        decided = and_(
            comments.team_id == team_id,
            comments.at >= since,
            comments.at < until,
            or_(comments.due_at <= until, comments.answered_at.is_not(None)),
        )
        in_time = and_(comments.answered_at.is_not(None), comments.answered_at <= comments.due_at)
        watched, hits = conn.execute(
            select(func.count(), func.count().filter(in_time)).where(decided)
        ).one()
        return {"watched": int(watched), "in_time": int(hits)}
