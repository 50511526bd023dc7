"""Going / Maybe / Can't on the card, Check in in the event's thread, and the managers'
"Count Going as attended". Each records its answer and the card's coalesced update in one
transaction; the member hears back privately."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, update

from porch.core.interactions import ActionRequest, Interaction, MalformedPayload, Private
from porch.core.store.upsert import insert_ignore
from porch.core.templating import Templates, mention
from porch.features.live_events import store
from porch.features.live_events.cards import Announcements
from porch.features.live_events.ids import Action
from porch.features.live_events.recaps import Recaps
from porch.features.live_events.store import CANT, EVENT_ID, GOING, MAYBE, SCHEDULED
from porch.features.live_events.tables import event_rsvps

ANSWERED = "live_events/answered.j2"
CHECKED_IN = "live_events/checked_in.j2"
CONFIRMED = "live_events/confirmed.j2"
BUTTONS = {Action.EVENT_GOING: GOING, Action.EVENT_MAYBE: MAYBE, Action.EVENT_CANT: CANT}


@dataclass(frozen=True, kw_only=True)
class Rsvp:
    cards: Announcements
    recaps: Recaps

    @property
    def templates(self) -> Templates:
        return self.cards.templates

    def interactions(self) -> tuple[Interaction, ...]:
        answers = tuple(Interaction("action", action, self.answer) for action in BUTTONS)
        return (
            *answers,
            Interaction("action", Action.EVENT_CHECK_IN, self.check_in),
            Interaction("action", Action.EVENT_CONFIRM, self.confirm, managers_only=True),
        )

    def answer(self, request: ActionRequest) -> Private:
        event_id = request.value_matching(EVENT_ID)
        action_id = str(request.action.get("action_id", ""))
        answer = BUTTONS.get(action_id)  # type: ignore[call-overload]
        if answer is None:
            raise MalformedPayload("not an RSVP button")
        state = request.transaction(
            lambda conn, now: self.record(
                conn,
                team_id=request.team_id,
                event_id=event_id,
                user_id=request.user_id,
                answer=answer,
                now=now,
            )
        )
        return Private(self.templates.render(ANSWERED, answer=answer, state=state))

    def record(
        self,
        conn: Connection,
        *,
        team_id: str,
        event_id: str,
        user_id: str,
        answer: str,
        now: dt.datetime,
    ) -> str:
        """ "ok", "same" (the answer they gave already), "over" or "cancelled"."""
        event = store.get(conn, team_id=team_id, event_id=event_id)
        if event is None:
            raise MalformedPayload(f"no event {event_id}")
        if event.state != SCHEDULED:
            return "cancelled"
        if now >= event.ends_at:
            return "over"
        values = {"answer": answer, "answered_at": now}
        if not insert_ignore(
            conn, event_rsvps, team_id=team_id, event_id=event_id, user_id=user_id, **values
        ):
            changed = conn.execute(
                update(event_rsvps)
                .where(event_rsvps.c.team_id == team_id, event_rsvps.c.event_id == event_id)
                .where(event_rsvps.c.user_id == user_id, event_rsvps.c.answer != answer)
                .values(**values)
            ).rowcount
            if not changed:
                return "same"
        self.cards.refresh(conn, event, now=now)
        return "ok"

    def check_in(self, request: ActionRequest) -> Private:
        event_id = request.value_matching(EVENT_ID)
        result = request.transaction(
            lambda conn, now: self.recaps.check_in(
                conn, team_id=request.team_id, event_id=event_id, user_id=request.user_id, now=now
            )
        )
        return Private(self.templates.render(CHECKED_IN, result=result))

    def confirm(self, request: ActionRequest) -> Private:
        event_id = request.value_matching(EVENT_ID)
        added = request.transaction(
            lambda conn, now: self.recaps.confirm_going(
                conn,
                team_id=request.team_id,
                event_id=event_id,
                manager_id=request.user_id,
                now=now,
            )
        )
        message = self.templates.render(CONFIRMED, added=added, manager=mention(request.user_id))
        return Private(message, replace_original=True)
