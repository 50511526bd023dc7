"""The weekly scorecard: every week, once, the managers get the week that ended in three
leading indicators, each with its two-week trend, the decision rule's verdict and buttons to
record what they decided (decisions.py).

The weekly figures are the health feature's (the Health worksheet's, one definition each),
read through the period figure it declares ("weekly_health"), so nothing here recomputes them.
The scorecard row is inserted before the post is recorded, in one transaction, under the key of
the week it reports on: a restart, a second replica or a job run twice posts it once.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Connection, Engine, select

from porch.core import first_start
from porch.core.config import Config
from porch.core.local_time import weekly_slot
from porch.core.posting import post
from porch.core.store.upsert import insert_ignore
from porch.core.templating import Templates, mention
from porch.features.sprint.tables import sprint_decisions, sprint_scorecards
from porch.features.sprint.verdict import CHOICE_LABELS, RULE, Indicator, decide

SCORECARD = "sprint/scorecard.j2"
JOB_NAME = "sprint-scorecard"
WEEK = dt.timedelta(days=7)

# (conn, team_id=..., since=..., until=...) -> the weekly figures of each ISO week in the
# period, oldest first, each with `.week` and the figures by name (the health feature's).
WeeklySource = Callable[..., list[Any]]


class Scorecards:
    def __init__(
        self,
        *,
        config: Config,
        templates: Templates,
        weekly: WeeklySource | None,
        hit_rate: Callable[..., dict[str, int]] | None = None,
    ) -> None:
        self.config = config
        self.templates = templates
        self.weekly = weekly
        # (conn, team_id=..., since=..., until=...) -> key posts' {"watched", "in_time"}.
        self.hit_rate = hit_rate
        self.section = config.sprint

    @property
    def keys(self) -> tuple[str, ...]:
        return (*RULE, self.section.third_indicator)

    def due_week(self, now: dt.datetime) -> tuple[str, dt.datetime] | None:
        """The ISO week whose scorecard is due at `now` and its local Monday 00:00, or None
        before this week's slot."""
        tz = self.config.community.tz
        slot = weekly_slot(
            now, tz, weekday=self.section.scorecard_weekday, time=self.section.scorecard_time
        )
        if now < slot:
            return None
        local = slot.astimezone(tz).date()
        monday = local - dt.timedelta(days=local.weekday()) - WEEK
        start = dt.datetime(monday.year, monday.month, monday.day, tzinfo=tz)
        year, number, _ = monday.isocalendar()
        return f"{year}-W{number:02d}", start

    def run(self, engine: Engine, team_id: str, now: dt.datetime) -> dict[str, int]:
        """The job: post the scorecard of the week that ended, once."""
        due = self.due_week(now) if self.section.weekly_scorecard and self.weekly else None
        if due is None:
            return {"scorecards": 0}
        week, start = due
        with engine.begin() as conn:
            posted = self.post_week(conn, team_id=team_id, week=week, start=start, now=now)
        return {"scorecards": int(posted)}

    def measure(self, conn: Connection, *, team_id: str, start: dt.datetime) -> list[Indicator]:
        """The indicators for the week starting at `start` and the two before it."""
        assert self.weekly is not None
        tz = self.config.community.tz
        starts = [_local_add(start, weeks=-back, tz=tz) for back in (2, 1, 0)]
        until = _local_add(start, weeks=1, tz=tz)
        rows = {
            row.week: row
            for row in self.weekly(conn, team_id=team_id, since=starts[0], until=until)
        }
        measured = []
        for begin in starts:
            end = _local_add(begin, weeks=1, tz=tz)
            year, number, _ = begin.date().isocalendar()
            row = rows.get(f"{year}-W{number:02d}")
            seen = first_start.was_running(conn, team_id=team_id, at=end - dt.timedelta(seconds=1))
            measured.append(row if seen else None)
        return [
            Indicator(
                key=key,
                values=tuple(  # type: ignore[arg-type]
                    None if row is None else float(getattr(row, key)) for row in measured
                ),
            )
            for key in self.keys
        ]

    def post_week(
        self, conn: Connection, *, team_id: str, week: str, start: dt.datetime, now: dt.datetime
    ) -> bool:
        end = _local_add(start, weeks=1, tz=self.config.community.tz)
        if not first_start.was_running(conn, team_id=team_id, at=end - dt.timedelta(seconds=1)):
            return False  # a week Porch never watched: nothing to say about it
        if self.scorecard(conn, team_id=team_id, week=week) is not None:
            return False
        indicators = self.measure(conn, team_id=team_id, start=start)
        verdict = decide(indicators)
        inserted = insert_ignore(
            conn,
            sprint_scorecards,
            team_id=team_id,
            week=week,
            indicators=json.dumps([indicator.as_json() for indicator in indicators]),
            verdict=verdict,
            created_at=now,
        )
        if not inserted:
            return False
        return post(
            conn,
            config=self.config,
            templates=self.templates,
            team_id=team_id,
            key=f"sprint-scorecard:{week}",
            template=SCORECARD,
            to={"channel_name": self.config.channels.moderators},
            now=now,
            **self.context(week=week, indicators=indicators, verdict=verdict, decision=None),
            key_posts=self.key_posts(conn, team_id=team_id, start=start),
        )

    def key_posts(
        self, conn: Connection, *, team_id: str, start: dt.datetime
    ) -> dict[str, int] | None:
        """The week's key-post hit rate (None: no comment on a key post was decided)."""
        if self.hit_rate is None:
            return None
        until = _local_add(start, weeks=1, tz=self.config.community.tz)
        found = self.hit_rate(conn, team_id=team_id, since=start, until=until)
        if not found["watched"]:
            return None
        return {**found, "pct": round(100 * found["in_time"] / found["watched"])}

    def scorecard(self, conn: Connection, *, team_id: str, week: str) -> Any:
        return conn.execute(
            select(sprint_scorecards).where(
                sprint_scorecards.c.team_id == team_id, sprint_scorecards.c.week == week
            )
        ).first()

    def latest(self, conn: Connection, *, team_id: str) -> dict[str, Any] | None:
        """The newest scorecard's context, with its decision if one was recorded."""
        row = conn.execute(
            select(sprint_scorecards)
            .where(sprint_scorecards.c.team_id == team_id)
            .order_by(sprint_scorecards.c.week.desc())
            .limit(1)
        ).first()
        if row is None:
            return None
        year, number = row.week.split("-W")
        monday = dt.date.fromisocalendar(int(year), int(number), 1)
        start = dt.datetime(monday.year, monday.month, monday.day, tzinfo=self.config.community.tz)
        return {
            **self.context(
                week=row.week,
                indicators=indicators_of(row),
                verdict=row.verdict,
                decision=decision_of(conn, team_id=team_id, week=row.week),
            ),
            "key_posts": self.key_posts(conn, team_id=team_id, start=start),
        }

    def context(
        self,
        *,
        week: str,
        indicators: list[Indicator],
        verdict: str,
        decision: Mapping[str, Any] | None,
    ) -> dict[str, Any]:
        by_key = {indicator.key: indicator for indicator in indicators}
        return {
            "week": week,
            "indicators": indicators,
            "returning": by_key[RULE[0]],
            "replies": by_key[RULE[1]],
            "verdict": verdict,
            "decision": _shown(decision),
        }


def indicators_of(row: Any) -> list[Indicator]:
    """A stored scorecard's indicators."""
    return [Indicator.from_json(item) for item in json.loads(row.indicators)]


def _shown(decision: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if decision is None:
        return None
    return {
        "manager": mention(decision["decided_by"]),
        "label": CHOICE_LABELS[decision["choice"]],
        "note": decision["note"],
    }


def decision_of(conn: Connection, *, team_id: str, week: str) -> dict[str, Any] | None:
    row = conn.execute(
        select(sprint_decisions).where(
            sprint_decisions.c.team_id == team_id, sprint_decisions.c.week == week
        )
    ).first()
    return dict(row._mapping) if row is not None else None


def _local_add(start: dt.datetime, *, weeks: int, tz: Any) -> dt.datetime:
    """Monday 00:00 `weeks` weeks from `start` on the local calendar (DST-safe)."""
    day = start.astimezone(tz).date() + dt.timedelta(weeks=weeks)
    return dt.datetime(day.year, day.month, day.day, tzinfo=tz)
