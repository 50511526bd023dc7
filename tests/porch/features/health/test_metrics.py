"""Every health figure against a small community worked out by hand.

The period is the two weeks before UNTIL (Monday 2026-06-01 00:00 UTC, 02:00 in Berlin, so the
month of UNTIL is June 2026). Times below are "how long before UNTIL".

Members (8 in the roster): MANAGER (imported), A (imported), B (joined 2026-03-10),
C (2026-03-20, invited by A), D (2025-12-05), E (2026-05-20, invited by B), F (2026-05-25),
G (2025-06-15). H joined 2026-03-01 and has left (not in the roster; still in March's cohort).

Activity:
  1  A   asks Q1 in C1 ............................ 10d 1h   (question)
  2  A   replies in Q1's thread (the asker) ........ 10d 0h50 (reply)
  3  B   replies in Q1's thread .................... 10d 0h30 (reply: 30 min after Q1)
  4  C   reacts :+1: to Q1 ......................... 9d 12h
  5  B   asks Q2 in C1 ............................. 5d 3h    (question)
  6  MANAGER replies to Q2 ......................... 5d 1h    (reply: 120 min after Q2)
  7  C   posts M1 in C2 ............................ 3d 6h    (message)
  8  D   reacts :heart: to M1 ...................... 3d 5h
  9  MANAGER posts M2 in C2 ........................ 2d 6h    (message, the team's)
  10 E   replies to M2 ............................. 1d 6h    (reply)
  11 A   asks Q3 in C1, never answered ............. 1d 3h    (question)
  12 D   posts M0 in C2 ............................ 20d 6h   (before the period)
  13 B   reacts :tada: to M0 ....................... 25d 6h   (before the period)
  14 E   joins C1 .................................. 11d 6h   (a join: not engagement)
  15 G   posts ..................................... 40d      (older than 30 days)
  16 H   posts (has left) .......................... 4d 6h    (not a member: ignored)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, insert

from porch.core.config import Config
from porch.core.store.schema import activity, members
from porch.features.health import metrics, weeks
from tests.conftest import config_with

TEAM = "T1"
UNTIL = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
SINCE = UNTIL - dt.timedelta(days=14)


def ago(days: int, hours: int = 0, minutes: int = 0) -> dt.datetime:
    return UNTIL - dt.timedelta(days=days, hours=hours, minutes=minutes)


def joined(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, 12, tzinfo=dt.UTC)


MEMBERS = [
    # user_id, joined_at, joined_via, inviter, is_deleted
    ("U0MANAGER1", ago(400), "import", None, False),
    ("UA", ago(400), "import", None, False),
    ("UB", joined(2026, 3, 10), "team_join", None, False),
    ("UC", joined(2026, 3, 20), "team_join", "UA", False),
    ("UD", joined(2025, 12, 5), "team_join", None, False),
    ("UE", joined(2026, 5, 20), "team_join", "UB", False),
    ("UF", joined(2026, 5, 25), "team_join", None, False),
    ("UG", joined(2025, 6, 15), "team_join", None, False),
    ("UH", joined(2026, 3, 1), "team_join", None, True),
]

ACTIVITY = [
    # channel, ts, kind, user, thread_ts, at
    ("C1", "1000.1", "question", "UA", None, ago(10, 1)),
    ("C1", "1000.3", "reply", "UA", "1000.1", ago(10, 0, 50)),
    ("C1", "1000.2", "reply", "UB", "1000.1", ago(10, 0, 30)),
    ("C1", "1000.1", "r:+1", "UC", None, ago(9, 12)),
    ("C1", "2000.1", "question", "UB", None, ago(5, 3)),
    ("C1", "2000.2", "reply", "U0MANAGER1", "2000.1", ago(5, 1)),
    ("C2", "3000.1", "message", "UC", None, ago(3, 6)),
    ("C2", "3000.1", "r:heart", "UD", None, ago(3, 5)),
    ("C2", "4000.1", "message", "U0MANAGER1", None, ago(2, 6)),
    ("C2", "4000.2", "reply", "UE", "4000.1", ago(1, 6)),
    ("C1", "5000.1", "question", "UA", None, ago(1, 3)),
    ("C2", "0500.1", "message", "UD", None, ago(20, 6)),
    ("C2", "0500.1", "r:tada", "UB", None, ago(25, 6)),
    ("C1", "joined", "join", "UE", None, ago(11, 6)),
    ("C2", "0100.1", "message", "UG", None, ago(40)),
    ("C2", "4500.1", "message", "UH", None, ago(4, 6)),
]


@dataclass(frozen=True)
class Survey:
    responses: int
    score: float | None


def seed(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(members),
            [
                {
                    "team_id": TEAM,
                    "user_id": user,
                    "joined_at": at,
                    "joined_via": via,
                    "inviter_id": inviter,
                    "is_deleted": deleted,
                    "is_guest": False,
                    "updated_at": UNTIL,
                }
                for user, at, via, inviter, deleted in MEMBERS
            ],
        )
        conn.execute(
            insert(activity),
            [
                {
                    "team_id": TEAM,
                    "channel_id": channel,
                    "message_ts": ts,
                    "kind": kind,
                    "user_id": user,
                    "thread_ts": thread,
                    "at": at,
                }
                for channel, ts, kind, user, thread, at in ACTIVITY
            ],
        )


def report(engine: Engine, config: Config, **kwargs: object) -> metrics.HealthReport:
    with engine.connect() as conn:
        return metrics.compute(
            conn, team_id=TEAM, config=config, since=SINCE, until=UNTIL, **kwargs
        )


def test_participation_and_active_users(engine: Engine, config: Config) -> None:
    seed(engine)
    result = report(engine, config)
    # Roster: MANAGER, A, B, C, D, E, F, G = 8 (H left). Engaged in the last 30 days:
    # A, B, C, D, MANAGER, E = 6 (F did nothing, G only 40 days ago, E's join is not engaging).
    assert result.members == 8
    assert result.mau == 6
    assert result.participation_pct == 75.0  # 6 / 8
    # Days engaged (24 h windows back from UNTIL): A {10, 1}, B {10, 5, 25}, C {9, 3},
    # D {3, 20}, MANAGER {5, 2}, E {1}: 12 member-days / 30 days = 0.4.
    assert result.dau == 0.4
    # Engaged in the last 7 days: all six (latest days 1, 5, 3, 3, 2, 1).
    assert result.wau == 6
    assert result.dau_mau_pct == 6.7  # 0.4 / 6


def test_conversations_density_and_depth(engine: Engine, config: Config) -> None:
    seed(engine)
    result = report(engine, config)
    # Top-level posts in the period: Q1, Q2, M1, M2, Q3 = 5; without the manager's M2 = 4,
    # over 2 weeks = 2 per week.
    assert result.top_level_posts == 5
    assert result.conversations == 4
    assert result.conversations_per_week == 2.0
    # (member, week back from UNTIL): A 1 and 0, B 1 and 0, C 1 and 0, D 0, MANAGER 0, E 0
    # = 9 member-weeks / 2 weeks.
    assert result.contributors_per_week == 4.5
    # Replies to the period's posts: Q1 2, Q2 1, M1 0, M2 1, Q3 0 = 4 over 5 posts.
    assert result.depth == 0.8
    # 4 replies and 2 reactions in the period, 8 members, 2 weeks: 4 x 1000 / 8 / 2 = 250
    # and 2 x 1000 / 8 / 2 = 125.
    assert (result.replies, result.reactions) == (4, 2)
    assert result.replies_per_1000_week == 250.0
    assert result.reactions_per_1000_week == 125.0


def test_returning_engagers(engine: Engine, config: Config) -> None:
    seed(engine)
    result = report(engine, config)
    # On two days or more: A, B, C, D, MANAGER (E only once): 5 of the 6 engagers.
    assert (result.returning_engagers, result.engagers_30d) == (5, 6)
    assert result.returning_pct == 83.3


def test_time_to_first_response(engine: Engine, config: Config) -> None:
    seed(engine)
    result = report(engine, config)
    # Q1: A's own reply does not count, B's came after 30 min; Q2: the manager after 120 min;
    # Q3 is unanswered. Median of [30, 120] = 75; p90 by nearest rank: ceil(0.9 x 2) = 2nd = 120.
    assert (result.questions, result.answered) == (3, 2)
    assert result.first_response_median_min == 75.0
    assert result.first_response_p90_min == 120.0


def test_retention_cohorts_and_referrals(engine: Engine, config: Config) -> None:
    seed(engine)
    result = report(engine, config)
    # June 2026 in Berlin: 3 months before = March (B, C active; H left) = 2/3;
    # 6 months = December 2025 (D active) = 1/1; 12 months = June 2025 (G idle) = 0/1.
    assert result.retention == {3: 66.7, 6: 100.0, 12: 0.0}
    may = result.cohorts[0]
    assert (may.month, may.joined, may.active, may.share_pct) == ("2026-05", 2, 1, 50.0)
    assert result.cohorts[1].share_pct is None  # nobody joined in April
    # Joined in the period: E (invited by B) and F: 1 of 2.
    assert (result.joined, result.referred, result.referral_pct) == (2, 1, 50.0)


def test_nps_comes_from_the_survey_when_there_is_one(engine: Engine, config: Config) -> None:
    seed(engine)
    assert report(engine, config).nps is None
    result = report(engine, config, nps=lambda conn, **period: Survey(responses=4, score=25.0))
    assert (result.nps, result.nps_responses) == (25.0, 4)


def test_health_score(engine: Engine, config: Config) -> None:
    seed(engine)
    # With the default targets (25 replies, 40 reactions per 1,000 a week) both rates count
    # fully: 0.4 x 83.3 + 0.3 x 100 + 0.3 x 100 = 93.3.
    assert report(engine, config).score == 93.3
    # Targets of 500 and 250: 250 / 500 and 125 / 250 are both 50 %:
    # 0.4 x 83.3 + 0.3 x 50 + 0.3 x 50 = 63.3.
    scaled = config_with(
        config, health={"replies_per_1000_target": 500, "reactions_per_1000_target": 250}
    )
    assert report(engine, scaled).score == 63.3


def test_an_empty_community_has_no_figures_rather_than_errors(
    engine: Engine, config: Config
) -> None:
    result = report(engine, config)
    assert (result.members, result.participation_pct, result.status) == (0, 0.0, "Stagnant")
    assert result.first_response_median_min is None
    assert result.retention == {3: None, 6: None, 12: None}
    assert result.referral_pct is None
    assert result.score == 0.0


def test_the_weekly_health_row_carries_the_rates_and_the_score(
    engine: Engine, config: Config
) -> None:
    seed(engine)
    tz = config.community.tz
    with engine.connect() as conn:
        (week,) = weeks.weekly_health(
            conn,
            team_id=TEAM,
            weeks=["2026-W22"],
            tz=tz,
            now=UNTIL,
            healthy_score=60,
            stagnant_score=40,
            replies_target=500,
            reactions_target=250,
        )
    # Week 22 in Berlin ends 2 h before UNTIL: replies 6 and 10, reaction 8, 8 members:
    # 2 x 1000 / 8 = 250 and 1 x 1000 / 8 = 125. Returning engagers as in the report: 5 of 6
    # (A, B, C, D, MANAGER engaged on two Berlin days; E on one) = 83.3 %.
    # Score: 0.4 x 83.3 + 0.3 x (250 / 500 x 100) + 0.3 x (125 / 250 x 100) = 63.3.
    assert (week.replies_per_1000, week.reactions_per_1000) == (250.0, 125.0)
    assert week.returning_pct == 83.3
    assert week.score == 63.3
    cells = week.tracker_values().cells()
    assert (cells["Replies per 1,000"], cells["Health score"]) == (250.0, 63.3)


def test_a_weeks_row_and_the_report_share_one_definition_of_each_figure(
    engine: Engine, config: Config
) -> None:
    """Issue 24: a week read "0 active members" beside "4 returning engagers", and "Healthy"
    beside a score of 32. Active members and returning engagers are counted over the same 30
    days, in the weekly row as in the report, and the status is the score's band."""
    seed(engine)
    tz = config.community.tz
    end = weeks.week_start("2026-W23", tz)  # the end of week 22, in Berlin
    with engine.connect() as conn:
        (week,) = weeks.weekly_health(
            conn,
            team_id=TEAM,
            weeks=["2026-W22"],
            tz=tz,
            now=end + dt.timedelta(days=30),
            healthy_score=60,
            stagnant_score=40,
        )
        (quiet,) = weeks.weekly_health(
            conn,
            team_id=TEAM,
            weeks=["2026-W24"],  # nobody engaged this week, some did in the 30 days before
            tz=tz,
            now=end + dt.timedelta(days=30),
            healthy_score=60,
            stagnant_score=40,
        )
        same_days = metrics.compute(
            conn, team_id=TEAM, config=config, since=end - dt.timedelta(days=7), until=end
        )
    assert week.active_members == same_days.active_30d
    assert week.returning_engagers == same_days.returning_engagers
    assert week.participation_pct == same_days.participation_pct
    assert week.returning_pct == same_days.returning_pct
    assert quiet.returning_engagers <= quiet.active_members
    assert quiet.active_members > 0
    for row in (week, quiet):
        assert row.status == metrics.status(row.score, config=config)
    assert same_days.status == metrics.status(same_days.score, config=config)


def test_the_status_is_the_band_of_the_score(config: Config) -> None:
    # Defaults: Healthy from 60, Stagnant below 40, Watch in between.
    assert [metrics.status(score, config=config) for score in (32, 40, 59.9, 60, 93.3)] == [
        "Stagnant",
        "Watch",
        "Watch",
        "Healthy",
        "Healthy",
    ]
    bands = config_with(config, health={"healthy_score": 80, "stagnant_score": 20})
    assert [metrics.status(score, config=bands) for score in (19.9, 20, 79.9, 80)] == [
        "Stagnant",
        "Watch",
        "Watch",
        "Healthy",
    ]
