"""Buttons and menus: every action_id a feature declares, routed to its function.

The click is read into an ActionRequest, the sender checked when the interaction is
manager-only (handlers/access.py), the feature's function called (it records its work in one
transaction), and its reply applied after the acknowledgement: a modal, or a private message
the worker delivers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from porch.core.interactions import TRIGGER_ID, ActionRequest, Interaction, text_at, who
from porch.handlers.access import allowed, of_team, refusal
from porch.handlers.replies import answer_click
from porch.handlers.services import Services


def register(app: App, *, porch: Services) -> None:
    for interaction in porch.features.interactions("action"):
        app.action(interaction.id)(_listener(porch, interaction))


def _listener(default: Services, declared: Interaction) -> Callable[..., None]:
    def clicked(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient):
        team_id, user_id = who(body)
        porch, interaction = of_team(default, team_id, "action", declared)
        request = ActionRequest(
            team_id=team_id,
            user_id=user_id,
            trigger_id=text_at(body, "trigger_id", pattern=TRIGGER_ID, optional=True),
            body=body,
            store=porch,
            action=action,
        )
        if interaction.managers_only and not allowed(
            porch, client, request=request, what=f"button {interaction.id}"
        ):
            ack()
            answer_click(porch, client, request=request, reply=refusal(porch))
            return
        reply = interaction.handle(request)
        ack()
        answer_click(porch, client, request=request, reply=reply)

    clicked.__name__ = f"action_{declared.id}"
    return clicked
