"""Modal submissions: every callback_id a feature declares, routed to its function.

A submission is a request of its own: its sender is checked here (not trusted to be whoever
the modal was opened for), and its private_metadata is the sender's to forge, so features check
what it names. A refusal, or the feature's Errors, are shown under the modal's inputs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from porch.core.interactions import Errors, Interaction, Private, ViewSubmission, who
from porch.handlers.access import allowed, of_team, refusal
from porch.handlers.replies import answer_click, errors_for
from porch.handlers.services import Services


def register(app: App, *, porch: Services) -> None:
    for interaction in porch.features.interactions("view"):
        app.view(interaction.id)(_listener(porch, interaction))


def _listener(default: Services, declared: Interaction) -> Callable[..., None]:
    def submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient):
        team_id, user_id = who(body)
        porch, interaction = of_team(default, team_id, "view", declared)
        request = ViewSubmission(
            team_id=team_id, user_id=user_id, trigger_id="", body=body, store=porch, view=view
        )
        if interaction.managers_only and not allowed(
            porch, client, request=request, what=f"modal {interaction.id}"
        ):
            ack(response_action="errors", errors=errors_for(view, refusal(porch)))
            return
        reply = interaction.handle(request)
        if isinstance(reply, Errors):
            ack(response_action="errors", errors=dict(reply.errors))
        elif isinstance(reply, Private) and not request.response_url:
            ack(response_action="errors", errors=errors_for(view, reply))
        else:
            ack()
            answer_click(porch, client, request=request, reply=reply)

    submitted.__name__ = f"view_{declared.id}"
    return submitted
