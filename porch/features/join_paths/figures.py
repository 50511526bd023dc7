"""Participation by path: of the members each path holds, how many took part in a period (a
post, reply or reaction recorded in the activity log). A report asks for it by name
(Feature.period_figures["participation_by_path"]); members who answered no questions form the
"(no path)" group.

Retention by path: of the path's members who joined in the period of the same length just before
(members imported at install have no known join time and are left out), how many took part in
this period."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, select

from porch.core.store.schema import activity, members
from porch.features.join_paths.config import JoinPathsConfig
from porch.features.join_paths.tables import join_answers

NO_PATH = "(no path)"
# members.joined_via of the members `porch members import` recorded (their join time is unknown).
IMPORTED = "import"


@dataclass(frozen=True)
class PathParticipation:
    path: str
    members: int
    active: int
    # Members of the path who joined in the period just before, and how many of them took part.
    joined_before: int = 0
    retained: int = 0

    @property
    def share_pct(self) -> float | None:
        return round(100 * self.active / self.members, 1) if self.members else None

    @property
    def retention_pct(self) -> float | None:
        return round(100 * self.retained / self.joined_before, 1) if self.joined_before else None


def participation_by_path(
    conn: Connection,
    *,
    section: JoinPathsConfig,
    team_id: str,
    since: dt.datetime,
    until: dt.datetime,
) -> list[PathParticipation]:
    """One line per path (in the config's order, as it is now), then "(no path)"."""
    joined = {
        row.user_id: None if row.joined_via == IMPORTED else row.joined_at
        for row in conn.execute(
            select(members.c.user_id, members.c.joined_at, members.c.joined_via).where(
                members.c.team_id == team_id,
                members.c.is_deleted.is_(False),
                members.c.joined_at < until,
            )
        )
    }
    present = set(joined)
    before = since - (until - since)
    newcomers = {user for user, at in joined.items() if at is not None and before <= at < since}
    active = set(
        conn.execute(
            select(activity.c.user_id)
            .where(activity.c.team_id == team_id, activity.c.at >= since, activity.c.at < until)
            .distinct()
        ).scalars()
    )
    answers = {
        row.user_id: row.answers
        for row in conn.execute(
            select(join_answers.c.user_id, join_answers.c.answers).where(
                join_answers.c.team_id == team_id, join_answers.c.answered_at.is_not(None)
            )
        )
        if row.user_id in present
    }
    on_path: dict[str, set[str]] = {path.id: set() for path in section.paths}
    pathless = set(present)
    for user_id, given in answers.items():
        for path in section.paths_for(given):
            on_path[path.id].add(user_id)
            pathless.discard(user_id)
    groups = [*on_path.items(), (NO_PATH, pathless)]
    return [
        PathParticipation(
            path=name,
            members=len(users),
            active=len(users & active),
            joined_before=len(users & newcomers),
            retained=len(users & newcomers & active),
        )
        for name, users in groups
    ]
