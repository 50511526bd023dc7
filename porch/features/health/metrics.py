"""Community health figures for any period, computed from the activity and member rows.

Health is not a follower count: it is how many members take part, how deep conversations go,
how fast members answer each other and who is still around months later. `porch report`,
`/porch health` and the monthly report all show one `HealthReport`, built here.

The period is [since, until). Figures about "the last 30 days" use the 30 days ending at
`until`; a "day" is a 24-hour window counted back from `until`, a "week" a 7-day one. Only who
did what, where and when is read (the activity rows hold no message text). Definitions, one
sentence each (the managers' page on the site says the same):

- Members: people in the roster (not bots, not those who left) who had joined by `until`.
- Active members: members who posted, replied or reacted in the last 30 days (= MAU).
- Active participation: active members / members.
- DAU: members engaging on an average day of the last 30; WAU: members engaging in the last 7
  days; MAU: members engaging in the last 30 days; DAU/MAU: DAU / MAU.
- Member-initiated conversations per week: top-level posts in the period by members who are not
  managers (bots are never recorded), per 7 days.
- Contribution density: members who posted, replied or reacted, counted per 7-day window of
  the period and averaged per week.
- Returning engagers: active members who engaged on at least two different days of the last 30
  (so never more than the active members); returning engagers %: their share of the active
  members.
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
- Status: the band of the score: "Healthy" from `health.healthy_score` (60), "Stagnant" below
  `health.stagnant_score` (40), "Watch" in between.

The weekly Health rows (weeks.py) are these definitions for the week's days: the last 30 days
are the 30 ending with the week.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from porch.core.config import Config
from porch.features.health.queries import (
    COHORT_MONTHS,
    MemberFigures,
    Period,
    member_figures,
    month_starts,
    referrals,
    tune_for_aggregates,
)
from porch.features.health.threads import thread_figures

WEEK = dt.timedelta(days=7)
RETENTION_MONTHS = (3, 6, 12)


class NpsFigures(Protocol):
    responses: int
    score: float | None


# The NPS survey lives in its own feature; the report asks the features' declared period
# figures (Feature.period_figures, gathered by the registry) through this callable:
# source(conn, team_id=..., since=..., until=...) -> NpsFigures or None. None: no survey.
NpsSource = Callable[..., NpsFigures | None]
# Live events' attendance (Feature.period_figures["live_attendance"]), asked the same way:
# source(conn, team_id=..., since=..., until=...) -> attendances, or None (no events held).
AttendanceSource = Callable[..., int | None]
# Join paths' participation and retention by path (Feature.period_figures
# ["participation_by_path"]), asked the same way: source(...) -> one line per path.
PathsSource = Callable[..., list[Any]]


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
    status: str
    live_attendance: int | None = None
    # Participation and retention by path (join_paths' PathParticipation lines); None without
    # join questions.
    paths: list[Any] | None = None

    def as_json(self) -> dict[str, Any]:
        data = {
            key: value.isoformat() if isinstance(value, dt.datetime) else value
            for key, value in self.__dict__.items()
        }
        data["retention"] = {f"{months}m": pct for months, pct in self.retention.items()}
        data["cohorts"] = [cohort.__dict__ for cohort in self.cohorts]
        if self.paths is None:
            del data["paths"]
        else:
            data["paths"] = [
                {**line.__dict__, "share_pct": line.share_pct, "retention_pct": line.retention_pct}
                for line in self.paths
            ]
        return data


def status(score: float, *, config: Config) -> str:
    """The word shown beside a Community Health Score: its band, so that the two never disagree
    (a "Healthy" week with a score of 32 was how issue 24 began)."""
    return score_band(
        score, healthy=config.health.healthy_score, stagnant=config.health.stagnant_score
    )


def score_band(score: float, *, healthy: float, stagnant: float) -> str:
    """ "Healthy" from `healthy`, "Stagnant" below `stagnant`, "Watch" in between."""
    if score >= healthy:
        return "Healthy"
    if score < stagnant:
        return "Stagnant"
    return "Watch"


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
    attendance: AttendanceSource | None = None,
    paths: PathsSource | None = None,
) -> HealthReport:
    """Every figure of the module docstring for [since, until)."""
    periods = [(since, until)]
    return compute_periods(
        conn,
        team_id=team_id,
        config=config,
        periods=periods,
        nps=nps,
        attendance=attendance,
        paths=paths,
    )[0]


def compute_with_previous(
    conn: Connection,
    *,
    team_id: str,
    config: Config,
    since: dt.datetime,
    until: dt.datetime,
    previous: tuple[dt.datetime, dt.datetime] | None = None,
    nps: NpsSource | None = None,
    attendance: AttendanceSource | None = None,
    paths: PathsSource | None = None,
) -> tuple[HealthReport, HealthReport]:
    """[since, until) and the period before it (by default the one of the same length), read
    in one pass: what every report shows."""
    before = previous or previous_period(since, until)
    current, earlier = compute_periods(
        conn,
        team_id=team_id,
        config=config,
        periods=[(since, until), before],
        nps=nps,
        attendance=attendance,
        paths=paths,
    )
    return current, earlier


def compute_periods(
    conn: Connection,
    *,
    team_id: str,
    config: Config,
    periods: Sequence[tuple[dt.datetime, dt.datetime]],
    nps: NpsSource | None = None,
    attendance: AttendanceSource | None = None,
    paths: PathsSource | None = None,
) -> list[HealthReport]:
    """A HealthReport per [since, until) of `periods`, each as `compute` would give it, with
    one SQL pass per kind of figure for all of them (see porch.features.health.queries)."""
    if any(since >= until for since, until in periods):
        raise ValueError("the period must start before it ends")
    windows = [Period(since, until) for since, until in periods]
    tune_for_aggregates(conn)
    tz = config.community.tz
    sums = member_figures(
        conn, team_id=team_id, periods=windows, managers=config.managers.users, tz=tz
    )
    threads = thread_figures(conn, team_id=team_id, periods=windows)
    joins = referrals(conn, team_id=team_id, periods=windows)
    return [
        _report(
            conn,
            team_id=team_id,
            config=config,
            period=period,
            sums=figures,
            threads=thread,
            joins=joined,
            nps=nps,
            attendance=attendance,
            paths=paths,
        )
        for period, figures, thread, joined in zip(windows, sums, threads, joins, strict=True)
    ]


def _report(
    conn: Connection,
    *,
    team_id: str,
    config: Config,
    period: Period,
    sums: MemberFigures,
    threads: tuple[int, list[float]],
    joins: tuple[int, int],
    nps: NpsSource | None,
    attendance: AttendanceSource | None = None,
    paths: PathsSource | None = None,
) -> HealthReport:
    since, until = period.since, period.until
    weeks = (until - since) / WEEK
    member_count = sums.members
    mau = sums.mau
    participation = _pct(mau, member_count)
    depth_replies, waits = threads
    joined, referred = joins
    survey = nps(conn, team_id=team_id, since=since, until=until) if nps else None
    cohorts = _cohorts(until=until, tz=config.community.tz, sums=sums)
    per_1000 = 1000 / member_count / weeks if member_count else 0.0
    replies_rate = round(sums.replies * per_1000, 1)
    reactions_rate = round(sums.reactions * per_1000, 1)
    returning_pct = _pct(sums.returners, mau)
    dau = sums.dau_days / 30
    by_offset = {cohort_offset: cohort for cohort_offset, cohort in cohorts}
    top_level = sums.top_level
    score = health_score(
        returning_pct=returning_pct,
        replies_rate=replies_rate,
        reactions_rate=reactions_rate,
        replies_target=config.health.replies_per_1000_target,
        reactions_target=config.health.reactions_per_1000_target,
    )
    return HealthReport(
        since=since,
        until=until,
        members=member_count,
        active_30d=mau,
        participation_pct=participation,
        dau=round(dau, 1),
        wau=sums.wau,
        mau=mau,
        dau_mau_pct=_pct(dau, mau),
        conversations=sums.conversations,
        conversations_per_week=round(sums.conversations / weeks, 1),
        contributors_per_week=round(sums.contributions / weeks, 1),
        engagers_30d=mau,
        returning_engagers=sums.returners,
        returning_pct=returning_pct,
        top_level_posts=top_level,
        replies=sums.replies,
        reactions=sums.reactions,
        depth=round(depth_replies / top_level, 2) if top_level else 0.0,
        replies_per_1000_week=replies_rate,
        reactions_per_1000_week=reactions_rate,
        questions=sums.questions,
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
        live_attendance=(
            attendance(conn, team_id=team_id, since=since, until=until) if attendance else None
        ),
        paths=paths(conn, team_id=team_id, since=since, until=until) if paths else None,
        score=score,
        status=status(score, config=config),
    )


def _cohorts(*, until: dt.datetime, tz: ZoneInfo, sums: MemberFigures) -> list[tuple[int, Cohort]]:
    """(months before the month of `until`, cohort), for the last COHORT_MONTHS join months."""
    starts = month_starts(until, tz=tz, count=COHORT_MONTHS)
    joined, active = sums.cohort_joined, sums.cohort_active
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


def _pct(part: float, whole: float) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _minutes(seconds: float) -> float:
    return round(seconds / 60, 1)


def _nearest_rank(ordered: Sequence[float], share: float) -> float:
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


def previous_period(since: dt.datetime, until: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The period of the same length just before [since, until), to compare against."""
    return since - (until - since), since
