"""Weekly community health, computed from the store (members and raw activity).

The tracker's Health worksheet gets one row per week and its Dashboard charts them, so managers
see the trend instead of counting messages. Every figure is defined below in one sentence; they
are deliberately simple so that a manager can check one by hand.

Weeks are ISO weeks, Monday 00:00 to the next Monday 00:00 in the community's timezone; for the
week in progress, "end of the week" means now. "The last 30 days" of a week are the 30 days that
end with it, each a 24-hour window counted back from its end. Active members, participation,
returning engagers, the score and the status are those of the health report
(porch/features/health/metrics.py) for those 30 days: one definition each, everywhere.

- Members: people in the roster (the `members` table, excluding those who left the workspace)
  who had joined by the end of the week. Someone whose join date is unknown counts as a member.
- New members: members whose join time falls inside the week. Members imported at install
  time (`porch members import`) were there before Porch, so they never count as new.
- Active members: members who engaged (a message, a thread reply or a reaction; joining a
  channel does not count) in the last 30 days.
- Participation %: active members / members x 100 (0 when there are no members).
- Messages: messages and thread replies posted by members during the week.
- Returning engagers: active members who engaged on at least two different days of the last 30
  days, so never more than the active members. Returning engagers %: their share of the active
  members (20-40 % is a good sign).
- Replies (reactions) per 1,000: replies (reactions) by members during the week per 1,000
  members.
- Health score: the Community Health Score of the week: 0.4 x returning engagers % + 0.3 x
  replies per 1,000 normalized + 0.3 x reactions per 1,000 normalized, each rate normalized
  against its target in `health:` of community.yml.
- Status: the band of the health score: "Healthy" from `health.healthy_score`, "Stagnant"
  below `health.stagnant_score`, "Watch" in between.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, select

from porch.core.config import Config
from porch.core.store.schema import activity, members, tracker_rows
from porch.features.health.metrics import health_score, score_band
from porch.features.health.rows import HealthRow

# Activity kinds that are posts (the rest, apart from joins, are reactions and the like).
MESSAGE_KINDS = frozenset({"message", "question", "reply"})
# Activity kinds recorded for bookkeeping that are not engagement.
NOT_ENGAGEMENT = frozenset({"join"})
RETURNING_WINDOW = dt.timedelta(days=30)
DAY = dt.timedelta(days=1)
IMPORTED = "import"
# How far back a full recomputation goes: two years of weekly rows is plenty for a trend.
MAX_WEEKS = 104


@dataclass(frozen=True)
class WeekHealth:
    week: str
    starts: dt.date
    members: int
    new_members: int
    active_members: int
    participation_pct: float
    messages: int
    returning_engagers: int
    engagers_30d: int
    returning_pct: float
    status: str
    replies_per_1000: float = 0.0
    reactions_per_1000: float = 0.0
    score: float = 0.0

    def tracker_values(self) -> HealthRow:
        """The Health worksheet row."""
        return HealthRow(
            week=self.week,
            week_starting=self.starts,
            members=self.members,
            new_members=self.new_members,
            active_members=self.active_members,
            participation_pct=self.participation_pct,
            messages=self.messages,
            returning_engagers=self.returning_engagers,
            returning_pct=self.returning_pct,
            replies_per_1000=self.replies_per_1000,
            reactions_per_1000=self.reactions_per_1000,
            health_score=self.score,
            status=self.status,
        )


def iso_week(moment: dt.datetime, tz: ZoneInfo) -> str:
    """The ISO week of an aware moment in the community's timezone, e.g. "2026-W47"."""
    year, week, _ = moment.astimezone(tz).isocalendar()
    return f"{year}-W{week:02d}"


def week_start(week: str, tz: ZoneInfo) -> dt.datetime:
    """Monday 00:00 (aware, in `tz`) of an ISO week written like "2026-W47"."""
    year, number = week.split("-W")
    day = dt.date.fromisocalendar(int(year), int(number), 1)
    return dt.datetime(day.year, day.month, day.day, tzinfo=tz)


def weeks_between(first: dt.datetime, last: dt.datetime, tz: ZoneInfo) -> list[str]:
    """Every ISO week from the one containing `first` to the one containing `last`."""
    weeks = []
    day = first.astimezone(tz).date()
    day -= dt.timedelta(days=day.weekday())
    end = last.astimezone(tz).date()
    while day <= end:
        year, number, _ = day.isocalendar()
        weeks.append(f"{year}-W{number:02d}")
        day += dt.timedelta(days=7)
    return weeks[-MAX_WEEKS:]


def first_activity(conn: Connection, *, team_id: str) -> dt.datetime | None:
    """When the store's record of engagement begins (weeks before it would all read 0 %)."""
    return conn.execute(
        select(func.min(activity.c.at)).where(
            activity.c.team_id == team_id, activity.c.kind.not_in(NOT_ENGAGEMENT)
        )
    ).scalar()


def weekly_health(
    conn: Connection,
    *,
    team_id: str,
    weeks: Sequence[str],
    tz: ZoneInfo,
    now: dt.datetime,
    healthy_score: float,
    stagnant_score: float,
    replies_target: float = 25.0,
    reactions_target: float = 40.0,
) -> list[WeekHealth]:
    """The health figures of each week in `weeks` (see the module docstring for definitions)."""
    if not weeks:
        return []
    bounds = [(week, week_start(week, tz)) for week in weeks]
    earliest = min(start for _, start in bounds) - RETURNING_WINDOW
    latest = max(start for _, start in bounds) + dt.timedelta(days=7)

    # Members recorded by `porch members import` were there before Porch: Slack does not say
    # when they joined, and the import time would count them all as new in the install week.
    roster: dict[str, dt.datetime | None] = {
        row.user_id: None if row.joined_via == IMPORTED else row.joined_at
        for row in conn.execute(
            select(members.c.user_id, members.c.joined_at, members.c.joined_via).where(
                members.c.team_id == team_id, members.c.is_deleted.is_(False)
            )
        )
    }
    events = [
        (row.at, row.user_id, row.kind)
        for row in conn.execute(
            select(activity.c.at, activity.c.user_id, activity.c.kind)
            .where(
                activity.c.team_id == team_id,
                activity.c.at >= earliest,
                activity.c.at < latest,
                activity.c.kind.not_in(NOT_ENGAGEMENT),
            )
            .order_by(activity.c.at)
        )
        if row.user_id in roster
    ]
    times = [event[0] for event in events]

    def between(start: dt.datetime, end: dt.datetime) -> Iterable[tuple[dt.datetime, str, str]]:
        return events[bisect.bisect_left(times, start) : bisect.bisect_left(times, end)]

    joined = list(roster.values())
    results = []
    for week, start in bounds:
        end = min(start + dt.timedelta(days=7), now)
        member_count = sum(1 for at in joined if at is None or at < end)
        new_members = sum(1 for at in joined if at is not None and start <= at < end)
        in_week = list(between(start, end))
        messages = sum(1 for _, _, kind in in_week if kind in MESSAGE_KINDS)
        replies = sum(1 for _, _, kind in in_week if kind == "reply")
        reactions = sum(1 for _, _, kind in in_week if kind.startswith("r:"))
        replies_rate = round(replies * 1000 / member_count, 1) if member_count else 0.0
        reactions_rate = round(reactions * 1000 / member_count, 1) if member_count else 0.0
        # Days as the report counts them: 24-hour windows counted back from the end.
        days: dict[str, set[int]] = defaultdict(set)
        for at, user_id, _ in between(end - RETURNING_WINDOW, end):
            days[user_id].add((end - at) // DAY)
        active = len(days)
        returning = sum(1 for seen in days.values() if len(seen) >= 2)
        participation = _pct(active, member_count)
        returning_pct = _pct(returning, active)
        score = health_score(
            returning_pct=returning_pct,
            replies_rate=replies_rate,
            reactions_rate=reactions_rate,
            replies_target=replies_target,
            reactions_target=reactions_target,
        )
        results.append(
            WeekHealth(
                week=week,
                starts=start.date(),
                members=member_count,
                new_members=new_members,
                active_members=active,
                participation_pct=participation,
                messages=messages,
                returning_engagers=returning,
                engagers_30d=active,
                returning_pct=returning_pct,
                status=score_band(score, healthy=healthy_score, stagnant=stagnant_score),
                replies_per_1000=replies_rate,
                reactions_per_1000=reactions_rate,
                score=score,
            )
        )
    return results


def weekly_figures(config: Config) -> Callable[..., list[WeekHealth]]:
    """The period figure "weekly_health": (conn, team_id=..., since=..., until=...) -> the
    figures of each ISO week from the one containing `since` to the one before `until`, oldest
    first, as the Health worksheet has them."""

    def figures(
        conn: Connection, *, team_id: str, since: dt.datetime, until: dt.datetime
    ) -> list[WeekHealth]:
        tz = config.community.tz
        section = config.health
        return weekly_health(
            conn,
            team_id=team_id,
            weeks=weeks_between(since, until - dt.timedelta(microseconds=1), tz),
            tz=tz,
            now=until,
            healthy_score=section.healthy_score,
            stagnant_score=section.stagnant_score,
            replies_target=section.replies_per_1000_target,
            reactions_target=section.reactions_per_1000_target,
        )

    return figures


def _pct(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def latest_weeks(conn: Connection, *, team_id: str, count: int) -> list[HealthRow]:
    """The newest `count` weekly Health rows, newest first (ISO week keys sort by date)."""
    rows = conn.execute(
        select(tracker_rows.c.row_values)
        .where(tracker_rows.c.team_id == team_id, tracker_rows.c.sheet == HealthRow.SHEET)
        .order_by(tracker_rows.c.row_key.desc())
        .limit(count)
    ).scalars()
    return [HealthRow.from_cells(values) for values in rows]
