"""Buttons in welcome DMs, follow-ups, App Home and the managers' warm-welcome card."""

from __future__ import annotations

import html
import json
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from handlers.access import is_manager
from porch.core.slack_ids import Action, Input, View
from porch.runtime.context import Porch

logger = logging.getLogger(__name__)


def register(app: App, *, porch: Porch) -> None:
    onboarding = porch.features.onboarding

    def clicked(body: dict[str, Any]) -> tuple[str, str]:
        return body["team"]["id"], body["user"]["id"]

    # Buttons a member clicks about themselves: each ticks something in their record.
    member_buttons = {
        Action.OPEN_GUIDELINES: onboarding.guidelines_opened,
        Action.JOIN_CHANNELS: onboarding.join_recommended_channels,
        Action.OPT_OUT: porch.features.follow_ups.opt_out,
    }

    def member_button(record: Callable[..., object]) -> Callable[..., None]:
        def member_clicked(ack: Ack, body: dict[str, Any]) -> None:
            ack()
            team_id, user_id = clicked(body)
            porch.transaction(
                lambda conn, now: record(conn, team_id=team_id, user_id=user_id, now=now)
            )

        return member_clicked

    for action_id, record in member_buttons.items():
        app.action(action_id)(member_button(record))

    # Link buttons still send an action; acknowledging keeps Slack from showing an error.
    @app.action(Action.OPEN_INTRODUCTIONS)
    @app.action(Action.OPEN_GETTING_STARTED)
    def open_link(ack: Ack) -> None:
        ack()

    @app.action(Action.WARM_SEND)
    def warm_send(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient):
        ack()
        team_id, manager_id = clicked(body)
        if not is_manager(client=client, config=porch.config, user_id=manager_id):
            return
        member_id = action["value"]
        porch.transaction(
            lambda conn, now: onboarding.send_welcome(
                conn, team_id=team_id, user_id=member_id, now=now, sent_by=manager_id
            )
        )

    @app.action(Action.WARM_PERSONALISE)
    def warm_personalise(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient
    ) -> None:
        ack()
        team_id, manager_id = clicked(body)
        if not is_manager(client=client, config=porch.config, user_id=manager_id):
            return
        view = porch.transaction(
            lambda conn, now: onboarding.personalise_view(
                conn, team_id=team_id, user_id=action["value"]
            )
        )
        # Opening a modal must happen within the trigger's 3 seconds, so it is the one Web API
        # call made inside a request.
        client.views_open(
            trigger_id=body["trigger_id"],
            view={
                **view,
                "callback_id": View.PERSONALISE_WELCOME.value,
                "private_metadata": json.dumps({"user_id": action["value"]}),
            },
        )

    @app.view(View.PERSONALISE_WELCOME)
    def personalised(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient
    ) -> None:
        team_id, manager_id = clicked(body)
        # The modal is only opened for managers, but its submission is a request of its own:
        # check who sent it rather than trusting that it came from that modal (private_metadata
        # names whoever the sender likes).
        if not is_manager(client=client, config=porch.config, user_id=manager_id):
            logger.warning("Personalise submitted by %s, who is not a manager", manager_id)
            denied = porch.templates.render("personalise_denied.j2")
            ack(response_action="errors", errors={"welcome_text": html.unescape(denied.text)})
            return
        text = view["state"]["values"][Input.WELCOME_TEXT][Input.WELCOME_TEXT]["value"] or ""
        member_id = json.loads(view["private_metadata"])["user_id"]
        if not text.strip():
            problem = porch.transaction(
                lambda conn, now: onboarding.personalise_problem(
                    conn, team_id=team_id, user_id=member_id
                )
            )
            ack(response_action="errors", errors={Input.WELCOME_TEXT.value: problem})
            return
        ack()
        porch.transaction(
            lambda conn, now: onboarding.send_welcome(
                conn, team_id=team_id, user_id=member_id, now=now, text=text, sent_by=manager_id
            )
        )
