"""The survey's buttons and its comment modal: each records the member's own answer.

A click says who answered (Slack's signed user) and which quarter (the button's value); the
score is in the button's action_id. Nothing here calls Slack: the comment button answers with
the modal to open (the adapter opens it within the trigger's 3 seconds), and the survey DM is
updated by the effect worker.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from porch.core.interactions import (
    ActionRequest,
    Interaction,
    MalformedPayload,
    Modal,
    Reply,
    ViewSubmission,
    text_at,
)
from porch.features.nps.ids import Action, Input, View

if TYPE_CHECKING:
    from porch.features.nps.survey import Nps

QUARTER = re.compile(r"\d{4}-Q[1-4]")
SCORE_BUTTONS = {Action[f"NPS_SCORE_{score}"]: score for score in range(11)}


def interactions(nps: Nps) -> list[Interaction]:
    """Eleven score buttons, "What would make it better?", "No more surveys", the modal."""

    def scored(action_id: Action, score: int) -> Interaction:
        def record(request: ActionRequest) -> Reply:
            quarter = request.value_matching(QUARTER)
            request.transaction(
                lambda conn, now: nps.record_score(
                    conn,
                    team_id=request.team_id,
                    user_id=request.user_id,
                    quarter=quarter,
                    score=score,
                    now=now,
                )
            )
            return None

        return Interaction("action", action_id, record)

    def opted_out(request: ActionRequest) -> Reply:
        quarter = request.value_matching(QUARTER)
        request.transaction(
            lambda conn, now: nps.opt_out(
                conn, team_id=request.team_id, user_id=request.user_id, quarter=quarter, now=now
            )
        )
        return None

    def comment(request: ActionRequest) -> Reply:
        quarter = request.value_matching(QUARTER)
        if not request.trigger_id:
            raise MalformedPayload("trigger_id must be text")
        return Modal(
            view=nps.comment_view(quarter=quarter),
            callback_id=View.NPS_COMMENT,
            private_metadata={"quarter": quarter},
        )

    def commented(request: ViewSubmission) -> Reply:
        quarter = text_at(request.metadata(), "quarter", pattern=QUARTER)
        text = request.text(Input.NPS_COMMENT_TEXT)
        if text.strip():
            request.transaction(
                lambda conn, now: nps.record_comment(
                    conn,
                    team_id=request.team_id,
                    user_id=request.user_id,
                    quarter=quarter,
                    text=text,
                    now=now,
                )
            )
        return None

    return [
        *(scored(action_id, score) for action_id, score in SCORE_BUTTONS.items()),
        Interaction("action", Action.NPS_OPT_OUT, opted_out),
        Interaction("action", Action.NPS_COMMENT, comment),
        Interaction("view", View.NPS_COMMENT, commented),
    ]
