"""Follow-ups: a nudge to introduce oneself, check-ins, and a word after a quiet spell.

Each is one keyed effect per member, sent only inside the member's waking hours and at most one
a day, and a member can turn them off (which also drops any not yet sent).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, Select, and_, exists, func, literal, or_, select

from porch.core import effect_queue, member_records
from porch.core.app_home import AppHome
from porch.core.config import Config
from porch.core.feature import Feature, Job
from porch.core.interactions import Interaction
from porch.core.local_time import within_hours, zone
from porch.core.posting import post
from porch.core.store.schema import effects, members
from porch.core.templating import Templates

DAY = dt.timedelta(days=1)
# Members looked at per transaction.
PAGE = 200


def next_rituals(config: Config, now: dt.datetime, *, count: int = 2) -> list[dict[str, str]]:
    """The `count` rituals coming up soonest, each with its next date in the community's
    timezone: one whose day has passed this week is offered the next time it happens."""
    tz = config.community.tz
    today = now.astimezone(tz).date()
    ahead = sorted((ritual.next_at(now, tz), ritual.name) for ritual in config.rituals)[:count]
    return [{"name": name, "day": _day(at, today=today)} for at, name in ahead]


def _day(at: dt.datetime, *, today: dt.date) -> str:
    """ "today", "tomorrow", else "Friday 4 December" (the day, in the community's timezone)."""
    if at.date() == today:
        return "today"
    if at.date() == today + DAY:
        return "tomorrow"
    return f"{at:%A} {at.day} {at:%B}"


@dataclass(frozen=True, kw_only=True)
class FollowUps:
    config: Config
    templates: Templates
    app_home: AppHome

    def feature(self, *, interactions: Sequence[Interaction] = ()) -> Feature:
        """The feature, with its opt-out button (answered in controls.py)."""
        return Feature(
            name="follow_ups",
            jobs=(Job(name="follow-ups", every=dt.timedelta(minutes=1), run=self.tick),),
            interactions=interactions,
        )

    def tick(self, engine: Engine, team_id: str, now: dt.datetime) -> dict[str, int]:
        """Every minute: members who may be due, a page per transaction, so the store is never
        held for long however large the community."""
        with engine.begin() as conn:
            candidates = list(conn.execute(self._candidates(team_id=team_id, now=now)).scalars())
        queued = 0
        for start in range(0, len(candidates), PAGE):
            with engine.begin() as conn:
                queued += self.queue_due(
                    conn, team_id=team_id, now=now, user_ids=candidates[start : start + PAGE]
                )
        return {"follow_ups": queued}

    def _candidates(self, *, team_id: str, now: dt.datetime) -> Select[Any]:
        """Members with a follow-up possibly due, narrowed in SQL: newly joined ones near a
        nudge or check-in day, and quiet ones not yet sent the inactive note. `_due` decides."""
        settings = self.config.onboarding.follow_ups
        nudge = dt.timedelta(days=settings.nudge_after_days)
        windows = [
            and_(
                members.c.introduced_at.is_(None),
                members.c.joined_at <= now - nudge,
                members.c.joined_at > now - (nudge * 2 + DAY),
            ),
            *(
                and_(
                    members.c.joined_at <= now - dt.timedelta(days=days),
                    members.c.joined_at > now - dt.timedelta(days=days) - 3 * DAY,
                )
                for days in settings.check_in_days
            ),
            and_(
                func.coalesce(members.c.last_active_at, members.c.joined_at)
                <= now - dt.timedelta(days=settings.inactive_after_days),
                ~exists().where(
                    effects.c.team_id == team_id,
                    effects.c.effect_key == literal("inactive:") + members.c.user_id,
                ),
            ),
        ]
        return select(members.c.user_id).where(
            members.c.team_id == team_id,
            members.c.opted_out_at.is_(None),
            members.c.is_deleted.is_(False),
            members.c.welcomed_at.is_not(None),
            or_(*windows),
        )

    def queue_due(
        self,
        conn: Connection,
        *,
        team_id: str,
        now: dt.datetime,
        user_ids: list[str] | None = None,
    ) -> int:
        """Queue due nudges and check-ins, each once per member, in the member's waking hours."""
        settings = self.config.onboarding.follow_ups
        hours = settings.waking_hours
        query = select(members).where(
            members.c.team_id == team_id,
            members.c.opted_out_at.is_(None),
            members.c.is_deleted.is_(False),
            members.c.welcomed_at.is_not(None),
        )
        if user_ids is not None:
            query = query.where(members.c.user_id.in_(user_ids))
        queued = 0
        for member in conn.execute(query).all():
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
            ("nudge", "onboarding/nudge_introduce.j2", {}),
            *(
                (f"check-in-{d}", "onboarding/check_in.j2", {"days": d})
                for d in settings.check_in_days
            ),
            ("inactive", "onboarding/inactive.j2", {"days": settings.inactive_after_days}),
        ]

    def _due(self, member: Any, now: dt.datetime) -> list[tuple[str, str, dict[str, Any]]]:
        settings = self.config.onboarding.follow_ups
        since_join = now - member.joined_at
        due: list[tuple[str, str, dict[str, Any]]] = []
        nudge_at = dt.timedelta(days=settings.nudge_after_days)
        # The nudge says "a few days ago": past a few more days it would ring false.
        if member.introduced_at is None and nudge_at <= since_join < nudge_at * 2 + DAY:
            due.append(("nudge", "onboarding/nudge_introduce.j2", {}))
        # A check-in only makes sense near its day; one missed while Porch was down is skipped.
        for days in settings.check_in_days:
            if dt.timedelta(days=days) <= since_join < dt.timedelta(days=days) + 3 * DAY:
                due.append((f"check-in-{days}", "onboarding/check_in.j2", {"days": days}))
        last_active = member.last_active_at or member.joined_at
        if now - last_active >= dt.timedelta(days=settings.inactive_after_days):
            # The note is rendered when it is queued, which is when it is sent (the worker
            # delivers it within seconds): the days since the member was last seen then, not
            # the threshold that made it due.
            quiet = {"days": (now - last_active).days, "rituals": next_rituals(self.config, now)}
            due.append(("inactive", "onboarding/inactive.j2", quiet))
        return due

    def opt_out(self, conn: Connection, *, team_id: str, user_id: str, now: dt.datetime) -> None:
        """The opt-out button on every follow-up: stops them at once, pending ones included."""
        if member_records.set_once(
            conn, team_id=team_id, user_id=user_id, column="opted_out_at", now=now
        ):
            self.app_home.publish(conn, team_id=team_id, user_id=user_id, now=now)
        keys = [f"{key}:{user_id}" for key, _, _ in self.kinds()]
        effect_queue.cancel_pending(conn, team_id=team_id, keys=keys)
