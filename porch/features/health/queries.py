"""The member figures of the health report, for several periods in one pass over the store.

`porch report`, `/porch health` and the monthly report show a period beside the one before, so
the activity rows of both are read once: every row of the union window is bucketed by CASE
expressions into the periods (and their "last 30 days") it belongs to, the database sums them
per member, joins the sums to the roster and returns one row per join-cohort combination. No
row per member or per activity reaches Python, so 100,000 members cost what the database costs.
The definitions are those of porch.features.health.metrics, unchanged.
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
    or_,
    select,
    text,
    union_all,
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
    """A period's sums over its roster (see metrics.py for what each one means)."""

    members: int = 0
    mau: int = 0
    dau_days: int = 0
    wau: int = 0
    returners: int = 0
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
    "returners",
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


def seconds_before(conn: Connection, until: dt.datetime, column: Any) -> ColumnElement[Any]:
    """How many seconds before `until` a moment lies, as the database computes it."""
    if conn.dialect.name == "sqlite":
        # Stored as naive UTC text; julianday reads it as UTC.
        end = (until.astimezone(dt.UTC).replace(tzinfo=None) - dt.datetime(1970, 1, 1)) / DAY
        return (literal(end + 2440587.5) - func.julianday(column)) * 86400.0
    return literal(until.timestamp()) - func.extract("epoch", column)


def whole_periods(conn: Connection, elapsed: Any, length: dt.timedelta) -> ColumnElement[int]:
    """How many whole `length`s `elapsed` seconds (from seconds_before) make (0 for the last)."""
    seconds = length.total_seconds()
    if conn.dialect.name == "sqlite":
        return cast(elapsed / seconds, Integer)
    return cast(func.floor(elapsed / seconds), Integer)


def tune_for_aggregates(conn: Connection) -> None:
    """The database's settings for these few large aggregates. On PostgreSQL, for the rest of
    this transaction: no JIT compiling, which costs these
    one-off queries more than it saves (~60 ms at 100,000 members). A larger work_mem, which
    keeps the sorts off disk, made the planner give up its parallel plan and was slower."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SET LOCAL jit = off"))
    elif conn.dialect.name == "sqlite":
        # Let SQLite's sorter merge with a helper thread (off by default): the per-member sort
        # of a period's rows takes ~0.2 s less at 100,000 members. It stays set on the pooled
        # connection, where it only ever bounds large sorts' helper threads.
        conn.exec_driver_sql("PRAGMA threads = 2")


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
    figures = [MemberFigures() for _ in periods]
    cohorts = [cohort_offset(p.until, tz=tz) for p in periods]
    sizes = select(
        func.count(),
        *cohorts,
        *(func.sum(case((roster_condition(p.until), 1), else_=0)) for p in periods),
    ).where(members.c.team_id == team_id)
    count = len(periods)
    for row in conn.execute(sizes.group_by(*cohorts)):
        for i, period in enumerate(figures):
            period.members += int(row[1 + count + i] or 0)
            if row[1 + i] is not None:
                joined = period.cohort_joined
                joined[row[1 + i]] = joined.get(row[1 + i], 0) + int(row[0])
    query = _engagement(conn, team_id=team_id, periods=periods, tz=tz, managers=list(managers))
    for row in conn.execute(query):
        period = figures[row.period]
        for name in SUMMED[1:]:
            setattr(period, name, getattr(period, name) + int(getattr(row, name) or 0))
        if row.cohort is not None:
            active = period.cohort_active
            active[row.cohort] = active.get(row.cohort, 0) + int(row.mau)
    return figures


def _engagement(
    conn: Connection,
    *,
    team_id: str,
    periods: Sequence[Period],
    tz: ZoneInfo,
    managers: list[str],
) -> Any:
    """Per period and join cohort, the engagement sums over the period's roster."""
    per = _per_member(conn, team_id=team_id, periods=periods).subquery("per")
    in_roster = or_(
        *(and_(per.c.period == i, roster_condition(p.until)) for i, p in enumerate(periods))
    )
    cohort = case(
        *((per.c.period == i, cohort_offset(p.until, tz=tz)) for i, p in enumerate(periods)),
        else_=None,
    ).label("cohort")
    engaged = per.c.days > 0
    conversations: Any = per.c.top
    if managers:
        conversations = case((members.c.user_id.in_(managers), 0), else_=per.c.top)

    def total(condition: Any) -> Any:
        return func.sum(case((condition, 1), else_=0))

    return (
        select(
            per.c.period,
            cohort,
            total(engaged).label("mau"),
            func.sum(per.c.days).label("dau_days"),
            total(and_(engaged, per.c.latest < 7)).label("wau"),
            total(per.c.days >= 2).label("returners"),
            func.sum(per.c.top).label("top_level"),
            func.sum(conversations).label("conversations"),
            func.sum(per.c.replies).label("replies"),
            func.sum(per.c.reactions).label("reactions"),
            func.sum(per.c.weeks).label("contributions"),
            func.sum(per.c.questions).label("questions"),
        )
        .select_from(
            per.join(
                members, and_(members.c.team_id == team_id, members.c.user_id == per.c.user_id)
            )
        )
        .where(in_roster)
        .group_by(per.c.period, cohort)
    )


def _per_member(conn: Connection, *, team_id: str, periods: Sequence[Period]) -> Any:
    """One row per person and period they did anything in: days engaged in the period's last
    30 and how recently, weeks contributed, and the period's posts, questions, replies and
    reactions. Each period's rows are one range scan of the covering index, read with few
    expressions each before the one sort by person."""
    # On SQLite a row's distance from `until` (a julianday, most of a row's cost) is computed
    # once in the scan and its day and week derived from it after; PostgreSQL's extract is
    # cheap, and carrying its numeric result through the sort was slower there (1.0 -> 1.3 s).
    once = conn.dialect.name == "sqlite"
    scans = []
    for i, p in enumerate(periods):
        held = p.holds(activity.c.at)
        elapsed = seconds_before(conn, p.until, activity.c.at)
        recent = activity.c.at >= p.recent
        if once:
            timing = [elapsed.label("elapsed"), case((recent, 1), else_=None).label("recent")]
        else:
            timing = [
                case((recent, whole_periods(conn, elapsed, DAY)), else_=None).label("day"),
                case((held, whole_periods(conn, elapsed, WEEK)), else_=None).label("week"),
            ]
        scans.append(
            select(
                activity.c.user_id,
                literal(i).label("period"),
                *timing,
                case((held, activity.c.kind), else_=None).label("kind"),
            ).where(
                activity.c.team_id == team_id,
                activity.c.at >= p.start,
                activity.c.at < p.until,
                activity.c.kind != "join",
            )
        )
    rows = union_all(*scans).subquery("rows")
    day: Any = rows.c.get("day")
    week: Any = rows.c.get("week")
    if once:
        in_window = rows.c.recent.is_not(None)
        in_period = rows.c.kind.is_not(None)
        day = case((in_window, whole_periods(conn, rows.c.elapsed, DAY)), else_=None)
        week = case((in_period, whole_periods(conn, rows.c.elapsed, WEEK)), else_=None)

    def count(condition: ColumnElement[bool]) -> Any:
        return func.sum(case((condition, 1), else_=0))

    return select(
        rows.c.user_id,
        rows.c.period,
        func.count(distinct(day)).label("days"),
        func.min(day).label("latest"),
        func.count(distinct(week)).label("weeks"),
        count(rows.c.kind.in_(TOP_LEVEL_KINDS)).label("top"),
        count(rows.c.kind == QUESTION).label("questions"),
        count(rows.c.kind == "reply").label("replies"),
        count(rows.c.kind.startswith(REACTION_PREFIX)).label("reactions"),
    ).group_by(rows.c.user_id, rows.c.period)


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
