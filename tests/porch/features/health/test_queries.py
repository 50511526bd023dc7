"""Several periods in one pass give exactly what each period computed on its own gives.

The report shows a period beside the one before it, read together (porch.features.health.queries
buckets the rows of both); nothing of one period may leak into the other, whatever their lengths
and however their "last 30 days" overlap. The community is the hand-worked one of
test_metrics.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from porch.core.config import Config
from porch.features.health import metrics
from tests.porch.features.health.test_metrics import SINCE, TEAM, UNTIL, Survey, seed

DAY = dt.timedelta(days=1)


def no_survey(*_: object, **__: object) -> Survey:
    return Survey(responses=0, score=None)


@pytest.mark.parametrize(
    "periods",
    [
        # The report: the two weeks, and the two weeks before.
        [(SINCE, UNTIL), (SINCE - 14 * DAY, SINCE)],
        # The monthly report: months of different lengths.
        [(UNTIL - 31 * DAY, UNTIL), (UNTIL - 61 * DAY, UNTIL - 31 * DAY)],
        # Short periods whose "last 30 days" overlap almost entirely; three of them.
        [
            (UNTIL - 3 * DAY, UNTIL),
            (UNTIL - 6 * DAY, UNTIL - 3 * DAY),
            (UNTIL - 9 * DAY, UNTIL - 6 * DAY),
        ],
        # Not adjacent, and not in order.
        [(UNTIL - 10 * DAY, UNTIL - 2 * DAY), (UNTIL - 45 * DAY, UNTIL - 20 * DAY)],
    ],
)
def test_periods_read_together_equal_periods_read_alone(
    engine: Engine, config: Config, periods: list[tuple[dt.datetime, dt.datetime]]
) -> None:
    seed(engine)
    with engine.connect() as conn:
        together = metrics.compute_periods(
            conn, team_id=TEAM, config=config, periods=periods, nps=no_survey
        )
        alone = [
            metrics.compute(
                conn, team_id=TEAM, config=config, since=since, until=until, nps=no_survey
            )
            for since, until in periods
        ]
    assert together == alone


def test_the_previous_period_is_the_one_of_the_same_length_before(
    engine: Engine, config: Config
) -> None:
    seed(engine)
    with engine.connect() as conn:
        current, previous = metrics.compute_with_previous(
            conn, team_id=TEAM, config=config, since=SINCE, until=UNTIL, nps=no_survey
        )
    assert (previous.since, previous.until) == (SINCE - 14 * DAY, SINCE)
    assert current.members == 8
    # By 2026-05-18, E and F had not joined and H has left: MANAGER, A, B, C, D, G.
    assert previous.members == 6
    # In the 30 days before: D's post (20 days before UNTIL), B's reaction (25), G's post (40).
    assert previous.mau == 3
    # In the period itself (14 to 28 days before UNTIL): D's post and B's reaction.
    assert (previous.top_level_posts, previous.conversations, previous.reactions) == (1, 1, 1)
    assert previous.questions == previous.replies == 0


def test_an_empty_period_is_refused(engine: Engine, config: Config) -> None:
    with engine.connect() as conn, pytest.raises(ValueError):
        metrics.compute_periods(
            conn, team_id=TEAM, config=config, periods=[(SINCE, UNTIL), (UNTIL, UNTIL)]
        )
