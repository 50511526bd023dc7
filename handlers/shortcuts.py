"""Message shortcuts: every callback_id a feature declares, routed to its function. A shortcut
cannot answer with a message, so a private reply (a refusal too) is shown as a modal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from porch.core.interactions import (
    TRIGGER_ID,
    Interaction,
    Modal,
    Private,
    ShortcutRequest,
    text_at,
    who,
)
from porch.handlers.access import allowed, of_team, refusal
from porch.handlers.replies import explanation_modal, open_modal
from porch.handlers.services import Services


def register(app: App, *, porch: Services) -> None:
    for interaction in porch.features.interactions("shortcut"):
        app.shortcut(interaction.id)(_listener(porch, interaction))


def _listener(default: Services, declared: Interaction) -> Callable[..., None]:
    def used(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        team_id, user_id = who(body)
        porch, interaction = of_team(default, team_id, "shortcut", declared)
        request = ShortcutRequest(
            team_id=team_id,
            user_id=user_id,
            trigger_id=text_at(body, "trigger_id", pattern=TRIGGER_ID),
            body=body,
            store=porch,
        )
        reply = (
            interaction.handle(request)
            if not interaction.managers_only
            or allowed(porch, client, request=request, what=f"shortcut {interaction.id}")
            else refusal(porch)
        )
        ack()
        if isinstance(reply, Private):
            reply = explanation_modal("Porch", reply)
        if isinstance(reply, Modal):
            open_modal(client, trigger_id=request.trigger_id, modal=reply)

    used.__name__ = f"shortcut_{declared.id}"
    return used
