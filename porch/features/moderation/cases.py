"""Moderation's records: a case per message brought to the moderators, who reported it, and the
ladder's steps per member. Plain functions over a connection, in the caller's transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, func, select, update

from porch.core.store.upsert import insert_ignore
from porch.features.moderation.config import ANTI_HARASSMENT
from porch.features.moderation.tables import (
    moderation_cases,
    moderation_reports,
    moderation_steps,
)

# The ladder, in order: (step, what the button says, what the record calls it).
LADDER = (
    ("remind", "Remind", "Reminder"),
    ("warn", "Warn", "Warning"),
    ("suspend", "Recommend suspension", "Suspension recommended"),
    ("remove", "Recommend removal", "Removal recommended"),
)
STEPS = tuple(step for step, _, _ in LADDER)
BUTTONS = {step: label for step, label, _ in LADDER}
NAMES = {step: name for step, _, name in LADDER}


def _message(channel_id: str, ts: str) -> Any:
    return and_(moderation_cases.c.channel_id == channel_id, moderation_cases.c.ts == ts)


def case(conn: Connection, *, team_id: str, channel_id: str, ts: str) -> Any:
    return conn.execute(
        select(moderation_cases).where(
            moderation_cases.c.team_id == team_id, _message(channel_id, ts)
        )
    ).first()


def open_case(
    conn: Connection,
    *,
    team_id: str,
    channel_id: str,
    ts: str,
    author_id: str,
    excerpt: str,
    now: dt.datetime,
    rule: str | None = None,
    guideline: str | None = None,
    found: str | None = None,
) -> bool:
    """The case for a message, unless it has one; True when this call opened it."""
    return insert_ignore(
        conn,
        moderation_cases,
        team_id=team_id,
        channel_id=channel_id,
        ts=ts,
        author_id=author_id,
        rule=rule,
        guideline=guideline,
        found=found,
        excerpt=excerpt,
        reports=0,
        state="open",
        opened_at=now,
        first_action_at=None,
        cleared_by=None,
        revision=0,
    )


def change(conn: Connection, *, team_id: str, channel_id: str, ts: str, **values: Any) -> int:
    """Change a case (its rule, excerpt, state...) and bump its revision; the new revision."""
    where = and_(moderation_cases.c.team_id == team_id, _message(channel_id, ts))
    conn.execute(
        update(moderation_cases)
        .where(where)
        .values(revision=moderation_cases.c.revision + 1, **values)
    )
    return int(conn.execute(select(moderation_cases.c.revision).where(where)).scalar_one())


def add_report(
    conn: Connection, *, team_id: str, channel_id: str, ts: str, reporter_id: str, now: dt.datetime
) -> bool:
    """A member's report of a message; False when they had reported it already."""
    added = insert_ignore(
        conn,
        moderation_reports,
        team_id=team_id,
        channel_id=channel_id,
        ts=ts,
        reporter_id=reporter_id,
        reported_at=now,
    )
    if added:
        count = conn.execute(
            select(func.count()).where(
                moderation_reports.c.team_id == team_id,
                moderation_reports.c.channel_id == channel_id,
                moderation_reports.c.ts == ts,
            )
        ).scalar_one()
        change(conn, team_id=team_id, channel_id=channel_id, ts=ts, reports=count)
    return added


def reporters(conn: Connection, *, team_id: str, channel_id: str, ts: str) -> list[str]:
    return list(
        conn.execute(
            select(moderation_reports.c.reporter_id)
            .where(
                moderation_reports.c.team_id == team_id,
                moderation_reports.c.channel_id == channel_id,
                moderation_reports.c.ts == ts,
            )
            .order_by(moderation_reports.c.reported_at, moderation_reports.c.reporter_id)
        ).scalars()
    )


@dataclass(frozen=True)
class Step:
    step: str
    decided_by: str | None
    reason: str
    decided_at: dt.datetime
    channel_id: str
    ts: str


@dataclass(frozen=True)
class History:
    """A member's record: their earlier cases and the ladder's steps taken with them."""

    cases: int
    steps: list[Step]

    @property
    def count(self) -> int:
        return self.cases + len(self.steps)

    def suggested(self, *, guideline: str | None = None) -> str:
        """The next step on the ladder: one past the highest taken (the anti-harassment rule
        starts at a suspension); the last step stays the last."""
        taken = [STEPS.index(s.step) for s in self.steps if s.step in STEPS]
        rank = min(max(taken) + 1, len(STEPS) - 1) if taken else 0
        if guideline == ANTI_HARASSMENT:
            rank = max(rank, STEPS.index("suspend"))
        return STEPS[rank]


def history(
    conn: Connection, *, team_id: str, member_id: str, besides: tuple[str, str] | None = None
) -> History:
    """`member_id`'s record; `besides` (channel, ts): a case not to count (the card's own)."""
    cases = select(func.count()).where(
        moderation_cases.c.team_id == team_id, moderation_cases.c.author_id == member_id
    )
    if besides is not None:
        cases = cases.where(~_message(*besides))
    rows = conn.execute(
        select(moderation_steps)
        .where(moderation_steps.c.team_id == team_id, moderation_steps.c.member_id == member_id)
        .order_by(moderation_steps.c.decided_at, moderation_steps.c.id)
    )
    steps = [
        Step(r.step, r.decided_by, r.reason or "", r.decided_at, r.channel_id, r.ts) for r in rows
    ]
    return History(cases=int(conn.execute(cases).scalar_one()), steps=steps)


def record_step(
    conn: Connection,
    *,
    team_id: str,
    member_id: str,
    channel_id: str,
    ts: str,
    step: str,
    decided_by: str,
    reason: str,
    submission: str,
    now: dt.datetime,
) -> bool:
    """A manager's step on the ladder; False when this submission was recorded already."""
    added = insert_ignore(
        conn,
        moderation_steps,
        team_id=team_id,
        member_id=member_id,
        channel_id=channel_id,
        ts=ts,
        step=step,
        decided_by=decided_by,
        reason=reason,
        decided_at=now,
        submission=submission,
    )
    return added
