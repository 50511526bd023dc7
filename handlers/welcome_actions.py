"""Buttons in welcome DMs, follow-ups, App Home and the managers' warm-welcome card."""

from __future__ import annotations

import html
import json
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from handlers.access import is_manager
from handlers.payloads import TRIGGER_ID, MalformedPayload, json_object, text_at
from handlers.services import Services as Porch
from porch.core import member_records
from porch.core.domain_events import TEAM_ID, USER_ID
from porch.core.slack_ids import Action, Input, View

logger = logging.getLogger(__name__)


def register(app: App, *, porch: Porch) -> None:
    onboarding = porch.features.onboarding

    def clicked(body: dict[str, Any]) -> tuple[str, str]:
        """Who clicked in which workspace; MalformedPayload (a 400, see handlers/payloads.py)
        when the payload does not say."""
        return (
            text_at(body, "team", "id", pattern=TEAM_ID),
            text_at(body, "user", "id", pattern=USER_ID),
        )

    def member_in(payload: Any, *path: str, team_id: str) -> str:
        """The member a card's button or a modal's private_metadata names. Porch wrote those
        for members it knows, so an ID it does not know is a forged or stale payload."""
        member_id = text_at(payload, *path, pattern=USER_ID)
        with porch.engine.connect() as conn:
            if member_records.get(conn, team_id=team_id, user_id=member_id) is None:
                raise MalformedPayload(f"{'.'.join(path)} names no member Porch knows")
        return member_id

    # Buttons a member clicks about themselves: each ticks something in their record.
    member_buttons = {
        Action.OPEN_GUIDELINES: onboarding.guidelines_opened,
        Action.JOIN_CHANNELS: onboarding.join_recommended_channels,
        Action.OPT_OUT: porch.features.follow_ups.opt_out,
    }

    def member_button(record: Callable[..., object]) -> Callable[..., None]:
        def member_clicked(ack: Ack, body: dict[str, Any]) -> None:
            team_id, user_id = clicked(body)
            ack()
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
        team_id, manager_id = clicked(body)
        member_id = member_in(action, "value", team_id=team_id)
        ack()
        if not is_manager(client=client, config=porch.config, user_id=manager_id):
            return
        porch.transaction(
            lambda conn, now: onboarding.send_welcome(
                conn, team_id=team_id, user_id=member_id, now=now, sent_by=manager_id
            )
        )

    @app.action(Action.WARM_PERSONALISE)
    def warm_personalise(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient
    ) -> None:
        team_id, manager_id = clicked(body)
        member_id = member_in(action, "value", team_id=team_id)
        trigger_id = text_at(body, "trigger_id", pattern=TRIGGER_ID)
        ack()
        if not is_manager(client=client, config=porch.config, user_id=manager_id):
            return
        view = porch.transaction(
            lambda conn, now: onboarding.personalise_view(conn, team_id=team_id, user_id=member_id)
        )
        # Opening a modal must happen within the trigger's 3 seconds, so it is the one Web API
        # call made inside a request.
        try:
            client.views_open(
                trigger_id=trigger_id,
                view={
                    **view,
                    "callback_id": View.PERSONALISE_WELCOME.value,
                    "private_metadata": json.dumps({"user_id": member_id}),
                },
            )
        except SlackApiError as exc:
            # An expired or replayed trigger: the click is answered, the modal does not open.
            logger.warning("could not open the personalise modal: %s", exc.response.get("error"))

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
        state = ("state", "values", Input.WELCOME_TEXT, Input.WELCOME_TEXT, "value")
        text = text_at(view, *state, optional=True)
        metadata = json_object(text_at(view, "private_metadata"), field="private_metadata")
        member_id = member_in(metadata, "user_id", team_id=team_id)
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
