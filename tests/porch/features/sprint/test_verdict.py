"""The decision rule over three weeks, case by case (the sandbox tests drive keep and narrow)."""

from __future__ import annotations

import pytest

from porch.features.sprint.verdict import EARLY, KEEP, NARROW, WATCH, Indicator, decide


def rule(returning, replies):
    return decide(
        [Indicator("returning_engagers", returning), Indicator("replies_per_1000", replies)]
    )


@pytest.mark.parametrize(
    ("returning", "replies", "verdict"),
    [
        ((1, 2, 3), (10, 20, 30), KEEP),
        ((1, 2, 3), (10, 20, 20), WATCH),  # replies stalled in the last week
        ((1, 2, 3), (30, 20, 10), WATCH),  # one rose, the other fell
        ((3, 1, 2), (10, 5, 12), WATCH),  # a dip, then up: higher than two weeks ago
        ((3, 3, 3), (10, 10, 10), NARROW),  # flat
        ((3, 2, 1), (30, 20, 10), NARROW),  # falling
        ((3, 1, 3), (10, 5, 10), NARROW),  # back where they were: no move
        ((None, 2, 3), (None, 20, 30), EARLY),
    ],
)
def test_the_rule(returning, replies, verdict):
    assert rule(returning, replies) == verdict


def test_a_trend_reads_oldest_first_with_a_mark_per_week():
    indicator = Indicator("replies_per_1000", (None, 1333.33, 285.7))
    assert indicator.trend == "– → 1,333.3 → 285.7"
    assert indicator.arrows == "▼"
    assert indicator.measured == 2
