"""Weekly health figures, checked by hand on a small community."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, insert, select

from porch.core.config import Config
from porch.core.store.schema import activity, members, tracker_rows
from porch.features.health import weeks as health
from porch.features.health.rows import HealthRow
from porch.features.registry import build_features, templates

BERLIN = ZoneInfo("Europe/Berlin")
UTC = dt.UTC


def at(day: int, hour: int = 12, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=UTC)


def member(user_id: str, joined: dt.datetime | None, *, deleted: bool = False) -> dict[str, Any]:
    return {
        "team_id": "T1",
        "user_id": user_id,
        "is_guest": False,
        "is_deleted": deleted,
        "joined_at": joined,
        "updated_at": at(1),
    }


def event(user_id: str, when: dt.datetime, kind: str = "message", n: int = 0) -> dict[str, Any]:
    return {
        "team_id": "T1",
        "channel_id": "C1",
        "message_ts": f"{when.timestamp():.0f}.{n:06d}",
        "kind": kind,
        "user_id": user_id,
        "at": when,
    }


def week_of(conn: Any, week: str) -> health.WeekHealth:
    (figures,) = health.weekly_health(
        conn,
        team_id="T1",
        weeks=[week],
        tz=BERLIN,
        now=at(30),
        healthy_score=60,
        stagnant_score=40,
    )
    return figures


def seed(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(members),
            [
                member("UA", at(1)),
                member("UB", at(17)),  # new in week 47
                member("UC", at(10)),
                member("UD", at(2), deleted=True),
                member("UE", at(25)),  # joins after week 47
            ],
        )
        conn.execute(
            insert(activity),
            [
                # Sunday 23:30 UTC is already Monday 00:30 in Berlin: week 47.
                event("UA", dt.datetime(2026, 11, 15, 23, 30, tzinfo=UTC)),
                event("UA", at(18), kind="reaction"),
                event("UB", at(17), kind="reply"),
                event("UC", at(18), kind="join"),  # joining a channel is not engaging
                event("UD", at(18)),  # left the workspace
                event("UX", at(18)),  # not in the roster
                event("UA", at(3)),  # week 45, inside the 30-day window of week 47
            ],
        )


def test_weekly_figures_follow_their_definitions(engine: Engine) -> None:
    seed(engine)
    with engine.connect() as conn:
        week = week_of(conn, "2026-W47")
    assert week.starts == dt.date(2026, 11, 16)
    assert week.members == 3  # UA, UB, UC
    assert week.new_members == 1  # UB
    assert week.active_members == 2  # UA, UB engaged in the 30 days to the week's end
    assert week.participation_pct == 66.7
    assert week.messages == 2  # UA's message and UB's reply; the reaction is not a message
    assert week.engagers_30d == 2
    assert week.returning_engagers == 1  # UA engaged on 3 different days, UB on one
    assert week.returning_pct == 50.0
    # 0.4 x 50 + 0.3 x 100 (1 reply per 3 members is over the target) + 0.3 x 0 reactions = 50:
    # between the stagnant (40) and healthy (60) scores.
    assert (week.score, week.status) == (50.0, "Watch")
    assert week.tracker_values().cells()["Week"] == "2026-W47"


def test_a_quiet_week_is_stagnant(engine: Engine) -> None:
    seed(engine)
    with engine.connect() as conn:
        week = week_of(conn, "2026-W48")
    # Nobody engaged during the week; UA and UB did in the 30 days that end with it.
    assert (week.members, week.new_members, week.active_members) == (4, 1, 2)
    assert (week.messages, week.returning_engagers) == (0, 1)
    assert week.participation_pct == 50.0
    # 0.4 x 50 % returning, no replies nor reactions that week: 20, below the stagnant 40.
    assert (week.score, week.status) == (20.0, "Stagnant")


def test_members_imported_at_install_count_but_are_never_new(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(members),
            [
                {**member("UOLD", at(17)), "joined_via": "import"},
                {**member("UNEW", at(17)), "joined_via": "team_join"},
            ],
        )
        week = week_of(conn, "2026-W47")
    assert (week.members, week.new_members) == (2, 1)


def test_a_week_is_one_health_row() -> None:
    week = health.WeekHealth(
        "2026-W47", dt.date(2026, 11, 16), 10, 1, 2, 20.0, 5, 1, 2, 50.0, "Healthy"
    )
    assert isinstance(week.tracker_values(), HealthRow)
    assert week.tracker_values().cells()["Week starting"] == "2026-11-16"


def test_weeks() -> None:
    assert health.iso_week(dt.datetime(2026, 11, 15, 23, 30, tzinfo=UTC), BERLIN) == "2026-W47"
    assert health.week_start("2026-W47", BERLIN) == dt.datetime(2026, 11, 16, tzinfo=BERLIN)
    assert health.weeks_between(at(10), at(24), BERLIN) == ["2026-W46", "2026-W47", "2026-W48"]
    assert health.weeks_between(at(1, month=1), at(28, month=12), BERLIN)[0] == "2026-W01"


def test_the_first_sync_writes_every_week_since_activity_began(
    engine: Engine, config: Config
) -> None:
    """The weeks are queued by the feature's hook, right before each tracker sync."""
    features = build_features(config=config, templates=templates())
    (hook,) = [f.before_tracker_sync for f in features.features if f.before_tracker_sync]

    def refresh(now: dt.datetime, *, rebuild: bool = False) -> int:
        with engine.begin() as conn:
            return hook(conn, "T1", now, rebuild)

    seed(engine)
    assert refresh(at(24)) == 4
    with engine.connect() as conn:
        weeks = sorted(
            conn.execute(
                select(tracker_rows.c.row_key).where(tracker_rows.c.sheet == "Health")
            ).scalars()
        )
    assert weeks == ["2026-W45", "2026-W46", "2026-W47", "2026-W48"]
    minutes = dt.timedelta(minutes=1)
    assert refresh(at(24) + 30 * minutes) == 0  # nothing changed: nothing to compute
    with engine.begin() as conn:
        conn.execute(insert(activity), [event("UA", at(24) + 40 * minutes)])
    assert refresh(at(24) + 45 * minutes) == 2  # then this and last week
    assert refresh(at(24) + 50 * minutes) == 0
    assert refresh(at(24) + 110 * minutes) == 2  # and again once the figures are an hour old
    assert refresh(at(24) + 111 * minutes, rebuild=True) == 4  # a rebuild: every week


def test_no_community_no_weeks(engine: Engine, config: Config) -> None:
    features = build_features(config=config, templates=templates())
    (hook,) = [f.before_tracker_sync for f in features.features if f.before_tracker_sync]
    with engine.begin() as conn:
        assert hook(conn, "T1", at(24), True) == 0
