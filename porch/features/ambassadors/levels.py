"""Members' levels, computed daily from the activity Porch records (signals.py).

A member holds the highest level whose every criterion they meet over the window; they reach
a higher one at once, and lose one only after falling short of it for `grace_days` in a row.
Reaching the last level (the ambassador threshold) puts them before the managers once: a card
in the managers' channel with the evidence and an Invite button, a row in the Candidates
worksheet and their App Home section.

Approved content counts when a feature built before this one declares the period figure
"content_approved": fn(conn, team_id=..., since=..., until=...) -> {user_id: n}.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, select, update

from porch.core import tracker_queue
from porch.core.config import Config
from porch.core.message_links import member_name
from porch.core.posting import post
from porch.core.store.schema import members
from porch.core.store.upsert import insert_ignore
from porch.core.templating import Templates, mention
from porch.features.ambassadors import signals
from porch.features.ambassadors.config import CRITERIA, LevelConfig
from porch.features.ambassadors.tables import ambassador_levels, ambassador_members
from porch.features.ambassadors.worksheet import CandidateRow

CANDIDATE_CARD = "ambassadors/candidate.j2"
FEATURE_CONTENT = "content_approved"

ContentCounts = Callable[..., Mapping[str, int]]


def level_reached(levels: list[LevelConfig], evidence: Mapping[str, int]) -> int:
    """1 + the index of the highest level whose every criterion is met; 0 for none."""
    reached = 0
    for number, level in enumerate(levels, start=1):
        if all(evidence.get(key, 0) >= need for key, need in level.criteria().items()):
            reached = number
        else:
            break
    return reached


def evidence_lines(evidence: Mapping[str, Any]) -> list[str]:
    return [f"{words}: {evidence.get(key, 0)}" for key, words in CRITERIA.items()]


@dataclass(frozen=True, kw_only=True)
class Levels:
    config: Config
    templates: Templates
    content: ContentCounts | None = None

    @property
    def section(self) -> Any:
        return self.config.ambassadors

    def level_name(self, number: int) -> str:
        return self.section.levels[number - 1].name if number else "member"

    def tick(self, engine: Engine, team_id: str, now: dt.datetime) -> dict[str, int]:
        with engine.begin() as conn:
            return self.compute(conn, team_id=team_id, now=now)

    def compute(self, conn: Connection, *, team_id: str, now: dt.datetime) -> dict[str, int]:
        section = self.section
        start = now - dt.timedelta(days=section.window_days)
        counts = signals.count(
            conn,
            team_id=team_id,
            start=start,
            end=now,
            wins_channel=self.config.channels.wins,
            tz=self.config.community.tz,
        )
        tenure = signals.tenure_days(conn, team_id=team_id, now=now)
        content = (
            self.content(conn, team_id=team_id, since=start, until=now) if self.content else {}
        )
        held = {
            row.user_id: row
            for row in conn.execute(
                select(ambassador_levels).where(ambassador_levels.c.team_id == team_id)
            )
        }
        gone = set(
            conn.execute(
                select(members.c.user_id).where(
                    members.c.team_id == team_id, members.c.is_deleted.is_(True)
                )
            ).scalars()
        )
        managers = set(self.config.managers.users)
        totals = {"promoted": 0, "demoted": 0, "candidates": 0}
        top = len(section.levels)
        for user_id in sorted((set(counts) | set(held) | set(content)) - gone - managers):
            evidence = {key: int(counts.get(user_id, {}).get(key, 0)) for key in CRITERIA}
            evidence["tenure_days"] = tenure.get(user_id, 0)
            evidence["content_approved"] = int(content.get(user_id, 0))
            met = level_reached(section.levels, evidence)
            row = held.get(user_id)
            level, reached_at, short_since = self._next(row, met=met, now=now)
            if row is None:
                # Level 0 too: the evidence an application shows the managers.
                insert_ignore(
                    conn,
                    ambassador_levels,
                    team_id=team_id,
                    user_id=user_id,
                    level=level,
                    evidence=evidence,
                    reached_at=reached_at,
                    short_since=short_since,
                    computed_at=now,
                )
            else:
                conn.execute(
                    update(ambassador_levels)
                    .where(
                        ambassador_levels.c.team_id == team_id,
                        ambassador_levels.c.user_id == user_id,
                    )
                    .values(
                        level=level,
                        evidence=evidence,
                        reached_at=reached_at,
                        short_since=short_since,
                        computed_at=now,
                    )
                )
            before = row.level if row is not None else 0
            totals["promoted"] += int(level > before)
            totals["demoted"] += int(level < before)
            if level == top:
                totals["candidates"] += 1
                if before < top:
                    self.announce(
                        conn, team_id=team_id, user_id=user_id, evidence=evidence, now=now
                    )
            if level == top or before == top:
                self.queue_row(conn, team_id=team_id, user_id=user_id, now=now)
        return totals

    def _next(
        self, row: Any, *, met: int, now: dt.datetime
    ) -> tuple[int, dt.datetime, dt.datetime | None]:
        """(level, reached_at, short_since): up at once, down after the grace period."""
        if row is None or met > row.level:
            return met, now, None
        if met == row.level:
            return met, row.reached_at, None
        short_since = row.short_since or now
        if now - short_since >= dt.timedelta(days=self.section.grace_days):
            return met, now, None
        return row.level, row.reached_at, short_since

    def announce(
        self,
        conn: Connection,
        *,
        team_id: str,
        user_id: str,
        evidence: Mapping[str, Any],
        now: dt.datetime,
    ) -> None:
        """One card per reaching the threshold (keyed by the day it was reached)."""
        post(
            conn,
            config=self.config,
            templates=self.templates,
            team_id=team_id,
            key=f"ambassador-candidate:{user_id}:{now.date().isoformat()}",
            template=CANDIDATE_CARD,
            to={"channel_name": self.config.channels.moderators},
            now=now,
            candidate=mention(user_id),
            user_id=user_id,
            level=self.section.threshold.name,
            window_days=self.section.window_days,
            evidence=evidence_lines(evidence),
            applied=False,
        )

    def queue_row(self, conn: Connection, *, team_id: str, user_id: str, now: dt.datetime) -> None:
        held = conn.execute(
            select(ambassador_levels).where(
                ambassador_levels.c.team_id == team_id, ambassador_levels.c.user_id == user_id
            )
        ).first()
        program = conn.execute(
            select(ambassador_members.c.state).where(
                ambassador_members.c.team_id == team_id, ambassador_members.c.user_id == user_id
            )
        ).scalar()
        evidence = held.evidence if held is not None else {}
        row = CandidateRow(
            user_id=user_id,
            member=member_name(conn, team_id=team_id, user_id=user_id),
            level=self.level_name(held.level if held is not None else 0),
            program=program or "",
            updated=now,
            **{key: int(evidence.get(key, 0)) for key in CRITERIA},
        )
        tracker_queue.put(conn, team_id=team_id, row=row, now=now)
