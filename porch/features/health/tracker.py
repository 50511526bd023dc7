"""The Health worksheet's rows, recomputed right before a tracker sync writes the tracker
(`Feature.before_tracker_sync`): the weekly figures of weeks.py, queued like any other row.

Weekly figures need not follow every message, and the week in progress drifts with time alone
(its 30-day window for returning engagers slides), so the policy is: recompute this week and
last week (and every week since the last computation, so that none is skipped) when something
they count changed, at most every MIN_INTERVAL and at least every MAX_AGE; the first time, or
for a rebuild, every week since activity was first recorded.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select

from porch.core import tracker_queue
from porch.core.config import Config
from porch.core.store.schema import activity, members, tracker_rows, tracker_state
from porch.features.health import weeks as health_weeks
from porch.features.health.rows import HealthRow

# The week in progress drifts with time alone, so Health is recomputed at least this often even
# when nothing happened.
MAX_AGE = dt.timedelta(hours=1)
# At 100,000 members a recomputation takes a second or two, so a busy community gets at most
# one every MIN_INTERVAL.
MIN_INTERVAL = dt.timedelta(minutes=5)
# Its name in the tracker's state between cycles (tracker_state): when and from what the
# weeks were last computed.
STATE = "health"
WEEK = dt.timedelta(days=7)


def refresh_health(
    conn: Connection,
    *,
    team_id: str,
    config: Config,
    now: dt.datetime,
    everything: bool = False,
    moderation: Callable[..., Any] | None = None,
    attendance: Callable[..., int | None] | None = None,
) -> int:
    """Queue the workspace's Health rows that may have changed; how many weeks were computed.

    Normally that is this week and last week (last week's figures settle after it ends), and
    only when something they count changed since the last time (new activity, a member's row
    changing: joins, departures; a new week), at most every MIN_INTERVAL, and at least every
    MAX_AGE. Checking costs two indexed look-ups, so an idle cycle costs milliseconds however
    large the community. The first time, or with `everything`, it is every week since activity
    was first recorded.
    """
    tz = config.community.tz
    roster = select(members.c.user_id).where(members.c.team_id == team_id).limit(1)
    if conn.execute(roster).first() is None:
        return 0  # no community yet, so no health to report
    marks = _marks(conn, team_id=team_id, week=health_weeks.iso_week(now, tz))
    state = _load_state(conn, team_id=team_id)
    has_rows = _has_rows(conn, team_id=team_id)
    if not everything and has_rows and state is not None:
        age = now - dt.datetime.fromisoformat(state["computed_at"])
        if age < MAX_AGE and (state.get("marks") == marks or age < MIN_INTERVAL):
            return 0
    if everything or not has_rows:
        first = health_weeks.first_activity(conn, team_id=team_id)
        weeks = health_weeks.weeks_between(first or now, now, tz)
    else:
        # From last week, or from the week of the last computation if that is older (no week
        # in between is ever skipped), but never before the sheet's first week: a row queued
        # for an earlier week would land below the later ones.
        since = now - dt.timedelta(days=7)
        previous = (state or {}).get("marks") or []
        if previous and previous[0]:
            since = min(since, health_weeks.week_start(previous[0], tz))
        first_week = _first_week(conn, team_id=team_id)
        weeks = [
            week
            for week in health_weeks.weeks_between(since, now, tz)
            if first_week is None or week >= first_week
        ]
    for week in health_weeks.weekly_health(
        conn,
        team_id=team_id,
        weeks=weeks,
        tz=tz,
        now=now,
        healthy_score=config.health.healthy_score,
        stagnant_score=config.health.stagnant_score,
        replies_target=config.health.replies_per_1000_target,
        reactions_target=config.health.reactions_per_1000_target,
    ):
        row = week.tracker_values()
        start = health_weeks.week_start(week.week, tz)
        if attendance is not None:  # live events' attendance, when that feature declares it
            found_attendance = attendance(conn, team_id=team_id, since=start, until=start + WEEK)
            row = dataclasses.replace(row, live_attendance=found_attendance)
        if moderation is not None:  # moderation's figures, when that feature declares them
            found = moderation(conn, team_id=team_id, since=start, until=start + WEEK)
            row = dataclasses.replace(
                row,
                reports=found.reports,
                minutes_to_first_action=found.first_action_median_min,
                repeat_cases=found.repeat_members,
            )
        tracker_queue.put(conn, team_id=team_id, row=row, now=now)
    computed = {"computed_at": now.isoformat(), "marks": marks}
    _save_state(conn, team_id=team_id, value=computed, now=now)
    return len(weeks)


def _has_rows(conn: Connection, *, team_id: str) -> bool:
    query = (
        select(tracker_rows.c.row_key)
        .where(tracker_rows.c.team_id == team_id, tracker_rows.c.sheet == HealthRow.SHEET)
        .limit(1)
    )
    return conn.execute(query).first() is not None


def _first_week(conn: Connection, *, team_id: str) -> str | None:
    """The Health worksheet's earliest week (ISO week keys sort by date)."""
    return conn.execute(
        select(func.min(tracker_rows.c.row_key)).where(
            tracker_rows.c.team_id == team_id, tracker_rows.c.sheet == HealthRow.SHEET
        )
    ).scalar()


def _marks(conn: Connection, *, team_id: str, week: str) -> list[str]:
    """What Health depends on, cheaply: the newest activity and the newest change to a member's
    row (each read from the end of an index), and the week in progress."""
    # Across workspaces, so that it is one step down the `at` index on every database; another
    # workspace's activity only costs this one an early recomputation.
    newest_activity = conn.execute(select(func.max(activity.c.at))).scalar()
    newest_member = conn.execute(
        select(tracker_rows.c.updated_at)
        .where(tracker_rows.c.team_id == team_id, tracker_rows.c.sheet == "Members")
        .order_by(tracker_rows.c.updated_at.desc())
        .limit(1)
    ).scalar()
    return [
        week,
        newest_activity.isoformat() if newest_activity else "",
        newest_member.isoformat() if newest_member else "",
    ]


def _load_state(conn: Connection, *, team_id: str) -> dict[str, Any] | None:
    value = conn.execute(
        select(tracker_state.c.value).where(
            tracker_state.c.team_id == team_id, tracker_state.c.name == STATE
        )
    ).scalar()
    return dict(value) if value is not None else None


def _save_state(conn: Connection, *, team_id: str, value: dict[str, Any], now: dt.datetime) -> None:
    conn.execute(
        delete(tracker_state).where(
            tracker_state.c.team_id == team_id, tracker_state.c.name == STATE
        )
    )
    conn.execute(
        insert(tracker_state).values(team_id=team_id, name=STATE, value=value, updated_at=now)
    )
