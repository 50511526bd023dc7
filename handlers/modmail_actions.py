"""The replies inbox's Close button, on a conversation's card in the managers' channel."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from handlers.access import is_manager
from handlers.payloads import TRIGGER_ID, MalformedPayload, text_at
from handlers.services import Services as Porch
from porch.core import effect_queue
from porch.core.domain_events import CHANNEL_ID, TEAM_ID, USER_ID
from porch.core.slack_ids import Action

CONVERSATION_ID = re.compile(r"[0-9]{1,12}")


def register(app: App, *, porch: Porch) -> None:
    modmail = porch.features.modmail

    @app.action(Action.INBOX_CLOSE)
    def close(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        team_id = text_at(body, "team", "id", pattern=TEAM_ID)
        user_id = text_at(body, "user", "id", pattern=USER_ID)
        conversation_id = int(text_at(action, "value", pattern=CONVERSATION_ID))
        with porch.engine.connect() as conn:
            if not modmail.exists(conn, team_id=team_id, conversation_id=conversation_id):
                raise MalformedPayload("value names no conversation Porch knows")
        ack()
        if not is_manager(client=client, config=porch.config, user_id=user_id):
            refuse(body, team_id=team_id, user_id=user_id)
            return
        porch.transaction(
            lambda conn, now: modmail.close(
                conn, team_id=team_id, conversation_id=conversation_id, by=user_id, now=now
            )
        )

    def refuse(body: dict[str, Any], *, team_id: str, user_id: str) -> None:
        """Tell someone who is not a manager, only them, why nothing happened: an ephemeral
        message the worker delivers, once per click (keyed by the click's trigger)."""
        channel_id = text_at(body, "channel", "id", pattern=CHANNEL_ID, optional=True)
        if not channel_id:
            return
        trigger = text_at(body, "trigger_id", pattern=TRIGGER_ID)
        message = porch.templates.render("inbox_close_denied.j2")
        porch.transaction(
            lambda conn, now: effect_queue.record(
                conn,
                team_id=team_id,
                key=f"inbox-close-denied:{user_id}:{trigger}",
                kind="ephemeral",
                payload={"channel": channel_id, "user": user_id, **message.payload()},
                now=now,
            )
        )
