"""Approve / Edit / Skip on the monthly spotlight draft, and the Edit modal's submission.

Each listener checks the sender is a manager, then records the decision and its effects in one
transaction (porch/features/spotlight.py); the worker posts. Someone else gets a private
refusal, recorded as an effect like everything else.
"""

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
from porch.core.domain_events import TEAM_ID, USER_ID
from porch.core.slack_ids import Action, Input, View
from porch.features.spotlight import MONTH

logger = logging.getLogger(__name__)


def register(app: App, *, porch: Porch) -> None:
    spotlight = porch.features.spotlight

    def pressed(body: dict[str, Any], action: dict[str, Any]) -> tuple[str, str, str, str]:
        """Workspace, presser, the draft's month and the request's trigger (a 400 when the
        payload does not say, or names a month no draft has)."""
        team_id = text_at(body, "team", "id", pattern=TEAM_ID)
        user_id = text_at(body, "user", "id", pattern=USER_ID)
        trigger_id = text_at(body, "trigger_id", pattern=TRIGGER_ID)
        month = text_at(action, "value", pattern=MONTH)
        with porch.engine.connect() as conn:
            if spotlight.state_of(conn, team_id=team_id, month=month) is None:
                raise MalformedPayload(f"no spotlight was drafted for {month}")
        return team_id, user_id, month, trigger_id

    def allowed(client: WebClient, *, team_id: str, user_id: str, trigger_id: str) -> bool:
        if is_manager(client=client, config=porch.config, user_id=user_id):
            return True
        logger.info("spotlight button pressed by %s, who is not a manager", user_id)
        porch.transaction(
            lambda conn, now: spotlight.refuse(
                conn, team_id=team_id, user_id=user_id, request=trigger_id, now=now
            )
        )
        return False

    def decision(decide: Callable[..., bool]) -> Callable[..., None]:
        def decided(
            ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient
        ) -> None:
            team_id, user_id, month, trigger_id = pressed(body, action)
            ack()
            if not allowed(client, team_id=team_id, user_id=user_id, trigger_id=trigger_id):
                return
            porch.transaction(
                lambda conn, now: decide(
                    conn, team_id=team_id, month=month, manager_id=user_id, now=now
                )
            )

        return decided

    app.action(Action.SPOTLIGHT_APPROVE)(decision(spotlight.approve))
    app.action(Action.SPOTLIGHT_SKIP)(decision(spotlight.skip))

    @app.action(Action.SPOTLIGHT_EDIT)
    def edit(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        team_id, user_id, month, trigger_id = pressed(body, action)
        ack()
        if not allowed(client, team_id=team_id, user_id=user_id, trigger_id=trigger_id):
            return
        view = porch.transaction(
            lambda conn, now: spotlight.edit_view(conn, team_id=team_id, month=month)
        )
        if view is None:  # approved or skipped meanwhile: the card already says so
            return
        # Opening a modal must happen within the trigger's 3 seconds, so it is made inside the
        # request, like the warm welcome's Personalise.
        try:
            client.views_open(
                trigger_id=trigger_id,
                view={
                    **view,
                    "callback_id": View.EDIT_SPOTLIGHT.value,
                    "private_metadata": json.dumps({"month": month}),
                },
            )
        except SlackApiError as exc:
            logger.warning("could not open the spotlight modal: %s", exc.response.get("error"))

    @app.view(View.EDIT_SPOTLIGHT)
    def edited(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        team_id = text_at(body, "team", "id", pattern=TEAM_ID)
        user_id = text_at(body, "user", "id", pattern=USER_ID)
        field = Input.SPOTLIGHT_NOTE.value
        # The submission is a request of its own: check its sender, not the modal's origin.
        if not is_manager(client=client, config=porch.config, user_id=user_id):
            logger.warning("spotlight edit submitted by %s, who is not a manager", user_id)
            denied = porch.templates.render("spotlight_denied.j2")
            ack(response_action="errors", errors={field: html.unescape(denied.text)})
            return
        metadata = json_object(text_at(view, "private_metadata"), field="private_metadata")
        month = text_at(metadata, "month", pattern=MONTH)
        note = text_at(view, "state", "values", field, field, "value", optional=True)
        if not note.strip():
            ack(response_action="errors", errors={field: "Write a few words, or press Cancel."})
            return
        saved = porch.transaction(
            lambda conn, now: spotlight.save_note(
                conn, team_id=team_id, month=month, note=note, manager_id=user_id, now=now
            )
        )
        if not saved:
            ack(
                response_action="errors",
                errors={field: "This spotlight was already approved or skipped."},
            )
            return
        ack()
