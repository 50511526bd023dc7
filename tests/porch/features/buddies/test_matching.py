"""Choosing a buddy, and when the check-in is due (a week later, across DST changes)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from porch.features.buddies.matching import check_in_due, choose, starter

BERLIN = ZoneInfo("Europe/Berlin")


def test_shared_interests_first_then_the_lightest_load_then_the_id():
    interests = {"N": ["design", "growth"], "A": ["growth"], "B": ["design", "growth"], "C": []}
    found = choose(
        "N", candidates={"A", "B", "C"}, loads={"B": 1}, max_at_once=2, interests=interests
    )
    assert found is not None and (found.buddy_id, found.shared) == ("B", ("design", "growth"))
    full = choose("N", candidates={"A", "B"}, loads={"B": 2}, max_at_once=2, interests=interests)
    assert full is not None and full.buddy_id == "A"
    unknown = choose("N", candidates={"C", "A"}, loads={"A": 1}, max_at_once=2, interests={})
    assert unknown is not None and (unknown.buddy_id, unknown.shared) == ("C", ())


def test_nobody_free_and_never_themselves():
    assert choose("N", candidates={"N", "A"}, loads={"A": 1}, max_at_once=1, interests={}) is None


def test_the_check_in_keeps_the_wall_clock_time_across_the_autumn_change():
    paired = dt.datetime(2026, 10, 21, 8, 0, tzinfo=dt.UTC)  # 10:00 CEST
    due = check_in_due(paired, days=7, tz=BERLIN)
    assert due == dt.datetime(2026, 10, 28, 9, 0, tzinfo=dt.UTC)  # 10:00 CET: 169 hours
    assert due.astimezone(BERLIN).hour == 10


def test_the_check_in_keeps_the_wall_clock_time_across_the_spring_change():
    paired = dt.datetime(2026, 3, 25, 9, 0, tzinfo=dt.UTC)  # 10:00 CET
    due = check_in_due(paired, days=7, tz=BERLIN)
    assert due == dt.datetime(2026, 4, 1, 8, 0, tzinfo=dt.UTC)  # 10:00 CEST: 167 hours


def test_the_starter_question_is_the_same_for_a_newcomer_every_time():
    questions = ["one?", "two?", "three?"]
    assert starter(questions, "U0GIA00001") == starter(questions, "U0GIA00001")
    assert {starter(questions, f"U0NEW{n:05d}") for n in range(30)} == set(questions)
