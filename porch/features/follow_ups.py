"""Follow-ups: a nudge to introduce oneself, check-ins, and a word after a quiet spell.

Each is one keyed effect per member, sent only inside the member's waking hours and at most one
a day, and a member can turn them off (which also drops any not yet sent).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, Engine, select

from porch.core import effect_queue, member_records
from porch.core.app_home import AppHome
from porch.core.config import Config
from porch.core.feature import Feature, Job
from porch.core.local_time import within_hours, zone
from porch.core.posting import post
from porch.core.store.schema import members
from porch.core.templating import Templates

DAY = dt.timedelta(days=1)


class FollowUps:
    def __init__(self, *, config: Config, templates: Templates, app_home: AppHome) -> None:
        self.config = config
        self.templates = templates
        self.app_home = app_home

    def feature(self) -> Feature:
        return Feature(
            name="follow_ups",
            jobs=(Job(name="follow-ups", every=dt.timedelta(minutes=1), run=self.tick),),
        )

    def tick(self, engine: Engine, team_id: str, now: dt.datetime) -> dict[str, int]:
        with engine.begin() as conn:
            return {"follow_ups": self.queue_due(conn, team_id=team_id, now=now)}

    def queue_due(self, conn: Connection, *, team_id: str, now: dt.datetime) -> int:
        """Queue due nudges and check-ins, each once per member, in the member's waking hours."""
        settings = self.config.onboarding.follow_ups
        hours = settings.waking_hours
        rows = conn.execute(
            select(members).where(
                members.c.team_id == team_id,
                members.c.opted_out_at.is_(None),
                members.c.is_deleted.is_(False),
                members.c.welcomed_at.is_not(None),
            )
        ).all()
        queued = 0
        for member in rows:
            tz = zone(member.tz, self.config.community.tz)
            if not within_hours(now, tz, start=hours.start_time, end=hours.end_time):
                continue
            keys = [f"{key}:{member.user_id}" for key, _, _ in self.kinds()]
            # One follow-up a day at most: two DMs at once from a bot feel like spam.
            latest = effect_queue.latest_created(conn, team_id=team_id, keys=keys)
            if latest is not None and now - latest < DAY:
                continue
            for key, template, extra in self._due(member, now):
                effect_key = f"{key}:{member.user_id}"
                if effect_queue.exists(conn, team_id=team_id, key=effect_key):
                    continue
                post(
                    conn,
                    config=self.config,
                    templates=self.templates,
                    team_id=team_id,
                    key=effect_key,
                    template=template,
                    to={"channel": member.user_id},
                    member=member,
                    now=now,
                    **extra,
                )
                queued += 1
                break
        return queued

    def kinds(self) -> list[tuple[str, str, dict[str, Any]]]:
        settings = self.config.onboarding.follow_ups
        return [
            ("nudge", "nudge_introduce.j2", {}),
            *((f"check-in-{d}", "check_in.j2", {"days": d}) for d in settings.check_in_days),
            ("inactive", "inactive.j2", {"days": settings.inactive_after_days}),
        ]

    def _due(self, member: Any, now: dt.datetime) -> list[tuple[str, str, dict[str, Any]]]:
        settings = self.config.onboarding.follow_ups
        since_join = now - member.joined_at
        due: list[tuple[str, str, dict[str, Any]]] = []
        nudge_at = dt.timedelta(days=settings.nudge_after_days)
        # The nudge says "a few days ago": past a few more days it would ring false.
        if member.introduced_at is None and nudge_at <= since_join < nudge_at * 2 + DAY:
            due.append(("nudge", "nudge_introduce.j2", {}))
        # A check-in only makes sense near its day; one missed while Porch was down is skipped.
        for days in settings.check_in_days:
            if dt.timedelta(days=days) <= since_join < dt.timedelta(days=days) + 3 * DAY:
                due.append((f"check-in-{days}", "check_in.j2", {"days": days}))
        last_active = member.last_active_at or member.joined_at
        if now - last_active >= dt.timedelta(days=settings.inactive_after_days):
            due.append(("inactive", "inactive.j2", {"days": settings.inactive_after_days}))
        return due

    def opt_out(self, conn: Connection, *, team_id: str, user_id: str, now: dt.datetime) -> None:
        """The 'Turn off reminders' button: stops follow-ups at once, pending ones included."""
        if member_records.set_once(
            conn, team_id=team_id, user_id=user_id, column="opted_out_at", now=now
        ):
            self.app_home.publish(conn, team_id=team_id, user_id=user_id, now=now)
        keys = [f"{key}:{user_id}" for key, _, _ in self.kinds()]
        effect_queue.cancel_pending(conn, team_id=team_id, keys=keys)
