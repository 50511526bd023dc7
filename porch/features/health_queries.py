"""The member figures of the health report, for several periods in one pass over the store.

`porch report`, `/porch health` and the monthly report show a period beside the one before, so
the activity rows of both are read once: every row of the union window is bucketed by CASE
expressions into the periods (and their "last 30 days") it belongs to, the database sums them
per member, joins the sums to the roster and returns one row per join-cohort combination. No
row per member or per activity reaches Python, so 100,000 members cost what the database costs.
The definitions are those of porch.features.health_metrics, unchanged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    and_,
    case,
    cast,
    distinct,
    func,
    literal,
    select,
)

from porch.core.questions import QUESTION, TOP_LEVEL_KINDS
from porch.core.store.schema import activity, members

DAY = dt.timedelta(days=1)
WEEK = dt.timedelta(days=7)
WINDOW = dt.timedelta(days=30)
IMPORTED = "import"
REACTION_PREFIX = "r:"
COHORT_MONTHS = 12


@dataclass(frozen=True)
class Period:
    """[since, until), and the 30 days ending at `until` that the "last 30 days" figures use."""

    since: dt.datetime
    until: dt.datetime

    @property
    def recent(self) -> dt.datetime:
        return self.until - WINDOW

    @property
    def start(self) -> dt.datetime:
        """The first moment any figure of the period reads."""
        return min(self.since, self.recent)

    def holds(self, column: Any) -> ColumnElement[bool]:
        return and_(column >= self.since, column < self.until)


@dataclass
class MemberFigures:
    """A period's sums over its roster (see health_metrics for what each one means)."""

    members: int = 0
    mau: int = 0
    dau_days: int = 0
    wau: int = 0
    returning: int = 0
    top_level: int = 0
    conversations: int = 0
    replies: int = 0
    reactions: int = 0
    contributions: int = 0
    questions: int = 0
    cohort_joined: dict[int, int] = field(default_factory=dict)
    cohort_active: dict[int, int] = field(default_factory=dict)


SUMMED = (
    "members",
    "mau",
    "dau_days",
    "wau",
    "returning",
    "top_level",
    "conversations",
    "replies",
    "reactions",
    "contributions",
    "questions",
)


def roster_condition(until: dt.datetime) -> ColumnElement[bool]:
    """Members by `until`: imported ones and those without a known join date always count."""
    return and_(
        members.c.is_deleted.is_(False),
        (members.c.joined_at.is_(None))
        | (members.c.joined_via == IMPORTED)
        | (members.c.joined_at < until),
    )


def month_starts(until: dt.datetime, *, tz: ZoneInfo, count: int) -> list[dt.datetime]:
    """The first instant of the month of `until` and of the `count` months before it."""
    local = until.astimezone(tz)
    year, month = local.year, local.month
    starts = []
    for _ in range(count + 1):
        starts.append(dt.datetime(year, month, 1, tzinfo=tz))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return starts


def cohort_offset(until: dt.datetime, *, tz: ZoneInfo) -> ColumnElement[Any]:
    """Months before the month of `until` a member joined in, for the last COHORT_MONTHS
    months (those who left included: they are the ones a cohort did not keep); else NULL."""
    starts = month_starts(until, tz=tz, count=COHORT_MONTHS)
    return case(
        (members.c.joined_via == IMPORTED, None),
        (members.c.joined_at >= starts[0], None),
        *((members.c.joined_at >= start, literal(i)) for i, start in enumerate(starts) if i),
        else_=None,
    )


def periods_before(
    conn: Connection, until: dt.datetime, column: Any, length: dt.timedelta
) -> ColumnElement[int]:
    """How many whole `length`s before `until` a moment lies (0 for the last one)."""
    seconds = length.total_seconds()
    if conn.dialect.name == "sqlite":
        # Stored as naive UTC text; julianday reads it as UTC.
        end = (until.astimezone(dt.UTC).replace(tzinfo=None) - dt.datetime(1970, 1, 1)) / DAY
        elapsed = (literal(end + 2440587.5) - func.julianday(column)) * 86400.0
        return cast(elapsed / seconds, Integer)
    elapsed = literal(until.timestamp()) - func.extract("epoch", column)
    return cast(func.floor(elapsed / seconds), Integer)


def member_figures(
    conn: Connection,
    *,
    team_id: str,
    periods: Sequence[Period],
    managers: Iterable[str],
    tz: ZoneInfo,
) -> list[MemberFigures]:
    """Per period: the roster's size and engagement sums, and its join cohorts. Joins are not
    engagement; activity by someone not in the roster is ignored."""
    per = _per_member(conn, team_id=team_id, periods=periods).subquery("per")
    managers = list(managers)
    columns: list[Any] = [func.count().label("size")]
    columns += [cohort_offset(p.until, tz=tz).label(f"cohort_{i}") for i, p in enumerate(periods)]
    for i, p in enumerate(periods):
        roster = roster_condition(p.until)
        days = func.coalesce(per.c[f"days_{i}"], 0)

        def total(value: Any, *, when: Any = None, roster: Any = roster) -> Any:
            condition = roster if when is None else and_(roster, when)
            return func.sum(case((condition, value), else_=0))

        conversations = per.c[f"top_{i}"]
        if managers:
            conversations = case((members.c.user_id.in_(managers), 0), else_=per.c[f"top_{i}"])
        columns += [
            total(1).label(f"members_{i}"),
            total(1, when=days > 0).label(f"mau_{i}"),
            total(days).label(f"dau_days_{i}"),
            total(1, when=and_(days > 0, per.c[f"latest_{i}"] < 7)).label(f"wau_{i}"),
            total(1, when=days >= 2).label(f"returning_{i}"),
            total(func.coalesce(per.c[f"top_{i}"], 0)).label(f"top_level_{i}"),
            total(func.coalesce(conversations, 0)).label(f"conversations_{i}"),
            total(func.coalesce(per.c[f"replies_{i}"], 0)).label(f"replies_{i}"),
            total(func.coalesce(per.c[f"reactions_{i}"], 0)).label(f"reactions_{i}"),
            total(func.coalesce(per.c[f"weeks_{i}"], 0)).label(f"contributions_{i}"),
            total(func.coalesce(per.c[f"questions_{i}"], 0)).label(f"questions_{i}"),
        ]
    cohorts = [f"cohort_{i}" for i in range(len(periods))]
    query = (
        select(*columns)
        .select_from(members.outerjoin(per, per.c.user_id == members.c.user_id))
        .where(members.c.team_id == team_id)
        .group_by(*cohorts)
    )
    figures = [MemberFigures() for _ in periods]
    for row in conn.execute(query).mappings():
        for i, period in enumerate(figures):
            for name in SUMMED:
                setattr(period, name, getattr(period, name) + int(row[f"{name}_{i}"] or 0))
            offset = row[f"cohort_{i}"]
            if offset is not None:
                joined = period.cohort_joined
                joined[offset] = joined.get(offset, 0) + int(row["size"])
                active = period.cohort_active
                active[offset] = active.get(offset, 0) + int(row[f"mau_{i}"] or 0)
    return figures


def _per_member(conn: Connection, *, team_id: str, periods: Sequence[Period]) -> Any:
    """One row per person who did anything in the union window, with per period: days engaged
    in its last 30 and how recently, weeks contributed, and its posts, questions, replies and
    reactions."""
    columns: list[Any] = [activity.c.user_id]
    for i, p in enumerate(periods):
        recent = and_(activity.c.at >= p.recent, activity.c.at < p.until)
        day = periods_before(conn, p.until, activity.c.at, DAY)
        week = periods_before(conn, p.until, activity.c.at, WEEK)
        held = p.holds(activity.c.at)

        def count(condition: ColumnElement[bool], *, held: Any = held) -> Any:
            return func.sum(case((and_(held, condition), 1), else_=0))

        columns += [
            func.count(distinct(case((recent, day), else_=None))).label(f"days_{i}"),
            func.min(case((recent, day), else_=None)).label(f"latest_{i}"),
            func.count(distinct(case((held, week), else_=None))).label(f"weeks_{i}"),
            count(activity.c.kind.in_(TOP_LEVEL_KINDS)).label(f"top_{i}"),
            count(activity.c.kind == QUESTION).label(f"questions_{i}"),
            count(activity.c.kind == "reply").label(f"replies_{i}"),
            count(activity.c.kind.startswith(REACTION_PREFIX)).label(f"reactions_{i}"),
        ]
    return (
        select(*columns)
        .where(
            activity.c.team_id == team_id,
            activity.c.at >= min(p.start for p in periods),
            activity.c.at < max(p.until for p in periods),
            activity.c.kind != "join",
        )
        .group_by(activity.c.user_id)
    )


def referrals(
    conn: Connection, *, team_id: str, periods: Sequence[Period]
) -> list[tuple[int, int]]:
    """Per period: members who joined in it (imports are not joins), and those of them whom
    Slack names an inviter for."""
    columns: list[Any] = []
    for p in periods:
        joined = p.holds(members.c.joined_at)
        invited = and_(joined, members.c.inviter_id.is_not(None))
        columns.append(func.sum(case((joined, 1), else_=0)))
        columns.append(func.sum(case((invited, 1), else_=0)))
    row = conn.execute(
        select(*columns).where(
            members.c.team_id == team_id,
            members.c.joined_via.is_distinct_from(IMPORTED),
            members.c.joined_at >= min(p.since for p in periods),
            members.c.joined_at < max(p.until for p in periods),
        )
    ).one()
    return [(int(row[2 * i] or 0), int(row[2 * i + 1] or 0)) for i in range(len(periods))]
