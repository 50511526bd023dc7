"""The demo's sprint scene: Sam starts a 30-day sprint, and on the Monday after the sprint's
second week the scorecard reaches the managers; Sam records the week's decision (twice, by
accident: one row)."""

from __future__ import annotations

import json
from typing import Any

from porch.features.sprint.ids import Action, Input, View

SCENE = "the weekly decision"
NOTE = "A quiet week: fewer formats. Monday goals and Friday wins only, until replies pick up."


def weekly_decision(box: Any) -> None:
    """`box` is the demo (porch.sandbox.demo.Demo); the clock is at day 10 (Wed 11 Nov)."""
    from porch.sandbox import slack_requests as slack

    workspace = box.workspace
    manager = workspace.manager
    box.narrate("Sam starts a 30-day sprint from the App Home: week 1's plan reaches the team.")
    box.click(manager, Action.SPRINT_START, "Start a 30-day sprint today")
    box.at(22, "09:05")
    week = _latest_scorecard_week(workspace)
    box.narrate(
        f"Monday: the scorecard of {week} and the sprint's week 2 are in the managers' channel. "
        "Sam records the decision with a note, and double-submits by accident."
    )
    workspace.click(manager, Action.SPRINT_DECIDE_REDUCE, value=week)
    for _ in range(2):
        workspace.sender.interactive(
            slack.view_submission(
                team_id=workspace.fake.team_id,
                user_id=manager,
                callback_id=View.SPRINT_DECISION,
                values={Input.SPRINT_DECISION_NOTE: {Input.SPRINT_DECISION_NOTE: NOTE}},
                private_metadata=json.dumps({"week": week, "choice": "reduce"}),
            )
        )
    box.settle()
    box.narrate("One decision row for the week, in the tracker's Decisions worksheet.")


def _latest_scorecard_week(workspace: Any) -> str:
    channel = workspace.fake.channel_id(workspace.config.channels.moderators)
    cards = [m for m in workspace.fake.messages(channel) if "Weekly scorecard" in m["text"]]
    return str(cards[-1]["text"].rsplit(" ", 1)[-1])
