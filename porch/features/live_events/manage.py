"""`/porch event` (the managers'): create a one-off event in a modal, `edit ID`, `cancel ID`,
`list`. Bad input is answered under the modal's input (a time that has passed, a channel Porch
does not know, a time that does not exist); a change or a cancellation updates the card and
tells those going, once per change."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, update

from porch.core import channel_directory
from porch.core.interactions import (
    CommandRequest,
    Errors,
    Interaction,
    Modal,
    Private,
    Verb,
    ViewSubmission,
    text_at,
)
from porch.core.posting import post
from porch.features.live_events import store
from porch.features.live_events.cards import Announcements
from porch.features.live_events.config import _where
from porch.features.live_events.ids import Input, View
from porch.features.live_events.store import CANCELLED, EVENT_ID, GOING, SCHEDULED, Event
from porch.features.live_events.tables import live_events as events

FORM = "live_events/form.j2"
COMMAND = "live_events/command.j2"
CHANGED = "live_events/changed.j2"
LENGTHS = (15, 30, 45, 60, 90, 120, 180, 240)
WHEN = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})[ T]+(\d{1,2}):(\d{2})")


@dataclass(frozen=True, kw_only=True)
class Manage:
    cards: Announcements

    @property
    def config(self) -> Any:
        return self.cards.config

    @property
    def tz(self) -> Any:
        return self.config.community.tz

    def verbs(self) -> tuple[Verb, ...]:
        return (
            Verb(
                "event",
                self.command,
                managers_only=True,
                summary=(
                    "`/porch event`: announce a live event; `/porch event list`, "
                    "`edit ID`, `cancel ID`."
                ),
            ),
        )

    def interactions(self) -> tuple[Interaction, ...]:
        return (Interaction("view", View.EVENT_FORM, self.save, managers_only=True),)

    # ---- the command -----------------------------------------------------------------------

    def command(self, request: CommandRequest) -> Private | Modal:
        words = request.args.split()
        verb = words[0].lower() if words else ""
        if verb == "" or verb == "new":
            return self.form(None)
        if verb == "list":
            upcoming = request.transaction(
                lambda conn, now: self.upcoming(conn, team_id=request.team_id, now=now)
            )
            return self._reply(action="list", upcoming=upcoming)
        if verb in ("edit", "cancel") and len(words) == 2 and EVENT_ID.fullmatch(words[1]):
            found = request.read(
                lambda conn: store.get(conn, team_id=request.team_id, event_id=words[1])
            )
            if found is None:
                return self._reply(action="unknown", event_id=words[1])
            if verb == "edit":
                if found.state != SCHEDULED:
                    return self._reply(action="cancelled", event=found)
                return self.form(found)
            cancelled = request.transaction(
                lambda conn, now: self.cancel(conn, event=found, now=now)
            )
            return self._reply(action="cancel", event=found, done=cancelled)
        return self._reply(action="usage", given=request.args)

    def _reply(self, **context: Any) -> Private:
        return Private(self.cards.templates.render(COMMAND, timezone=self.tz.key, **context))

    def upcoming(self, conn: Connection, *, team_id: str, now: dt.datetime) -> list[dict[str, Any]]:
        found = store.between(conn, team_id=team_id, since=now, until=now + dt.timedelta(days=60))
        return [
            {"event": e, "when": store.local_label(e.starts_at, self.tz)}
            for e in found
            if e.state == SCHEDULED
        ]

    def form(self, event: Event | None) -> Modal:
        local = event.starts_at.astimezone(self.tz) if event else None
        message = self.cards.templates.render(
            FORM,
            event=event,
            when=f"{local:%Y-%m-%d %H:%M}" if local else "",
            timezone=self.tz.key,
            lengths=[(f"{n} minutes" if n < 60 else f"{n / 60:g} h", str(n)) for n in LENGTHS],
            length=str(event.length_minutes if event else 60),
        )
        blocks = [dict(b) for b in message.blocks]
        for block in blocks:
            if block.get("block_id") == Input.EVENT_DESCRIPTION:
                block["optional"] = True
        view = {
            "type": "modal",
            "title": {"type": "plain_text", "text": "Edit the event" if event else "New event"},
            "submit": {"type": "plain_text", "text": "Save" if event else "Announce"},
            "close": {"type": "plain_text", "text": "Cancel"},
            "blocks": blocks,
        }
        metadata = {"event_id": event.event_id if event else ""}
        return Modal(view=view, callback_id=View.EVENT_FORM, private_metadata=metadata)

    # ---- the modal -------------------------------------------------------------------------

    def save(self, request: ViewSubmission) -> Errors | None:
        event_id = text_at(request.metadata(), "event_id")
        if event_id and not EVENT_ID.fullmatch(event_id):
            event_id = ""
        fields = {
            "title": request.text(Input.EVENT_TITLE).strip(),
            "when": request.text(Input.EVENT_WHEN).strip(),
            "length": request.selected(Input.EVENT_LENGTH),
            "place": request.text(Input.EVENT_WHERE).strip(),
            "description": request.text(Input.EVENT_DESCRIPTION).strip(),
        }
        errors = request.transaction(
            lambda conn, now: self.submit(
                conn,
                team_id=request.team_id,
                manager_id=request.user_id,
                event_id=event_id,
                fields=fields,
                now=now,
            )
        )
        return Errors(errors) if errors else None

    def check(
        self, conn: Connection, *, team_id: str, fields: dict[str, str], now: dt.datetime
    ) -> tuple[dict[str, str], dict[str, Any]]:
        """(errors by input, the values) for the form's fields."""
        errors: dict[str, str] = {}
        if not fields["title"]:
            errors[Input.EVENT_TITLE] = "Give the event a title."
        starts = None
        found = WHEN.fullmatch(fields["when"])
        example = f"Write the date and time as 2026-12-10 16:00 ({self.tz.key} time)."
        if not found:
            errors[Input.EVENT_WHEN] = example
        else:
            try:
                local = dt.datetime(*(int(part) for part in found.groups()), tzinfo=self.tz)
            except ValueError:
                errors[Input.EVENT_WHEN] = f"There is no such date or time. {example}"
            else:
                starts = local.astimezone(dt.UTC)
                if starts.astimezone(self.tz).replace(tzinfo=None) != local.replace(tzinfo=None):
                    errors[Input.EVENT_WHEN] = (
                        f"{local:%H:%M} does not exist on {local:%d %B} in {self.tz.key}: the "
                        "clocks change that night. Pick another time."
                    )
                elif starts <= now:
                    errors[Input.EVENT_WHEN] = (
                        f"That time has passed: it is {store.local_label(now, self.tz)} now."
                    )
        if not fields["length"].isdigit() or int(fields["length"]) not in LENGTHS:
            errors[Input.EVENT_LENGTH] = "Pick how long it lasts."
        place = ""
        try:
            place = _where(fields["place"])
        except ValueError:
            errors[Input.EVENT_WHERE] = "Name a channel (#office-hours) or paste a https:// link."
        else:
            if not place.startswith(("https://", "http://")) and not channel_directory.id_of(
                conn, team_id=team_id, name=place
            ):
                errors[Input.EVENT_WHERE] = (
                    f"Porch does not know #{place}: check the name, or invite Porch to it."
                )
        values = {
            "title": fields["title"][:200],
            "description": fields["description"][:2000],
            "place": place,
            "starts_at": starts,
            "length_minutes": int(fields["length"]) if not errors.get(Input.EVENT_LENGTH) else 0,
        }
        return errors, values

    def submit(
        self,
        conn: Connection,
        *,
        team_id: str,
        manager_id: str,
        event_id: str,
        fields: dict[str, str],
        now: dt.datetime,
    ) -> dict[str, str]:
        errors, values = self.check(conn, team_id=team_id, fields=fields, now=now)
        if errors:
            return errors
        if not event_id:
            event_id = f"one-{uuid.uuid4().hex[:8]}"
            conn.execute(
                events.insert().values(
                    team_id=team_id,
                    event_id=event_id,
                    state=SCHEDULED,
                    version=1,
                    created_by=manager_id,
                    created_at=now,
                    announce_at=now,
                    **values,
                )
            )
            event = store.get(conn, team_id=team_id, event_id=event_id)
            assert event is not None
            self.cards.announce(conn, event, now=now)
            return {}
        before = store.get(conn, team_id=team_id, event_id=event_id)
        if before is None or before.state != SCHEDULED:
            return {
                Input.EVENT_TITLE: "This event was cancelled or no longer exists: create a new one."
            }
        if now >= before.starts_at:
            return {Input.EVENT_WHEN: "This event has started; it can no longer be changed."}
        changes = [k for k, v in values.items() if getattr(before, k) != v]
        if not changes:
            return {}
        conn.execute(
            update(events)
            .where(events.c.team_id == team_id, events.c.event_id == event_id)
            .values(version=events.c.version + 1, **values)
        )
        event = store.get(conn, team_id=team_id, event_id=event_id)
        assert event is not None
        self.tell_going(conn, event=event, why=f"v{event.version}", changes=changes, now=now)
        return {}

    # ---- changes ---------------------------------------------------------------------------

    def cancel(self, conn: Connection, *, event: Event, now: dt.datetime) -> bool:
        cancelled = conn.execute(
            update(events)
            .where(events.c.team_id == event.team_id, events.c.event_id == event.event_id)
            .where(events.c.state == SCHEDULED)
            .values(state=CANCELLED, version=events.c.version + 1)
        ).rowcount
        if not cancelled:
            return False
        now_event = store.get(conn, team_id=event.team_id, event_id=event.event_id)
        assert now_event is not None
        self.tell_going(conn, event=now_event, why="cancelled", changes=["cancelled"], now=now)
        return True

    def tell_going(
        self, conn: Connection, *, event: Event, why: str, changes: list[str], now: dt.datetime
    ) -> None:
        """The card shows the change; everyone going hears of it once (keyed by change)."""
        self.cards.replace(conn, event, now=now, why=why)
        for rsvp in store.answered(
            conn, team_id=event.team_id, event_id=event.event_id, answer=GOING
        ):
            post(
                conn,
                config=self.config,
                templates=self.cards.templates,
                team_id=event.team_id,
                key=f"event-changed:{event.event_id}:{why}:{rsvp.user_id}",
                template=CHANGED,
                to={"channel": rsvp.user_id},
                now=now,
                changes=changes,
                **store.context(conn, event, tz=self.tz),
            )
