"""What reports see of the survey: counts of the answers in a period, never who said what.

NPS = % promoters (9-10) - % detractors (0-6).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, select

from porch.features.nps.tables import nps_responses


@dataclass(frozen=True)
class NpsSummary:
    """Answers in a period, as counts: never who said what."""

    responses: int
    promoters: int
    passives: int
    detractors: int
    # % promoters - % detractors, -100 to 100, one decimal; None without responses.
    score: float | None


def nps_summary(
    conn: Connection, *, team_id: str, since: dt.datetime, until: dt.datetime
) -> NpsSummary:
    """Scores given in [since, until)."""
    scores = list(
        conn.execute(
            select(nps_responses.c.score).where(
                nps_responses.c.team_id == team_id,
                nps_responses.c.score.is_not(None),
                nps_responses.c.answered_at >= since,
                nps_responses.c.answered_at < until,
            )
        ).scalars()
    )
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    passives = len(scores) - promoters - detractors
    score = round((promoters - detractors) * 100 / len(scores), 1) if scores else None
    return NpsSummary(len(scores), promoters, passives, detractors, score)
