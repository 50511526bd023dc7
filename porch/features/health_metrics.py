"""Community health figures for any period, computed from the activity and member rows.

Health is not a follower count: it is how many members take part, how deep conversations go,
how fast members answer each other and who is still around months later. `porch report`,
`/porch health` and the monthly report all show one `HealthReport`, built here.

The period is [since, until). Figures about "the last 30 days" use the 30 days ending at
`until`; a "day" is a 24-hour window counted back from `until`, a "week" a 7-day one. Only who
did what, where and when is read (the activity rows hold no message text). Definitions, one
sentence each (the managers' page on the site says the same):

- Members: people in the roster (not bots, not those who left) who had joined by `until`.
- Active participation: members who posted, replied or reacted in the last 30 days / members.
- DAU: members engaging on an average day of the last 30; WAU: members engaging in the last 7
  days; MAU: members engaging in the last 30 days; DAU/MAU: DAU / MAU.
- Member-initiated conversations per week: top-level posts in the period by members who are not
  managers (bots are never recorded), per 7 days.
- Contribution density: members who posted, replied or reacted, counted per 7-day window of
  the period and averaged per week.
- Returning engagers: members who engaged on at least two different days of the last 30 /
  members who engaged at all in them.
- Conversation depth: replies to the period's top-level posts / those posts.
- Replies (reactions) per 1,000 members: replies (reactions) in the period per 1,000 members,
  per week.
- Time to first response: for the period's questions, the time until the first thread reply by
  someone other than the asker; median and 90th percentile (nearest rank) of the answered ones.
- Retention: of the members who joined in a calendar month, the share active in the last 30
  days; "3 months" is the cohort that joined three months before the month of `until`.
- Referral rate: members who joined in the period whom Slack names an inviter for / members who
  joined in the period (imported members are not joins).
- NPS: % promoters (9-10) - % detractors (0-6) of the survey answers in the period.
- Community Health Score: 0.4 x returning engagers % + 0.3 x replies per 1,000 normalized +
  0.3 x reactions per 1,000 normalized, where a weekly rate normalized is
  min(rate / its target, 1) x 100 (targets in `health:` of community.yml).
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
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

from porch.core.config import Config
from porch.core.questions import TOP_LEVEL_KINDS
from porch.core.store.schema import activity, members
from porch.features.health_threads import thread_figures
from porch.features.nps import nps_summary

DAY = dt.timedelta(days=1)
WEEK = dt.timedelta(days=7)
WINDOW = dt.timedelta(days=30)
IMPORTED = "import"
REACTION_PREFIX = "r:"
RETENTION_MONTHS = (3, 6, 12)
COHORT_MONTHS = 12


class NpsFigures(Protocol):
    responses: int
    score: float | None


# The NPS survey lives in its own feature (porch.features.nps); the report asks it through
# this callable: source(conn, team_id=..., since=..., until=...). Tests may pass another.
NpsSource = Callable[..., NpsFigures | None]


@dataclass(frozen=True)
class Cohort:
    month: str  # "2026-07"
    joined: int
    active: int
    share_pct: float | None


@dataclass(frozen=True)
class HealthReport:
    since: dt.datetime
    until: dt.datetime
    members: int
    active_30d: int
    participation_pct: float
    band: str
    dau: float
    wau: int
    mau: int
    dau_mau_pct: float
    conversations: int
    conversations_per_week: float
    contributors_per_week: float
    engagers_30d: int
    returning_engagers: int
    returning_pct: float
    top_level_posts: int
    replies: int
    reactions: int
    depth: float
    replies_per_1000_week: float
    reactions_per_1000_week: float
    questions: int
    answered: int
    first_response_median_min: float | None
    first_response_p90_min: float | None
    retention: dict[int, float | None]
    cohorts: list[Cohort]
    joined: int
    referred: int
    referral_pct: float | None
    nps: float | None
    nps_responses: int
    score: float

    def as_json(self) -> dict[str, Any]:
        data = {
            key: value.isoformat() if isinstance(value, dt.datetime) else value
            for key, value in self.__dict__.items()
        }
        data["retention"] = {f"{months}m": pct for months, pct in self.retention.items()}
        data["cohorts"] = [cohort.__dict__ for cohort in self.cohorts]
        return data


def band(participation_pct: float, *, config: Config) -> str:
    """ "healthy" from thresholds.healthy_participation_pct, "stagnant" below the stagnant one."""
    if participation_pct >= config.thresholds.healthy_participation_pct:
        return "healthy"
    if participation_pct < config.thresholds.stagnant_participation_pct:
        return "stagnant"
    return "watch"


def health_score(
    *,
    returning_pct: float,
    replies_rate: float,
    reactions_rate: float,
    replies_target: float,
    reactions_target: float,
) -> float:
    """Seed 004's weekly scorecard, with reactions standing in for saves; 0-100. A weekly rate
    per 1,000 members counts min(rate / target, 1) x 100."""
    replies = min(replies_rate / replies_target, 1.0) * 100
    reactions = min(reactions_rate / reactions_target, 1.0) * 100
    return round(0.4 * returning_pct + 0.3 * replies + 0.3 * reactions, 1)


def compute(
    conn: Connection,
    *,
    team_id: str,
    config: Config,
    since: dt.datetime,
    until: dt.datetime,
    nps: NpsSource | None = None,
) -> HealthReport:
    """Every figure of the module docstring for [since, until)."""
    if since >= until:
        raise ValueError("the period must start before it ends")
    tz = config.community.tz
    managers = set(config.managers.users)
    weeks = (until - since) / WEEK
    roster, cohort_of = _roster(conn, team_id=team_id, until=until, tz=tz)
    member_count = len(roster)

    active_ids: set[str] = set()
    dau_days = wau = returning = 0
    top_level = conversations = replies = reactions = contributions = 0
    for row in _per_member(conn, team_id=team_id, since=since, until=until):
        if row.user_id not in roster:
            continue
        if row.days:
            active_ids.add(row.user_id)
            dau_days += row.days
            wau += row.latest < 7
            returning += row.days >= 2
        top_level += row.top_level
        if row.user_id not in managers:
            conversations += row.top_level
        replies += row.replies
        reactions += row.reactions
        contributions += row.weeks
    mau = len(active_ids)
    dau = dau_days / 30
    participation = _pct(mau, member_count)

    depth_replies, questions, waits = thread_figures(
        conn, team_id=team_id, since=since, until=until, askers=roster
    )
    cohorts = _cohorts(until=until, tz=tz, cohort_of=cohort_of, active_ids=active_ids)
    joined, referred = _referrals(conn, team_id=team_id, since=since, until=until)
    survey = (nps or nps_summary)(conn, team_id=team_id, since=since, until=until)

    per_1000 = 1000 / member_count / weeks if member_count else 0.0
    replies_rate = round(replies * per_1000, 1)
    reactions_rate = round(reactions * per_1000, 1)
    returning_pct = _pct(returning, mau)
    by_offset = {cohort_offset: cohort for cohort_offset, cohort in cohorts}
    return HealthReport(
        since=since,
        until=until,
        members=member_count,
        active_30d=mau,
        participation_pct=participation,
        band=band(participation, config=config),
        dau=round(dau, 1),
        wau=wau,
        mau=mau,
        dau_mau_pct=_pct(dau, mau),
        conversations=conversations,
        conversations_per_week=round(conversations / weeks, 1),
        contributors_per_week=round((contributions or 0) / weeks, 1),
        engagers_30d=mau,
        returning_engagers=returning,
        returning_pct=returning_pct,
        top_level_posts=top_level,
        replies=replies,
        reactions=reactions,
        depth=round(depth_replies / top_level, 2) if top_level else 0.0,
        replies_per_1000_week=replies_rate,
        reactions_per_1000_week=reactions_rate,
        questions=questions,
        answered=len(waits),
        first_response_median_min=_minutes(statistics.median(waits)) if waits else None,
        first_response_p90_min=_minutes(_nearest_rank(waits, 0.9)) if waits else None,
        retention={
            months: by_offset[months].share_pct if months in by_offset else None
            for months in RETENTION_MONTHS
        },
        cohorts=[cohort for _, cohort in cohorts],
        joined=joined,
        referred=referred,
        referral_pct=_pct(referred, joined) if joined else None,
        nps=survey.score if survey else None,
        nps_responses=survey.responses if survey else 0,
        score=health_score(
            returning_pct=returning_pct,
            replies_rate=replies_rate,
            reactions_rate=reactions_rate,
            replies_target=config.health.replies_per_1000_target,
            reactions_target=config.health.reactions_per_1000_target,
        ),
    )


def _roster_condition(until: dt.datetime) -> ColumnElement[bool]:
    """Members by `until`: imported ones and those without a known join date always count."""
    return and_(
        members.c.is_deleted.is_(False),
        (members.c.joined_at.is_(None))
        | (members.c.joined_via == IMPORTED)
        | (members.c.joined_at < until),
    )


def _roster(
    conn: Connection, *, team_id: str, until: dt.datetime, tz: ZoneInfo
) -> tuple[set[str], dict[str, int]]:
    """The members by `until`, and everyone's join cohort (months before the month of
    `until`) for those who joined in the last COHORT_MONTHS months, those who left included:
    they are the ones a cohort did not keep."""
    starts = month_starts(until, tz=tz, count=COHORT_MONTHS)
    offset = case(
        (members.c.joined_via == IMPORTED, None),
        (members.c.joined_at >= starts[0], None),
        *((members.c.joined_at >= start, literal(i)) for i, start in enumerate(starts) if i),
        else_=None,
    )
    roster: set[str] = set()
    cohort: dict[str, int] = {}
    query = select(members.c.user_id, case((_roster_condition(until), 1), else_=0), offset)
    for user_id, in_roster, months in conn.execute(query.where(members.c.team_id == team_id)):
        if in_roster:
            roster.add(user_id)
        if months is not None:
            cohort[user_id] = months
    return roster, cohort


def _per_member(
    conn: Connection, *, team_id: str, since: dt.datetime, until: dt.datetime
) -> Sequence[Any]:
    """One pass over the period and the last 30 days, per person: days engaged in the last 30
    and how recently, weeks contributed in the period, and the period's posts, replies and
    reactions. Joins are not engagement."""
    recent = until - WINDOW
    day = _periods_before(conn, until, activity.c.at, DAY)
    week = _periods_before(conn, until, activity.c.at, WEEK)
    in_30d = activity.c.at >= recent
    in_period = activity.c.at >= since

    def period_count(condition: ColumnElement[bool]) -> Any:
        return func.sum(case((and_(in_period, condition), 1), else_=0))

    return conn.execute(
        select(
            activity.c.user_id,
            func.count(distinct(case((in_30d, day), else_=None))).label("days"),
            func.min(case((in_30d, day), else_=None)).label("latest"),
            func.count(distinct(case((in_period, week), else_=None))).label("weeks"),
            period_count(activity.c.kind.in_(TOP_LEVEL_KINDS)).label("top_level"),
            period_count(activity.c.kind == "reply").label("replies"),
            period_count(activity.c.kind.startswith(REACTION_PREFIX)).label("reactions"),
        )
        .where(
            activity.c.team_id == team_id,
            activity.c.at >= min(since, recent),
            activity.c.at < until,
            activity.c.kind != "join",
        )
        .group_by(activity.c.user_id)
    ).all()


def _periods_before(
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


def month_starts(until: dt.datetime, *, tz: ZoneInfo, count: int) -> list[dt.datetime]:
    """The first instant of the month of `until` and of the `count` months before it."""
    local = until.astimezone(tz)
    year, month = local.year, local.month
    starts = []
    for _ in range(count + 1):
        starts.append(dt.datetime(year, month, 1, tzinfo=tz))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return starts


def _cohorts(
    *, until: dt.datetime, tz: ZoneInfo, cohort_of: dict[str, int], active_ids: set[str]
) -> list[tuple[int, Cohort]]:
    """(months before the month of `until`, cohort), for the last COHORT_MONTHS join months."""
    starts = month_starts(until, tz=tz, count=COHORT_MONTHS)
    joined: dict[int, int] = {}
    active: dict[int, int] = {}
    for user_id, months in cohort_of.items():
        joined[months] = joined.get(months, 0) + 1
        if user_id in active_ids:
            active[months] = active.get(months, 0) + 1
    return [
        (
            index,
            Cohort(
                month=starts[index].strftime("%Y-%m"),
                joined=joined.get(index, 0),
                active=active.get(index, 0),
                share_pct=_pct(active.get(index, 0), joined[index]) if index in joined else None,
            ),
        )
        for index in range(1, COHORT_MONTHS + 1)
    ]


def _referrals(
    conn: Connection, *, team_id: str, since: dt.datetime, until: dt.datetime
) -> tuple[int, int]:
    row = conn.execute(
        select(func.count(), func.count(members.c.inviter_id)).where(
            members.c.team_id == team_id,
            members.c.joined_via.is_distinct_from(IMPORTED),
            members.c.joined_at >= since,
            members.c.joined_at < until,
        )
    ).one()
    return int(row[0]), int(row[1])


def _pct(part: float, whole: float) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _minutes(seconds: float) -> float:
    return round(seconds / 60, 1)


def _nearest_rank(ordered: Sequence[float], share: float) -> float:
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


def previous_period(since: dt.datetime, until: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The period of the same length just before [since, until), to compare against."""
    return since - (until - since), since
