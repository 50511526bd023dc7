"""The program itself: a member applies or is invited, accepts or declines; an accepted
member is added to the private ambassadors channel. Every step is a state change and its
effects in one transaction, keyed (the invitation by its number), so a double click, Slack's
second delivery or a crash before the commit leaves exactly one invitation.

Outcomes are short codes; templates/ambassadors/answer.j2 says each in words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select, update

from porch.core import effect_queue, member_records
from porch.core.app_home import AppHome
from porch.core.config import Config
from porch.core.posting import post
from porch.core.store.upsert import insert_ignore
from porch.core.templating import Templates, mention
from porch.features.ambassadors.levels import ContentCounts, Levels, evidence_lines
from porch.features.ambassadors.tables import ambassador_levels, ambassador_members

APPLIED, INVITED, ACCEPTED, DECLINED = "applied", "invited", "accepted", "declined"
INVITATION = "ambassadors/invitation.j2"
CARD = "ambassadors/candidate.j2"
ANSWERED = "ambassadors/answered.j2"


@dataclass(frozen=True, kw_only=True)
class Program:
    config: Config
    templates: Templates
    levels: Levels
    # Set when built by the registry: the member's and the managers' App Home follow changes.
    app_home: AppHome | None = None

    @property
    def section(self) -> Any:
        return self.config.ambassadors

    @property
    def page(self) -> str:
        return self.config.community.site_url.rstrip("/") + "/ambassadors/"

    # ---- reading ---------------------------------------------------------------------------

    def row(self, conn: Connection, *, team_id: str, user_id: str) -> Any:
        return conn.execute(
            select(ambassador_members).where(
                ambassador_members.c.team_id == team_id, ambassador_members.c.user_id == user_id
            )
        ).first()

    def accepted(self, conn: Connection, team_id: str) -> list[str]:
        return list(
            conn.execute(
                select(ambassador_members.c.user_id)
                .where(
                    ambassador_members.c.team_id == team_id,
                    ambassador_members.c.state == ACCEPTED,
                )
                .order_by(ambassador_members.c.user_id)
            ).scalars()
        )

    def candidates(self, conn: Connection, *, team_id: str) -> list[dict[str, Any]]:
        """Members at the threshold, who applied or are invited (not yet in the program, nor
        declined): {user_id, level, evidence, state}, by user ID."""
        top = len(self.section.levels)
        states = {
            row.user_id: row.state
            for row in conn.execute(
                select(ambassador_members.c.user_id, ambassador_members.c.state).where(
                    ambassador_members.c.team_id == team_id
                )
            )
        }
        levels = {
            row.user_id: row
            for row in conn.execute(
                select(ambassador_levels).where(ambassador_levels.c.team_id == team_id)
            )
        }
        wanted = {u for u, row in levels.items() if row.level >= top}
        wanted |= {u for u, state in states.items() if state in (APPLIED, INVITED)}
        found = []
        for user_id in sorted(wanted):
            state = states.get(user_id)
            if state in (ACCEPTED, DECLINED):
                continue
            held = levels.get(user_id)
            found.append(
                {
                    "user_id": user_id,
                    "level": self.levels.level_name(held.level if held else 0),
                    "evidence": dict(held.evidence) if held else {},
                    "state": state or "",
                }
            )
        return found

    # ---- changing --------------------------------------------------------------------------

    def invite(
        self, conn: Connection, *, team_id: str, user_id: str, by: str, now: dt.datetime
    ) -> str:
        """Invite a member: one DM with the program page and Accept / Decline."""
        member = member_records.get(conn, team_id=team_id, user_id=user_id)
        if member is None:
            return "unknown"
        if member.is_deleted:
            return "left"
        row = self.row(conn, team_id=team_id, user_id=user_id)
        if row is not None and row.state == ACCEPTED:
            return "already-ambassador"
        if row is not None and row.state == INVITED:
            return "already-invited"
        if self._full(conn, team_id=team_id):
            return "full"
        number = (row.invitations if row is not None else 0) + 1
        self._set(
            conn,
            team_id=team_id,
            user_id=user_id,
            now=now,
            state=INVITED,
            invitations=number,
            invited_at=now,
            invited_by=by,
        )
        post(
            conn,
            config=self.config,
            templates=self.templates,
            team_id=team_id,
            key=f"ambassador-invitation:{user_id}:{number}",
            template=INVITATION,
            to={"channel": user_id},
            now=now,
            member=member,
            page=self.page,
            program=self.section,
            number=number,
        )
        self.changed(conn, team_id=team_id, user_id=user_id, now=now)
        return "invited"

    def answer(
        self,
        conn: Connection,
        *,
        team_id: str,
        user_id: str,
        number: int,
        accept: bool,
        now: dt.datetime,
    ) -> str:
        """The invited member's Accept or Decline (their latest invitation's buttons only)."""
        row = self.row(conn, team_id=team_id, user_id=user_id)
        if row is None or row.invitations != number:
            return "no-invitation"
        if row.state == ACCEPTED:
            return "accepted"  # a second click: already done
        if row.state == DECLINED:
            return "declined"
        if row.state != INVITED:
            return "no-invitation"
        if accept and self._full(conn, team_id=team_id):
            return "full-now"
        state = ACCEPTED if accept else DECLINED
        self._set(conn, team_id=team_id, user_id=user_id, now=now, state=state, answered_at=now)
        if accept:
            effect_queue.record(
                conn,
                team_id=team_id,
                key=f"ambassador-channel:{user_id}:{number}",
                kind="invite",
                payload={"channel_name": self.config.channels.ambassadors, "users": [user_id]},
                now=now,
            )
        post(
            conn,
            config=self.config,
            templates=self.templates,
            team_id=team_id,
            key=f"ambassador-answered:{user_id}:{number}",
            template=ANSWERED,
            to={"channel_name": self.config.channels.moderators},
            now=now,
            ambassador=mention(user_id),
            accepted=accept,
            count=len(self.accepted(conn, team_id)),
            cap=self.section.max_ambassadors,
        )
        self.changed(conn, team_id=team_id, user_id=user_id, now=now)
        return state

    def apply(self, conn: Connection, *, team_id: str, user_id: str, now: dt.datetime) -> str:
        """A member asks to join: their evidence reaches the managers, once per application."""
        row = self.row(conn, team_id=team_id, user_id=user_id)
        if row is not None and row.state in (ACCEPTED, INVITED, APPLIED):
            return {ACCEPTED: "already-ambassador", INVITED: "already-invited"}.get(
                row.state, "already-applied"
            )
        self._set(conn, team_id=team_id, user_id=user_id, now=now, state=APPLIED, applied_at=now)
        held = conn.execute(
            select(ambassador_levels).where(
                ambassador_levels.c.team_id == team_id, ambassador_levels.c.user_id == user_id
            )
        ).first()
        post(
            conn,
            config=self.config,
            templates=self.templates,
            team_id=team_id,
            key=f"ambassador-applied:{user_id}:{now.isoformat()}",
            template=CARD,
            to={"channel_name": self.config.channels.moderators},
            now=now,
            candidate=mention(user_id),
            user_id=user_id,
            level=self.levels.level_name(held.level if held else 0),
            window_days=self.section.window_days,
            evidence=evidence_lines(held.evidence if held else {}),
            applied=True,
        )
        self.changed(conn, team_id=team_id, user_id=user_id, now=now)
        return "applied"

    def changed(self, conn: Connection, *, team_id: str, user_id: str, now: dt.datetime) -> None:
        """The member's Candidates row again; their App Home and the managers' refreshed (for
        those who have opened it)."""
        self.levels.queue_row(conn, team_id=team_id, user_id=user_id, now=now)
        if self.app_home is not None:
            for user in {user_id, *self.config.managers.users}:
                self.app_home.publish(conn, team_id=team_id, user_id=user, now=now)

    def _full(self, conn: Connection, *, team_id: str) -> bool:
        count = conn.execute(
            select(func.count()).where(
                ambassador_members.c.team_id == team_id, ambassador_members.c.state == ACCEPTED
            )
        ).scalar_one()
        return count >= self.section.max_ambassadors

    def _set(
        self, conn: Connection, *, team_id: str, user_id: str, now: dt.datetime, **values: Any
    ) -> None:
        """Create the member's program row, or change it (one row per member)."""
        new = {"invitations": 0, **values}
        if not insert_ignore(
            conn, ambassador_members, team_id=team_id, user_id=user_id, updated_at=now, **new
        ):
            conn.execute(
                update(ambassador_members)
                .where(
                    ambassador_members.c.team_id == team_id,
                    ambassador_members.c.user_id == user_id,
                )
                .values(updated_at=now, **values)
            )

    def figures(
        self, conn: Connection, *, team_id: str, since: dt.datetime, until: dt.datetime
    ) -> dict[str, int]:
        """Period figure "ambassadors": invitations sent and accepted in [since, until)."""

        def counted(column: Any, *where: Any) -> int:
            return conn.execute(
                select(func.count()).where(
                    ambassador_members.c.team_id == team_id, column >= since, column < until, *where
                )
            ).scalar_one()

        return {
            "invited": counted(ambassador_members.c.invited_at),
            "accepted": counted(
                ambassador_members.c.answered_at, ambassador_members.c.state == ACCEPTED
            ),
        }


def make_program(
    *,
    config: Config,
    templates: Templates,
    content: ContentCounts | None = None,
    app_home: AppHome | None = None,
) -> Program:
    levels = Levels(config=config, templates=templates, content=content)
    return Program(config=config, templates=templates, levels=levels, app_home=app_home)
