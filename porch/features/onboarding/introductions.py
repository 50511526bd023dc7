"""Introductions: a weekly thread, newcomers tagged in it in batches, introductions noticed.

The thread is recorded (one row per week) before it is posted, and each batch of mentions is
one keyed effect, so a join storm becomes a handful of replies and a retry posts nothing twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, select, update

from porch.core import channel_directory, effect_queue, first_start, member_records
from porch.core.app_home import AppHome
from porch.core.config import Config
from porch.core.domain_events import MessagePosted
from porch.core.feature import Delivery, Feature, Job
from porch.core.local_time import week_key, weekly_slot
from porch.core.posting import post
from porch.core.store.schema import members
from porch.core.store.upsert import insert_ignore
from porch.core.templating import Mrkdwn, Templates, escape, mention
from porch.features.onboarding.tables import intro_threads

DAY = dt.timedelta(days=1)


@dataclass(frozen=True, kw_only=True)
class Introductions:
    config: Config
    templates: Templates
    app_home: AppHome
    # Newcomers' interests, shown beside their mention (Feature.member_interests), if any.
    interests: Callable[[Connection, str, Collection[str]], Mapping[str, Sequence[str]]] | None = (
        None
    )

    def feature(self) -> Feature:
        return Feature(
            name="introductions",
            handles={MessagePosted: self.on_message_posted},
            jobs=(Job(name="introductions", every=dt.timedelta(minutes=1), run=self.tick),),
            effect_callbacks={"intro_thread": self.on_thread_posted},
        )

    def tick(self, engine: Engine, team_id: str, now: dt.datetime) -> dict[str, int]:
        """Open this week's thread when its time comes, then tag whoever is waiting."""
        with engine.begin() as conn:
            threads = int(self.ensure_thread(conn, team_id=team_id, now=now))
        with engine.begin() as conn:
            tagged = self.tag_newcomers(conn, team_id=team_id, now=now)
        return {"threads": threads, "tagged": tagged}

    # ---- noticing introductions ------------------------------------------------------------

    def on_message_posted(
        self, conn: Connection, team_id: str, event: MessagePosted, now: dt.datetime
    ) -> None:
        """A top-level post in the introductions channel, or a reply in its weekly thread."""
        name = channel_directory.name_of(conn, team_id=team_id, channel_id=event.channel_id)
        if name != self.config.channels.introductions:
            return
        if event.thread_ts is not None and not self._is_thread(
            conn, team_id=team_id, thread_ts=event.thread_ts
        ):
            return
        if not member_records.set_once(
            conn, team_id=team_id, user_id=event.user_id, column="introduced_at", now=now
        ):
            return
        self.app_home.publish(conn, team_id=team_id, user_id=event.user_id, now=now)
        reaction = self.config.onboarding.react_to_introductions
        if reaction:
            effect_queue.record(
                conn,
                team_id=team_id,
                key=f"intro-reaction:{event.user_id}",
                kind="react",
                payload={"channel": event.channel_id, "ts": event.ts, "name": reaction},
                now=now,
            )

    def _is_thread(self, conn: Connection, *, team_id: str, thread_ts: str) -> bool:
        return (
            conn.execute(
                select(intro_threads.c.week).where(
                    intro_threads.c.team_id == team_id, intro_threads.c.thread_ts == thread_ts
                )
            ).first()
            is not None
        )

    # ---- the weekly thread -----------------------------------------------------------------

    def ensure_thread(self, conn: Connection, *, team_id: str, now: dt.datetime) -> bool:
        """Post this week's introductions thread once its time has come (once per week)."""
        settings = self.config.onboarding.intro_thread
        tz = self.config.community.tz
        slot = weekly_slot(now, tz, weekday=settings.weekday, time=settings.time)
        # Catch up after downtime, but a thread that would open midweek or later is skipped, and
        # so is one whose slot came before Porch first started: it opens at the next slot.
        if not slot <= now < slot + 2 * DAY:
            return False
        if not first_start.was_running(conn, team_id=team_id, at=slot):
            return False
        week = week_key(now, tz)
        if not insert_ignore(conn, intro_threads, team_id=team_id, week=week, created_at=now):
            return False
        post(
            conn,
            config=self.config,
            templates=self.templates,
            team_id=team_id,
            key=f"intro-thread:{week}",
            template="onboarding/intro_thread.j2",
            to={"channel_name": self.config.channels.introductions},
            then={"op": "intro_thread", "week": week},
            now=now,
        )
        return True

    def tag_newcomers(self, conn: Connection, *, team_id: str, now: dt.datetime) -> int:
        """Mention untagged newcomers in this week's thread, one reply per batch.

        A newcomer waits at most one interval: a full batch goes at once, a partial one when
        its longest-waiting member has waited that long.
        """
        settings = self.config.onboarding.intro_thread
        week = week_key(now, self.config.community.tz)
        thread = conn.execute(
            select(intro_threads).where(
                intro_threads.c.team_id == team_id, intro_threads.c.week == week
            )
        ).first()
        if thread is None:
            return 0
        waiting = conn.execute(
            select(members.c.user_id, members.c.joined_at)
            .where(
                members.c.team_id == team_id,
                members.c.intro_tagged_at.is_(None),
                members.c.introduced_at.is_(None),
                members.c.is_deleted.is_(False),
                members.c.joined_via.in_(("team_join", "home_channel", "reconcile")),
                members.c.joined_at >= now - dt.timedelta(days=7),
            )
            .order_by(members.c.joined_at, members.c.user_id)
        ).all()
        if not waiting:
            return 0
        # Tagging updates several members rows at once (member_records.lock_workspace).
        member_records.lock_workspace(conn, team_id=team_id)
        oldest_wait = now - waiting[0].joined_at
        interval_passed = oldest_wait >= dt.timedelta(minutes=settings.mention_every_minutes)
        tagged = 0
        for start in range(0, len(waiting), settings.mention_batch_size):
            batch = waiting[start : start + settings.mention_batch_size]
            if len(batch) < settings.mention_batch_size and not interval_passed:
                break
            user_ids = [row.user_id for row in batch]
            interests = self.interests(conn, team_id, user_ids) if self.interests else {}
            post(
                conn,
                config=self.config,
                templates=self.templates,
                team_id=team_id,
                key=f"intro-mentions:{week}:{user_ids[0]}:{len(user_ids)}",
                template="onboarding/intro_mentions.j2",
                to={"thread_of": f"intro-thread:{week}"},
                now=now,
                mentions=Mrkdwn(" ".join(_tagged(u, interests.get(u, ())) for u in user_ids)),
                count=len(user_ids),
            )
            conn.execute(
                update(members)
                .where(members.c.team_id == team_id, members.c.user_id.in_(user_ids))
                .values(intro_tagged_at=now, updated_at=now)
            )
            tagged += len(user_ids)
        return tagged

    def on_thread_posted(self, delivery: Delivery) -> None:
        """Remember where this week's thread is, so replies in it count as introductions."""
        conn, team_id, then = delivery.conn, delivery.team_id, delivery.then
        result = delivery.result
        if not result:
            return
        conn.execute(
            update(intro_threads)
            .where(intro_threads.c.team_id == team_id, intro_threads.c.week == then["week"])
            .values(channel_id=result["channel"], thread_ts=result["ts"])
        )


def _tagged(user_id: str, interests: Sequence[str]) -> str:
    """A newcomer's mention, with their interests (community.yml's words, escaped) if known."""
    if not interests:
        return mention(user_id)
    return f"{mention(user_id)} ({escape(', '.join(interests))})"
