"""What reports see of the survey: counts per period, never who said what."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, insert

from porch.features.nps.summary import NpsSummary, nps_summary
from porch.features.nps.tables import nps_opt_outs, nps_responses


def test_the_summary_counts_promoters_passives_and_detractors(engine: Engine):
    at = dt.datetime(2026, 11, 3, 12, tzinfo=dt.UTC)
    scores = {"U1": 10, "U2": 9, "U3": 8, "U4": 7, "U5": 6, "U6": 0, "U7": 3, "U8": 10}
    with engine.begin() as conn:
        for user_id, score in scores.items():
            conn.execute(
                insert(nps_responses).values(
                    team_id="T1",
                    user_id=user_id,
                    quarter="2026-Q4",
                    sent_at=at,
                    score=score,
                    answered_at=at,
                )
            )
        # Not counted: unanswered, another quarter's answer, another workspace.
        conn.execute(
            insert(nps_responses).values(team_id="T1", user_id="U9", quarter="2026-Q4", sent_at=at)
        )
        old = at - dt.timedelta(days=100)
        conn.execute(
            insert(nps_responses).values(
                team_id="T1", user_id="U1", quarter="2026-Q3", sent_at=old, score=0, answered_at=old
            )
        )
        conn.execute(
            insert(nps_responses).values(
                team_id="T2", user_id="U1", quarter="2026-Q4", sent_at=at, score=0, answered_at=at
            )
        )
        conn.execute(insert(nps_opt_outs).values(team_id="T1", user_id="U9", opted_out_at=at))

        quarter = nps_summary(
            conn,
            team_id="T1",
            since=dt.datetime(2026, 10, 1, tzinfo=dt.UTC),
            until=dt.datetime(2027, 1, 1, tzinfo=dt.UTC),
        )
        empty = nps_summary(
            conn,
            team_id="T1",
            since=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            until=dt.datetime(2026, 4, 1, tzinfo=dt.UTC),
        )
        for user_id, score in {"U1": 10, "U2": 10, "U3": 9, "U4": 5}.items():
            conn.execute(
                insert(nps_responses).values(
                    team_id="T3",
                    user_id=user_id,
                    quarter="2026-Q4",
                    sent_at=at,
                    score=score,
                    answered_at=at,
                )
            )
        third = nps_summary(conn, team_id="T3", since=at, until=at + dt.timedelta(seconds=1))
    # 3 promoters (10, 9, 10), 2 passives (8, 7), 3 detractors (6, 0, 3): (3 - 3) / 8 = 0.
    assert quarter == NpsSummary(responses=8, promoters=3, passives=2, detractors=3, score=0.0)
    # 3 promoters, 1 detractor of 4: 75% - 25%.
    assert third == NpsSummary(responses=4, promoters=3, passives=0, detractors=1, score=50.0)
    assert empty == NpsSummary(responses=0, promoters=0, passives=0, detractors=0, score=None)
