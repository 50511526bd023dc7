"""The demo's scene "join questions": Gia (who joined on Thursday) answers the join questions
from her welcome DM and gets her path's channels. The story plays it as
`box.scene("join questions")`; the demo turns the questions on with previews.SAMPLE (see
demo_config)."""

from __future__ import annotations

import json
from typing import Any

from porch.features.join_paths.ids import Action, View
from porch.features.join_paths.previews import SAMPLE

GIA = "U0GIA00001"
DAY = 35  # Sunday 6 December, after the month's story


def demo_config(config: Any) -> dict[str, Any]:
    """The demo's community asks the sample questions (unless its config has its own)."""
    return {} if config.join_paths.on else {"join_paths": SAMPLE}


def join_questions(box: Any) -> None:
    from porch.sandbox import slack_requests as slack  # the sandbox's signed payloads

    workspace = box.workspace
    box.at(DAY, "10:00")
    box.narrate(
        "Sunday: Gia, who joined on Thursday, clicks [Tell us about you] in her welcome DM: "
        "a designer, here for feedback."
    )
    workspace.click(GIA, Action.JOIN_QUESTIONS_OPEN, value="open")

    def option(text: str) -> dict[str, Any]:
        return {"text": {"type": "plain_text", "text": text}, "value": text}

    values = {
        "porch_jq_role": {"porch_jq_role": {"selected_option": option("Designer")}},
        "porch_jq_goals": {"porch_jq_goals": {"selected_options": [option("Feedback")]}},
        "porch_jq__free_text": {"porch_jq__free_text": "I design onboarding flows."},
    }
    box.narrate("She saves; Slack delivers the submission twice. One follow-up comes.")
    for _ in range(2):
        workspace.sender.interactive(
            slack.view_submission(
                team_id=workspace.fake.team_id,
                user_id=GIA,
                callback_id=View.JOIN_QUESTIONS,
                private_metadata=json.dumps({}),
                values=values,
            )
        )
    box.settle()
    box.narrate("Gia clicks [Join #design-crit]: the bot invites her.")
    workspace.click(GIA, Action.JOIN_PATH_CHANNEL, value="design-crit")
    box.settle()
    channel = workspace.fake.channel_id("design-crit")
    if GIA in workspace.fake.channel_members(channel):
        box.narrate("Gia is in #design-crit.")


SCENES = {"join questions": join_questions}
