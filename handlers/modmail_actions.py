"""The replies inbox's Close button, on a conversation's card in the managers' channel."""

from __future__ import annotations

import html
import logging
import re
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from handlers.access import is_manager
from handlers.payloads import MalformedPayload, text_at
from porch.core.domain_events import CHANNEL_ID, TEAM_ID, USER_ID
from porch.core.slack_ids import Action
from porch.runtime.context import Porch

logger = logging.getLogger(__name__)

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
            refuse(client, body=body, user_id=user_id)
            return
        porch.transaction(
            lambda conn, now: modmail.close(
                conn, team_id=team_id, conversation_id=conversation_id, by=user_id, now=now
            )
        )

    def refuse(client: WebClient, *, body: dict[str, Any], user_id: str) -> None:
        """Tell someone who is not a manager, only them, why nothing happened."""
        channel_id = text_at(body, "channel", "id", pattern=CHANNEL_ID, optional=True)
        if not channel_id:
            return
        message = porch.templates.render("inbox_close_denied.j2")
        try:
            client.chat_postEphemeral(
                channel=channel_id,
                user=user_id,
                text=html.unescape(message.text),
                blocks=message.blocks,
            )
        except SlackApiError as exc:
            logger.warning("could not tell %s that Close is for managers: %s", user_id, exc)
