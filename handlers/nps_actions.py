"""The NPS survey's buttons and its comment modal: each records the member's own answer.

A click says who answered (Slack's signed user) and which quarter (the button's value); the
score is in the button's action_id. Nothing here calls Slack except views.open, which must
happen within the trigger's 3 seconds; the survey DM is updated by the effect worker.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from handlers.payloads import TRIGGER_ID, json_object, text_at
from handlers.services import Services as Porch
from porch.core.domain_events import TEAM_ID, USER_ID
from porch.core.slack_ids import Action, Input, View
from porch.features.nps import Nps

logger = logging.getLogger(__name__)

QUARTER = re.compile(r"\d{4}-Q[1-4]")
SCORE_BUTTONS = {Action[f"NPS_SCORE_{score}"]: score for score in range(11)}


def register(app: App, *, porch: Porch) -> None:
    def nps() -> Nps:
        # Built per click (it is two references): the porch passed in is complete only once
        # the app runs.
        return Nps(config=porch.config, templates=porch.templates)

    def answered(body: dict[str, Any], action: dict[str, Any]) -> tuple[str, str, str]:
        return (
            text_at(body, "team", "id", pattern=TEAM_ID),
            text_at(body, "user", "id", pattern=USER_ID),
            text_at(action, "value", pattern=QUARTER),
        )

    def score_button(score: int) -> Any:
        def scored(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
            team_id, user_id, quarter = answered(body, action)
            ack()
            porch.transaction(
                lambda conn, now: nps().record_score(
                    conn, team_id=team_id, user_id=user_id, quarter=quarter, score=score, now=now
                )
            )

        return scored

    for action_id, score in SCORE_BUTTONS.items():
        app.action(action_id)(score_button(score))

    @app.action(Action.NPS_OPT_OUT)
    def opted_out(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        team_id, user_id, quarter = answered(body, action)
        ack()
        porch.transaction(
            lambda conn, now: nps().opt_out(
                conn, team_id=team_id, user_id=user_id, quarter=quarter, now=now
            )
        )

    @app.action(Action.NPS_COMMENT)
    def comment(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient):
        _, _, quarter = answered(body, action)
        trigger_id = text_at(body, "trigger_id", pattern=TRIGGER_ID)
        ack()
        try:
            client.views_open(
                trigger_id=trigger_id,
                view={
                    **nps().comment_view(quarter=quarter),
                    "callback_id": View.NPS_COMMENT.value,
                    "private_metadata": json.dumps({"quarter": quarter}),
                },
            )
        except SlackApiError as exc:
            logger.warning("could not open the NPS comment modal: %s", exc.response.get("error"))

    @app.view(View.NPS_COMMENT)
    def commented(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        team_id = text_at(body, "team", "id", pattern=TEAM_ID)
        user_id = text_at(body, "user", "id", pattern=USER_ID)
        metadata = json_object(text_at(view, "private_metadata"), field="private_metadata")
        quarter = text_at(metadata, "quarter", pattern=QUARTER)
        state = ("state", "values", Input.NPS_COMMENT_TEXT, Input.NPS_COMMENT_TEXT, "value")
        text = text_at(view, *state, optional=True)
        ack()
        if not text.strip():
            return
        porch.transaction(
            lambda conn, now: nps().record_comment(
                conn, team_id=team_id, user_id=user_id, quarter=quarter, text=text, now=now
            )
        )
