"""Who helped most in a month: four signals counted from the activity table, then weighted.

Counts come only from what participation recorded (who did what where, and when it reached
Porch), so a month is the `at` of each row in the community's timezone. The signals:

- replies_to_others: a reply in a thread that someone else started (or that Porch started, e.g.
  the introductions thread, whose parent is not a member's post);
- reactions_received: a reaction, added that month by someone else, on the member's message;
- wins_shared: a top-level post in the wins channel;
- first_responses: the first reply by someone other than the asker to a question (a top-level
  post participation recorded as a question), when that reply came that month.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from porch.core import activity_signals
from porch.features.spotlight.config import SpotlightWeights

SIGNALS = ("replies_to_others", "reactions_received", "wins_shared", "first_responses")


@dataclass(frozen=True)
class Contributor:
    user_id: str
    score: float
    counts: Mapping[str, int]


def month_bounds(month: str, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of a local calendar month ("2026-11"), in UTC."""
    year, number = (int(part) for part in month.split("-"))
    start = dt.datetime(year, number, 1, tzinfo=tz)
    following = dt.datetime(year + number // 12, number % 12 + 1, 1, tzinfo=tz)
    return start.astimezone(dt.UTC), following.astimezone(dt.UTC)


def previous_month(moment: dt.datetime, tz: ZoneInfo) -> str:
    local = moment.astimezone(tz).date().replace(day=1) - dt.timedelta(days=1)
    return f"{local.year}-{local.month:02d}"


def count_signals(
    conn: Connection, *, team_id: str, start: dt.datetime, end: dt.datetime, wins_channel: str
) -> dict[str, Counter[str]]:
    """user_id -> counts per signal, for activity recorded in [start, end)."""
    counts = activity_signals.count_signals(
        conn, team_id=team_id, start=start, end=end, wins_channel=wins_channel
    )
    for counted in counts.values():
        if "first_answers" in counted:
            counted["first_responses"] = counted.pop("first_answers")
    return counts


def rank(
    counts: Mapping[str, Mapping[str, int]],
    *,
    weights: SpotlightWeights,
    size: int,
    excluded: Collection[str],
) -> list[Contributor]:
    """The `size` best scores above 0; ties go to the member with more signals, then by ID so
    the same data always picks the same members."""
    weight = weights.model_dump()
    scored = [
        Contributor(
            user_id=user_id,
            score=round(sum(weight[s] * signals.get(s, 0) for s in SIGNALS), 2),
            counts={s: int(signals.get(s, 0)) for s in SIGNALS},
        )
        for user_id, signals in counts.items()
        if user_id not in excluded
    ]
    scored = [c for c in scored if c.score > 0]
    scored.sort(key=lambda c: (-c.score, -sum(1 for n in c.counts.values() if n), c.user_id))
    return scored[:size]
