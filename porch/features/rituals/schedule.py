"""Rituals: each ritual in community.yml posted at its time, once per occurrence, and its replies.

An occurrence is one ritual on one local date. Its row is inserted (insert-ignore on team,
ritual and date) before the prompt is recorded as a keyed post effect, so a restart, a second
replica or a manager's `porch ritual post` posts it at most once. After downtime a missed
occurrence is posted late within the ritual's catch-up window, otherwise recorded as skipped;
an occurrence whose time came before Porch first started is neither (porch.core.first_start).
Replies in its thread are recorded once each; recaps.py turns them into the recap.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, select, update

from porch.core import channel_directory, first_start
from porch.core.config import Config
from porch.core.domain_events import MessagePosted
from porch.core.feature import Delivery
from porch.core.posting import post
from porch.core.store.upsert import insert_ignore
from porch.core.templating import Templates
from porch.features.rituals import calendar
from porch.features.rituals.config import RitualConfig
from porch.features.rituals.recaps import RitualRecaps
from porch.features.rituals.tables import ritual_occurrences, ritual_pauses, ritual_replies
from porch.features.rituals.worksheet import occurrence_key, queue_row

logger = logging.getLogger(__name__)

QUEUED, POSTED, SKIPPED, PAUSED, FAILED = "queued", "posted", "skipped", "paused", "failed"
# Kinds whose replies keep their text: the recap quotes goals and wins.
KEEPS_TEXT = ("goals", "wins")
# A ritual's prompt, unless its settings name a template of the community's own.
POST_TEMPLATE = "rituals/post.j2"


@dataclass(frozen=True, kw_only=True)
class Rituals:
    config: Config
    templates: Templates
    # Features' Feature.ritual_prompts: approved member-contributed prompts join the rotation.
    contributed: Sequence[Callable[[Connection, str, str], Sequence[str]]] = ()

    @property
    def recaps(self) -> RitualRecaps:
        return RitualRecaps(config=self.config, templates=self.templates, rituals=self)

    def ritual(self, ritual_id: str) -> RitualConfig | None:
        return next((r for r in self.config.rituals if r.id == ritual_id), None)

    # ---- the schedule ----------------------------------------------------------------------

    def tick(self, engine: Engine, team_id: str, now: dt.datetime) -> dict[str, int]:
        """Every minute: post what is due (each ritual in its own transaction), then recaps."""
        posted = 0
        for ritual in self.config.rituals:
            with engine.begin() as conn:
                posted += int(self.post_due(conn, team_id=team_id, ritual=ritual, now=now))
        with engine.begin() as conn:
            recaps = self.recaps.post_due(conn, team_id=team_id, now=now)
        return {"rituals": posted, "recaps": recaps}

    def post_due(
        self, conn: Connection, *, team_id: str, ritual: RitualConfig, now: dt.datetime
    ) -> bool:
        """Post the ritual's latest occurrence if it has come and is not recorded yet."""
        tz = self.config.community.tz
        try:
            day, at = calendar.latest(ritual, now, tz)
        except LookupError:
            return False
        if self.state(conn, team_id=team_id, ritual_id=ritual.id, day=day) is not None:
            return False
        # An occurrence whose time came before Porch first started was not missed (the
        # catch-up window is for downtime): the ritual begins at its next time.
        if not first_start.was_running(conn, team_id=team_id, at=at):
            return False
        if self.is_paused(conn, team_id=team_id, ritual_id=ritual.id):
            self._record(
                conn, team_id=team_id, ritual=ritual, day=day, at=at, state=PAUSED, now=now
            )
            return False
        late = now - at
        if late > dt.timedelta(hours=ritual.catch_up_hours):
            # Only a miss while Porch was down counts: occurrences from before it first ran
            # rituals here are history, not skips.
            if self._first_run(conn, team_id=team_id) > at:
                return False
            if self._record(
                conn, team_id=team_id, ritual=ritual, day=day, at=at, state=SKIPPED, now=now
            ):
                logger.info(
                    "ritual %s of %s skipped: Porch was down at its time and %s is past the "
                    "catch-up window of %s h",
                    ritual.id,
                    day,
                    late,
                    ritual.catch_up_hours,
                )
            return False
        return self.post_occurrence(conn, team_id=team_id, ritual=ritual, day=day, at=at, now=now)

    def post_occurrence(
        self,
        conn: Connection,
        *,
        team_id: str,
        ritual: RitualConfig,
        day: dt.date,
        at: dt.datetime,
        now: dt.datetime,
        override: bool = False,
    ) -> bool:
        """Record the occurrence and its post; False when it was recorded already, or when
        its channel is missing (channel_id tells the two apart). `override` (a manager's
        `porch ritual post`) also posts one that was skipped or paused."""
        channel_name = getattr(self.config.channels, ritual.channel)
        if self.channel_id(conn, team_id=team_id, ritual=ritual) is None:
            self.tell_managers(
                conn, team_id=team_id, ritual=ritual, problem="missing-channel", now=now
            )
            return False
        prompt = self.next_prompt(conn, team_id=team_id, ritual=ritual)
        if not self._record(
            conn,
            team_id=team_id,
            ritual=ritual,
            day=day,
            at=at,
            state=QUEUED,
            now=now,
            prompt=prompt,
        ):
            if not override:
                return False
            reopened = conn.execute(
                update(ritual_occurrences)
                .where(*self._where(team_id, ritual.id, day))
                .where(ritual_occurrences.c.state.in_((SKIPPED, PAUSED)))
                .values(state=QUEUED, prompt=prompt)
            ).rowcount
            if not reopened:
                return False
        return post(
            conn,
            config=self.config,
            templates=self.templates,
            team_id=team_id,
            key=occurrence_key(ritual.id, day),
            template=ritual.template or POST_TEMPLATE,
            to={"channel_name": channel_name},
            then={"op": "ritual_posted", "ritual_id": ritual.id, "date": day.isoformat()},
            now=now,
            ritual=ritual,
            prompt=prompt,
        )

    def channel_id(self, conn: Connection, *, team_id: str, ritual: RitualConfig) -> str | None:
        """The ritual's channel's ID, or None when Slack has no such channel for Porch."""
        channel_name = getattr(self.config.channels, ritual.channel)
        return channel_directory.id_of(conn, team_id=team_id, name=channel_name)

    def next_prompt(self, conn: Connection, *, team_id: str, ritual: RitualConfig) -> str:
        """Prompts take turns in their listed order (then contributed ones); none repeats
        before all were used."""
        prompts = ritual.all_prompts
        for more in self.contributed:
            prompts += [p for p in more(conn, team_id, ritual.id) if p not in prompts]
        used = conn.execute(
            select(ritual_occurrences.c.prompt)
            .where(
                ritual_occurrences.c.team_id == team_id,
                ritual_occurrences.c.ritual_id == ritual.id,
                ritual_occurrences.c.prompt.is_not(None),
            )
            .order_by(ritual_occurrences.c.local_date.desc())
        ).scalars()
        history = list(used)
        this_round = history[: len(history) % len(prompts)]
        return next(p for p in prompts if p not in this_round) if this_round else prompts[0]

    def tell_managers(
        self,
        conn: Connection,
        *,
        team_id: str,
        ritual: RitualConfig,
        problem: str,
        now: dt.datetime,
    ) -> None:
        """One note to the managers' channel per ritual and problem, and one log line."""
        channel_name = getattr(self.config.channels, ritual.channel)
        recorded = post(
            conn,
            config=self.config,
            templates=self.templates,
            team_id=team_id,
            key=f"ritual-problem:{ritual.id}:{problem}",
            template="rituals/problem.j2",
            to={"channel_name": self.config.channels.moderators},
            now=now,
            ritual=ritual,
            problem=problem,
            channel_name=channel_name,
        )
        if recorded:
            logger.warning(
                "ritual %s cannot be posted in #%s (%s); the managers were told",
                ritual.id,
                channel_name,
                problem,
            )

    # ---- state -----------------------------------------------------------------------------

    @staticmethod
    def _where(team_id: str, ritual_id: str, day: dt.date | str) -> tuple[Any, ...]:
        return (
            ritual_occurrences.c.team_id == team_id,
            ritual_occurrences.c.ritual_id == ritual_id,
            ritual_occurrences.c.local_date == str(day),
        )

    def _record(
        self,
        conn: Connection,
        *,
        team_id: str,
        ritual: RitualConfig,
        day: dt.date,
        at: dt.datetime,
        state: str,
        now: dt.datetime,
        prompt: str | None = None,
    ) -> bool:
        return insert_ignore(
            conn,
            ritual_occurrences,
            team_id=team_id,
            ritual_id=ritual.id,
            local_date=day.isoformat(),
            state=state,
            slot_at=at,
            prompt=prompt,
            created_at=now,
        )

    @staticmethod
    def _first_run(conn: Connection, *, team_id: str) -> dt.datetime:
        first = conn.execute(
            select(func.min(ritual_occurrences.c.created_at)).where(
                ritual_occurrences.c.team_id == team_id
            )
        ).scalar()
        return first or dt.datetime.max.replace(tzinfo=dt.UTC)

    def state(self, conn: Connection, *, team_id: str, ritual_id: str, day: dt.date) -> str | None:
        return conn.execute(
            select(ritual_occurrences.c.state).where(*self._where(team_id, ritual_id, day))
        ).scalar()

    @staticmethod
    def is_paused(conn: Connection, *, team_id: str, ritual_id: str) -> bool:
        return (
            conn.execute(
                select(ritual_pauses.c.ritual_id).where(
                    ritual_pauses.c.team_id == team_id, ritual_pauses.c.ritual_id == ritual_id
                )
            ).first()
            is not None
        )

    @staticmethod
    def pause(conn: Connection, *, team_id: str, ritual_id: str, now: dt.datetime) -> bool:
        return insert_ignore(
            conn, ritual_pauses, team_id=team_id, ritual_id=ritual_id, paused_at=now
        )

    @staticmethod
    def resume(conn: Connection, *, team_id: str, ritual_id: str) -> bool:
        return bool(
            conn.execute(
                delete(ritual_pauses).where(
                    ritual_pauses.c.team_id == team_id, ritual_pauses.c.ritual_id == ritual_id
                )
            ).rowcount
        )

    def skip_next(
        self, conn: Connection, *, team_id: str, ritual: RitualConfig, now: dt.datetime
    ) -> tuple[dt.date, bool]:
        """Record the next occurrence as skipped; (its date, False if it was recorded)."""
        day, at = next(calendar.upcoming(ritual, now, self.config.community.tz))
        skipped = self._record(
            conn, team_id=team_id, ritual=ritual, day=day, at=at, state=SKIPPED, now=now
        )
        return day, skipped

    def on_posted(self, delivery: Delivery) -> None:
        """Remember the thread (replies in it are the ritual's), or tell the managers once."""
        conn, team_id, then = delivery.conn, delivery.team_id, delivery.then
        result, error, now = delivery.result, delivery.error, delivery.now
        where = self._where(team_id, then["ritual_id"], then["date"])
        ritual = self.ritual(then["ritual_id"])
        if error or not result:
            conn.execute(update(ritual_occurrences).where(*where).values(state=FAILED))
            if ritual is not None:
                self.tell_managers(
                    conn, team_id=team_id, ritual=ritual, problem=error or "failed", now=now
                )
            return
        conn.execute(
            update(ritual_occurrences)
            .where(*where)
            .values(state=POSTED, channel_id=result["channel"], thread_ts=result["ts"])
        )
        queue_row(
            conn,
            config=self.config,
            team_id=team_id,
            ritual_id=then["ritual_id"],
            day=then["date"],
            now=now,
        )

    # ---- replies ---------------------------------------------------------------------------

    def on_message_posted(
        self, conn: Connection, team_id: str, event: MessagePosted, now: dt.datetime
    ) -> None:
        """A reply in a ritual's thread: recorded once (Slack's retries land on the same row)."""
        if not event.thread_ts or event.thread_ts == event.ts or not self.config.rituals:
            return
        occurrence = conn.execute(
            select(ritual_occurrences).where(
                ritual_occurrences.c.team_id == team_id,
                ritual_occurrences.c.thread_ts == event.thread_ts,
                ritual_occurrences.c.channel_id == event.channel_id,
            )
        ).first()
        if occurrence is None:
            return
        ritual = self.ritual(occurrence.ritual_id)
        keeps_text = ritual is not None and ritual.kind in KEEPS_TEXT
        if insert_ignore(
            conn,
            ritual_replies,
            team_id=team_id,
            channel_id=event.channel_id,
            ts=event.ts,
            ritual_id=occurrence.ritual_id,
            local_date=occurrence.local_date,
            user_id=event.user_id,
            at=now,
            text=event.text if keeps_text else None,
        ):
            queue_row(
                conn,
                config=self.config,
                team_id=team_id,
                ritual_id=occurrence.ritual_id,
                day=occurrence.local_date,
                now=now,
            )
