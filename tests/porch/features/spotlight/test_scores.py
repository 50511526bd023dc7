"""Counting a month's signals: which rows count, for whom, and which month they belong to."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from porch.core import activity_log, channel_directory
from porch.features.spotlight.config import SpotlightWeights
from porch.features.spotlight.scores import count_signals, month_bounds, previous_month, rank

TEAM = "T0TEAM0001"
BERLIN = ZoneInfo("Europe/Berlin")
GENERAL, WINS = "C0GENERAL1", "C0WINS0001"


def at(month: int, day: int) -> dt.datetime:
    return dt.datetime(2026, month, day, 12, 0, tzinfo=dt.UTC)


def test_months_are_local_calendar_months():
    start, end = month_bounds("2026-11", BERLIN)
    assert start == dt.datetime(2026, 10, 31, 23, 0, tzinfo=dt.UTC)
    assert end == dt.datetime(2026, 11, 30, 23, 0, tzinfo=dt.UTC)
    assert month_bounds("2026-12", BERLIN)[1] == dt.datetime(2026, 12, 31, 23, 0, tzinfo=dt.UTC)
    # 00:30 on 1 December in Berlin is still 30 November in UTC: the month before is November.
    assert previous_month(dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC), BERLIN) == "2026-11"
    assert previous_month(dt.datetime(2026, 1, 1, 9, 0, tzinfo=dt.UTC), BERLIN) == "2025-12"


def test_signals_count_only_the_month_and_only_help_to_others(engine: Engine):
    """October: Ana asks (q1); Ben answers first. November: Chloé also answers q1 (a reply to
    others, but not the first answer); Ana asks q2, answers herself first, then Dana answers
    (Dana's is the first answer by someone else); Ben reacts to Dana's answer twice over
    (:+1: and :tada:) and Dana reacts to her own; Chloé posts a win and a reply under it.

    Expected for November: Chloé replies 1 (her reply under her own win does not count), wins 1;
    Dana replies 1, first answers 1, reactions received 2; Ana nothing (own thread); Ben nothing
    (his answer was in October).
    """
    record = activity_log.record
    with engine.begin() as conn:
        channel_directory.remember(
            conn, team_id=TEAM, ids_by_name={"general": GENERAL, "wins": WINS}
        )
        record(
            conn,
            team_id=TEAM,
            channel_id=GENERAL,
            ts="100.1",
            kind="question",
            user_id="U0ANA",
            at=at(10, 5),
        )
        record(
            conn,
            team_id=TEAM,
            channel_id=GENERAL,
            ts="100.2",
            kind="reply",
            user_id="U0BEN",
            thread_ts="100.1",
            at=at(10, 6),
        )
        record(
            conn,
            team_id=TEAM,
            channel_id=GENERAL,
            ts="200.1",
            kind="reply",
            user_id="U0CHLOE",
            thread_ts="100.1",
            at=at(11, 2),
        )
        record(
            conn,
            team_id=TEAM,
            channel_id=GENERAL,
            ts="300.1",
            kind="question",
            user_id="U0ANA",
            at=at(11, 3),
        )
        record(
            conn,
            team_id=TEAM,
            channel_id=GENERAL,
            ts="300.2",
            kind="reply",
            user_id="U0ANA",
            thread_ts="300.1",
            at=at(11, 3),
        )
        record(
            conn,
            team_id=TEAM,
            channel_id=GENERAL,
            ts="300.3",
            kind="reply",
            user_id="U0DANA",
            thread_ts="300.1",
            at=at(11, 4),
        )
        for name, user in (("r:+1", "U0BEN"), ("r:tada", "U0BEN"), ("r:+1", "U0DANA")):
            record(
                conn,
                team_id=TEAM,
                channel_id=GENERAL,
                ts="300.3",
                kind=name,
                user_id=user,
                at=at(11, 5),
            )
        record(
            conn,
            team_id=TEAM,
            channel_id=WINS,
            ts="400.1",
            kind="message",
            user_id="U0CHLOE",
            at=at(11, 6),
        )
        record(
            conn,
            team_id=TEAM,
            channel_id=WINS,
            ts="400.2",
            kind="reply",
            user_id="U0CHLOE",
            thread_ts="400.1",
            at=at(11, 6),
        )
        start, end = month_bounds("2026-11", BERLIN)
        counts = count_signals(conn, team_id=TEAM, start=start, end=end, wins_channel="wins")

    assert {user: dict(c) for user, c in counts.items() if +c} == {
        "U0CHLOE": {"replies_to_others": 1, "wins_shared": 1},
        "U0DANA": {"replies_to_others": 1, "first_responses": 1, "reactions_received": 2},
    }
    weights = SpotlightWeights()
    picks = rank(counts, weights=weights, size=3, excluded=set())
    # Dana: 1 + 2 + 2 * 0.5 = 4; Chloé: 1 + 3 = 4; a tie goes to the one with more signals.
    assert [(p.user_id, p.score) for p in picks] == [("U0DANA", 4.0), ("U0CHLOE", 4.0)]
    assert rank(counts, weights=weights, size=1, excluded={"U0DANA"})[0].user_id == "U0CHLOE"
