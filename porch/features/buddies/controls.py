"""What buddies answer at once: the check-in's buttons (each of the pair answers for
themselves), opting in or out (App Home's button and `/porch buddy on|off`), and App Home's
section."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select, update

from porch.core.app_home import AppHome
from porch.core.domain_events import USER_ID
from porch.core.feature import PersonalData
from porch.core.interactions import (
    ActionRequest,
    CommandRequest,
    Interaction,
    MalformedPayload,
    Private,
    Reply,
    Verb,
)
from porch.core.store.upsert import insert_ignore
from porch.core.templating import Templates, mention
from porch.features.buddies.ids import Action
from porch.features.buddies.pairing import show_buddy
from porch.features.buddies.tables import buddy_pairings, buddy_volunteers

ANSWERED = "buddies/answered.j2"
CHOSEN = "buddies/chosen.j2"
HOME = "buddies/_home.j2"

PERSONAL_DATA = (
    PersonalData(
        table="buddy_volunteers",
        label="Your choice about being a buddy",
        user_columns=("user_id",),
        purpose="Whether you offered to be a newcomer's buddy, to pair newcomers with people "
        "who want to help; kept until you change it, erased on request.",
    ),
    PersonalData(
        table="buddy_pairings",
        label="Your buddy pairings",
        user_columns=("newcomer_id", "buddy_id"),
        purpose="Who was paired with whom as buddies, the interests you share and whether "
        "you met, to introduce you once and ask once how it went; listed for both of you. "
        "Erased on request: a newcomer's pairing goes; a buddy's name is cleared from it and "
        "from the newcomer's tracker row, which stays the newcomer's.",
        shared=True,
    ),
)


@dataclass(frozen=True, kw_only=True)
class BuddyControls:
    templates: Templates
    app_home: AppHome
    max_at_once: int

    def interactions(self) -> list[Interaction]:
        return [
            Interaction("action", Action.BUDDY_MET, self.met),
            Interaction("action", Action.BUDDY_NOT_YET, self.met),
            Interaction("action", Action.BUDDY_OPT_IN, self.opt),
            Interaction("action", Action.BUDDY_OPT_OUT, self.opt),
        ]

    def verbs(self) -> list[Verb]:
        return [Verb("buddy", self.command, summary="buddy on|off: offer to be a newcomer's buddy")]

    # ---- the check-in ----------------------------------------------------------------------

    def met(self, request: ActionRequest) -> Reply:
        """ "We met" / "Not yet": recorded for whoever of the pair clicked (last answer wins).
        The button names the newcomer; someone else's click is refused."""
        newcomer_id = request.value_matching(USER_ID)
        answer = "met" if request.action.get("action_id") == Action.BUDDY_MET else "not yet"

        def record(conn: Connection, now: dt.datetime) -> bool:
            row = conn.execute(
                select(buddy_pairings).where(
                    buddy_pairings.c.team_id == request.team_id,
                    buddy_pairings.c.newcomer_id == newcomer_id,
                )
            ).first()
            if row is None or request.user_id not in (row.newcomer_id, row.buddy_id):
                return False
            column = "met_newcomer" if request.user_id == row.newcomer_id else "met_buddy"
            conn.execute(
                update(buddy_pairings)
                .where(
                    buddy_pairings.c.team_id == request.team_id,
                    buddy_pairings.c.newcomer_id == newcomer_id,
                )
                .values({column: answer})
            )
            show_buddy(conn, team_id=request.team_id, newcomer_id=newcomer_id, now=now)
            return True

        if not request.transaction(record):
            raise MalformedPayload("the check-in names no pairing of the sender's")
        return Private(self.templates.render(ANSWERED, met=answer == "met"))

    # ---- opting in and out -----------------------------------------------------------------

    def opt(self, request: ActionRequest) -> Reply:
        available = request.action.get("action_id") == Action.BUDDY_OPT_IN
        self._choose(request.team_id, request.user_id, available, request)
        return None

    def command(self, request: CommandRequest) -> Reply:
        word = request.args.strip().lower()
        if not re.fullmatch(r"on|off", word):
            return Private(self.templates.render(CHOSEN, available=None, most=self.max_at_once))
        self._choose(request.team_id, request.user_id, word == "on", request)
        return Private(self.templates.render(CHOSEN, available=word == "on", most=self.max_at_once))

    def _choose(self, team_id: str, user_id: str, available: bool, request: Any) -> None:
        def record(conn: Connection, now: dt.datetime) -> None:
            if not insert_ignore(
                conn,
                buddy_volunteers,
                team_id=team_id,
                user_id=user_id,
                available=available,
                changed_at=now,
            ):
                conn.execute(
                    update(buddy_volunteers)
                    .where(
                        buddy_volunteers.c.team_id == team_id,
                        buddy_volunteers.c.user_id == user_id,
                    )
                    .values(available=available, changed_at=now)
                )
            self.app_home.publish(conn, team_id=team_id, user_id=user_id, now=now)

        request.transaction(record)

    # ---- App Home --------------------------------------------------------------------------

    def home_section(self, conn: Connection, team_id: str, user_id: str) -> Mapping[str, Any]:
        available = conn.execute(
            select(buddy_volunteers.c.available).where(
                buddy_volunteers.c.team_id == team_id, buddy_volunteers.c.user_id == user_id
            )
        ).scalar()
        buddy = conn.execute(
            select(buddy_pairings.c.buddy_id).where(
                buddy_pairings.c.team_id == team_id,
                buddy_pairings.c.newcomer_id == user_id,
                buddy_pairings.c.buddy_id.is_not(None),
            )
        ).scalar()
        return {
            "template": HOME,
            "buddies": {
                "available": bool(available),
                "buddy": mention(buddy) if buddy else None,
            },
        }
