"""The feedback protocol: acknowledge in public, take details private, follow up in public.

Porch's reply in the thread is automatic: an item counts as acknowledged only when a person
acts on it, replying in its thread (someone other than its author: `replied`) or setting
its status. Praise alone (`feedback.praise_tags`) is thanked and closed at once: its reply
thanks the author without promising an answer, and its card has no status menu.

Each step is one keyed effect per item, so tagging an item again, a redelivered event or a
retried delivery never repeats it: `feedback-ack:<item>` (the thread reply),
`feedback-ask:<item>` (the DM asking for details), `feedback-card:<item>` (the managers' card)
and `feedback-follow-up:<item>` (the reply that closes the loop).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection

from porch.core import effect_queue
from porch.core.app_home import AppHome
from porch.core.config import Config
from porch.core.feature import Delivery
from porch.core.message_context import MessageContext
from porch.core.posting import post
from porch.core.templating import Templates
from porch.features.feedback import store as items
from porch.features.feedback.store import Item


class Protocol:
    def __init__(self, *, config: Config, templates: Templates, app_home: AppHome) -> None:
        self.config = config
        self.templates = templates
        self.app_home = app_home

    @property
    def closing_statuses(self) -> list[str]:
        return list(self.config.feedback.closing_statuses)

    def start(self, conn: Connection, *, team_id: str, item_id: str, now: dt.datetime) -> None:
        """An item became feedback: acknowledge it, ask for details, show it to managers."""
        item = items.get(conn, team_id=team_id, item_id=item_id)
        if item is None:
            return
        context = {"item": item.template_context(), "response_hours": self.response_hours}
        if item.is_message:
            post(
                conn,
                config=self.config,
                templates=self.templates,
                team_id=team_id,
                key=f"feedback-ack:{item_id}",
                template="feedback/ack.j2",
                to={"channel": item.channel_id or "", "thread_ts": item.message_ts or ""},
                now=now,
                **context,
            )
        # Praise needs no details: asking what went wrong would be odd.
        if self.config.feedback.ask_for_details and item.author_id and item.status != items.THANKED:
            post(
                conn,
                config=self.config,
                templates=self.templates,
                team_id=team_id,
                key=f"feedback-ask:{item_id}",
                template="feedback/ask.j2",
                to={"channel": item.author_id},
                now=now,
                **context,
            )
        if post(
            conn,
            config=self.config,
            templates=self.templates,
            team_id=team_id,
            key=f"feedback-card:{item_id}",
            template="feedback/card.j2",
            to={"channel_name": self.config.channels.moderators},
            now=now,
            **self.card_context(conn, team_id=team_id, item=item),
        ):
            self.refresh_managers(conn, team_id=team_id, now=now)

    @property
    def response_hours(self) -> int:
        return self.config.feedback.response_hours

    def card_context(self, conn: Connection, *, team_id: str, item: Item) -> dict[str, Any]:
        return {
            "item": item.template_context(),
            # Praise alone has nothing to triage: its card has no status menu.
            "statuses": []
            if item.status == items.THANKED
            else [
                (status.capitalize(), f"{status} {item.item_id}")
                for status in self.closing_statuses
            ],
            "current": f"{item.status} {item.item_id}",
            "permalink": items.permalink(
                conn, team_id=team_id, channel_id=item.channel_id, ts=item.message_ts
            )
            if item.is_message and item.channel_id and item.message_ts
            else "",
        }

    def on_acknowledged(self, delivery: Delivery) -> None:
        """Porch's own reply is in the thread. It is automatic, so it acknowledges nothing:
        only a person does (a reply in the thread, a status). Kept for replies recorded before
        that, whose delivery still names this step."""

    def replied(
        self, conn: Connection, *, team_id: str, item_id: str, user_id: str, now: dt.datetime
    ) -> None:
        """A reply in the item's thread: the first by someone other than its author is when a
        person acknowledged it. Replies reach here as MessagePosted, never a bot's, so Porch's
        own reply in the thread is not one."""
        item = items.get(conn, team_id=team_id, item_id=item_id)
        if (
            item is None
            or item.acknowledged_at is not None
            or item.status == items.IGNORED
            or user_id == item.author_id
        ):
            return
        items.change(conn, team_id=team_id, item_id=item_id, now=now, acknowledged_at=now)
        items.queue_row(conn, team_id=team_id, item_id=item_id, now=now)
        self.refresh_managers(conn, team_id=team_id, now=now)

    # ---- triage ----------------------------------------------------------------------------

    def set_status(
        self,
        conn: Connection,
        *,
        team_id: str,
        item_id: str,
        status: str,
        manager_id: str,
        now: dt.datetime,
    ) -> bool:
        """A manager sets a status; a closing one posts the follow-up once. False when the
        item or the status is unknown."""
        item = items.get(conn, team_id=team_id, item_id=item_id)
        if item is None or status not in self.closing_statuses:
            return False
        if item.status == status:
            return True
        # A status set by a manager is a person acting on it, like a reply in its thread.
        items.change(
            conn,
            team_id=team_id,
            item_id=item_id,
            now=now,
            status=status,
            closed_at=item.closed_at or now,
            acknowledged_at=item.acknowledged_at or now,
        )
        item = items.get(conn, team_id=team_id, item_id=item_id)
        assert item is not None
        self._update_card(conn, team_id=team_id, item=item, now=now, manager_id=manager_id)
        if item.author_id:
            to = (
                {"channel": item.channel_id or "", "thread_ts": item.message_ts or ""}
                if item.is_message
                else {"channel": item.author_id}
            )
            post(
                conn,
                config=self.config,
                templates=self.templates,
                team_id=team_id,
                key=f"feedback-follow-up:{item_id}",
                template="feedback/follow_up.j2",
                to=to,
                now=now,
                item=item.template_context(),
                manager_id=manager_id,
            )
        items.queue_row(conn, team_id=team_id, item_id=item_id, now=now)
        self.refresh_managers(conn, team_id=team_id, now=now)
        return True

    def refresh_card(
        self, conn: Connection, *, team_id: str, item_id: str, now: dt.datetime
    ) -> None:
        """The item's tags, summary or area changed: show it on its card, if it has one."""
        item = items.get(conn, team_id=team_id, item_id=item_id)
        if item is None or not effect_queue.exists(
            conn, team_id=team_id, key=f"feedback-card:{item_id}"
        ):
            return
        self._update_card(conn, team_id=team_id, item=item, now=now)

    def _update_card(
        self,
        conn: Connection,
        *,
        team_id: str,
        item: Item,
        now: dt.datetime,
        manager_id: str | None = None,
    ) -> None:
        extra = {"manager_id": manager_id} if manager_id else {}
        card = self.templates.render(
            "feedback/card.j2",
            **self.card_context(conn, team_id=team_id, item=item),
            **extra,
            **MessageContext.load(conn, config=self.config, team_id=team_id).for_member(None),
        )
        # One update per change, recorded in the change's transaction: a unique key, since
        # two changes may share a timestamp.
        effect_queue.record(
            conn,
            team_id=team_id,
            key=f"feedback-card:{item.item_id}:update:{uuid.uuid4().hex[:16]}",
            kind="update",
            payload={"of": f"feedback-card:{item.item_id}", **card.payload()},
            now=now,
        )

    # ---- App Home --------------------------------------------------------------------------

    def home_section(
        self, conn: Connection, team_id: str, user_id: str
    ) -> Mapping[str, Any] | None:
        """Managers see open items, oldest first. Only `managers.users` are recognised here:
        whether someone is in the managers user group needs a Web API call, which rendering
        App Home does not make."""
        if user_id not in self.config.managers.users:
            return None
        waiting = items.open_items(conn, team_id=team_id)
        due = dt.timedelta(hours=self.response_hours)
        return {
            "template": "feedback/_home.j2",
            "feedback_items": [
                {
                    **item.template_context(),
                    "due_epoch": int((item.created_at + due).timestamp()),
                    "acknowledged": item.acknowledged_at is not None,
                }
                for item in waiting
            ],
            "response_hours": self.response_hours,
        }

    def refresh_managers(self, conn: Connection, *, team_id: str, now: dt.datetime) -> None:
        for manager in self.config.managers.users:
            self.app_home.publish(conn, team_id=team_id, user_id=manager, now=now)
