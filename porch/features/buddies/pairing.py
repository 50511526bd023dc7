"""Buddies: a newcomer paired with a buddy (a member who opted in, or one another feature
offers through Feature.buddy_candidates, such as ambassadors), chosen for shared interests
(Feature.member_interests: the join questions' paths) and load; one group DM introduces them
with a starter question, and a check-in a week later asks both whether they met.

The job pairs in one transaction per newcomer: the pairing row (one per newcomer, by its key)
and the introduction (an effect keyed by the newcomer) are recorded together, so a crash, a
second replica or a retry makes one pairing and one group DM.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, func, select, update

from porch.core import member_records
from porch.core.config import Config
from porch.core.posting import post
from porch.core.store.schema import members
from porch.core.store.upsert import insert_ignore
from porch.core.templating import Templates, mention
from porch.features.buddies.config import BuddiesConfig
from porch.features.buddies.matching import check_in_due, choose, starter
from porch.features.buddies.tables import buddy_pairings, buddy_volunteers

Candidates = Callable[[Connection, str], Collection[str]]
Interests = Callable[[Connection, str, Collection[str]], Mapping[str, Sequence[str]]]
INTRO = "buddies/intro.j2"
CHECK_IN = "buddies/check_in.j2"
NEWCOMER_WAYS = ("team_join", "home_channel", "reconcile")


@dataclass(frozen=True, kw_only=True)
class Pairing:
    config: Config
    templates: Templates
    offered: Sequence[Candidates] = ()
    interests: Interests | None = None

    @property
    def section(self) -> BuddiesConfig:
        return self.config.buddies  # type: ignore[attr-defined, no-any-return]

    def tick(self, engine: Engine, team_id: str, now: dt.datetime) -> dict[str, int]:
        with engine.connect() as conn:
            waiting = self.waiting(conn, team_id=team_id, now=now)
        paired = 0
        for newcomer_id in waiting:
            with engine.begin() as conn:
                paired += self.pair(conn, team_id=team_id, newcomer_id=newcomer_id, now=now)
        with engine.begin() as conn:
            checked = self.check_in(conn, team_id=team_id, now=now)
        return {"paired": paired, "buddy_check_ins": checked}

    def waiting(self, conn: Connection, *, team_id: str, now: dt.datetime) -> list[str]:
        """Newcomers due a buddy: joined inside the window, long enough ago, not yet paired."""
        section = self.section
        paired = select(buddy_pairings.c.newcomer_id).where(buddy_pairings.c.team_id == team_id)
        rows = conn.execute(
            select(members.c.user_id)
            .where(
                members.c.team_id == team_id,
                members.c.is_deleted.is_(False),
                members.c.joined_via.in_(NEWCOMER_WAYS),
                members.c.joined_at <= now - dt.timedelta(hours=section.pair_after_hours),
                members.c.joined_at > now - dt.timedelta(days=section.pair_within_days),
                members.c.user_id.not_in(paired),
            )
            .order_by(members.c.joined_at, members.c.user_id)
        ).all()
        return [row.user_id for row in rows]

    def candidates(self, conn: Connection, *, team_id: str) -> set[str]:
        """Members who opted in, and those other features offer, less those who said no and
        those Porch does not know as present members."""
        choices = dict(
            conn.execute(
                select(buddy_volunteers.c.user_id, buddy_volunteers.c.available).where(
                    buddy_volunteers.c.team_id == team_id
                )
            ).all()
        )
        found = {user for user, available in choices.items() if available}
        for offered in self.offered:
            found |= {user for user in offered(conn, team_id) if choices.get(user) is not False}
        if not found:
            return set()
        present = conn.execute(
            select(members.c.user_id).where(
                members.c.team_id == team_id,
                members.c.user_id.in_(sorted(found)),
                members.c.is_deleted.is_(False),
            )
        ).scalars()
        return set(present)

    def loads(self, conn: Connection, *, team_id: str, now: dt.datetime) -> dict[str, int]:
        since = now - dt.timedelta(days=self.section.pairing_days)
        rows = conn.execute(
            select(buddy_pairings.c.buddy_id, func.count())
            .where(
                buddy_pairings.c.team_id == team_id,
                buddy_pairings.c.buddy_id.is_not(None),
                buddy_pairings.c.paired_at > since,
            )
            .group_by(buddy_pairings.c.buddy_id)
        ).all()
        return {buddy: count for buddy, count in rows}

    def pair(self, conn: Connection, *, team_id: str, newcomer_id: str, now: dt.datetime) -> int:
        """Pair one newcomer (1), or not yet: nobody is free (0, tried again next tick)."""
        candidates = self.candidates(conn, team_id=team_id)
        if not candidates:
            return 0
        interests = (
            self.interests(conn, team_id, {newcomer_id, *candidates}) if self.interests else {}
        )
        choice = choose(
            newcomer_id,
            candidates=candidates,
            loads=self.loads(conn, team_id=team_id, now=now),
            max_at_once=self.section.max_at_once,
            interests=interests,
        )
        if choice is None:
            return 0
        due = check_in_due(now, days=self.section.check_in_after_days, tz=self.config.community.tz)
        if not insert_ignore(
            conn,
            buddy_pairings,
            team_id=team_id,
            newcomer_id=newcomer_id,
            buddy_id=choice.buddy_id,
            interests=list(choice.shared),
            paired_at=now,
            check_in_due=due,
            checked_in_at=None,
            met_newcomer=None,
            met_buddy=None,
        ):
            return 0  # another replica paired them first
        show_buddy(conn, team_id=team_id, newcomer_id=newcomer_id, now=now)
        self._post(
            conn,
            team_id=team_id,
            key=f"buddy-intro:{newcomer_id}",
            template=INTRO,
            users=[newcomer_id, choice.buddy_id],
            now=now,
            newcomer=mention(newcomer_id),
            buddy=mention(choice.buddy_id),
            shared=list(choice.shared),
            question=starter(self.section.starter_questions, newcomer_id),
        )
        return 1

    def check_in(self, conn: Connection, *, team_id: str, now: dt.datetime) -> int:
        """A week on, one message in their group DM asks both whether they met."""
        due = conn.execute(
            select(buddy_pairings).where(
                buddy_pairings.c.team_id == team_id,
                buddy_pairings.c.checked_in_at.is_(None),
                buddy_pairings.c.buddy_id.is_not(None),
                buddy_pairings.c.check_in_due <= now,
            )
        ).all()
        people = {row.newcomer_id for row in due} | {row.buddy_id for row in due}
        gone = set(
            conn.execute(
                select(members.c.user_id).where(
                    members.c.team_id == team_id,
                    members.c.user_id.in_(sorted(people)),
                    members.c.is_deleted.is_(True),
                )
            ).scalars()
        )
        for row in due:
            # One of them left: nobody to ask (the pairing is closed without a message).
            if not {row.newcomer_id, row.buddy_id} & gone:
                self._post(
                    conn,
                    team_id=team_id,
                    key=f"buddy-check-in:{row.newcomer_id}",
                    template=CHECK_IN,
                    users=[row.newcomer_id, row.buddy_id],
                    now=now,
                    newcomer=mention(row.newcomer_id),
                    buddy=mention(row.buddy_id),
                    newcomer_id=row.newcomer_id,
                )
            conn.execute(
                update(buddy_pairings)
                .where(
                    buddy_pairings.c.team_id == team_id,
                    buddy_pairings.c.newcomer_id == row.newcomer_id,
                )
                .values(checked_in_at=now)
            )
        return len(due)

    def _post(self, conn: Connection, *, users: list[str], **kwargs: Any) -> None:
        post(
            conn,
            config=self.config,
            templates=self.templates,
            to={"users": users},  # type: ignore[dict-item]
            **kwargs,
        )


def show_buddy(conn: Connection, *, team_id: str, newcomer_id: str, now: dt.datetime) -> None:
    """The newcomer's Buddy cell on the Members worksheet: who, and what each said they did."""
    row = conn.execute(
        select(buddy_pairings).where(
            buddy_pairings.c.team_id == team_id, buddy_pairings.c.newcomer_id == newcomer_id
        )
    ).first()
    if row is None or row.buddy_id is None:
        return
    buddy = member_records.get(conn, team_id=team_id, user_id=row.buddy_id)
    name = (buddy.display_name or buddy.real_name) if buddy is not None else ""
    cell = f"{name} ({row.buddy_id})" if name else row.buddy_id
    answers = [
        f"{who} says {said}"
        for who, said in (("newcomer", row.met_newcomer), ("buddy", row.met_buddy))
        if said
    ]
    if answers:
        cell += ": " + ", ".join(answers)
    member_records.set_cells(
        conn, team_id=team_id, user_id=newcomer_id, cells={"Buddy": cell}, now=now
    )
