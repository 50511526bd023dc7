"""The demo's sprint scene: Sam starts a 30-day sprint, members talk, and on the Monday after
the sprint's second week the scorecard reaches the managers; Sam records the week's decision
(twice, by accident: one row)."""

from __future__ import annotations

import json
from typing import Any

from porch.features.sprint.ids import Action, Input, View

SCENE = "the weekly decision"
NOTE = "Keep Monday goals and Friday wins as they are; ask in the poll about pricing only."


def weekly_decision(box: Any) -> None:
    """`box` is the demo (porch.sandbox.demo.Demo); the clock is at day 10 (Wed 11 Nov)."""
    from porch.sandbox import slack_requests as slack

    workspace = box.workspace
    manager = workspace.manager
    home = box.config.channels.home
    box.narrate("Sam starts a 30-day sprint from the App Home: week 1's plan reaches the team.")
    box.click(manager, Action.SPRINT_START, "Start a 30-day sprint today")
    box.at(16, "10:00")
    box.narrate("Tuesday of the next week: a busy thread.")
    post = box.say("U0ANA00001", home, "Who wants to swap landing-page reviews this week?")
    for user, words in (
        ("U0BEN00001", "Me! Mine is half done."),
        ("U0CHLOE001", "In, I can review two."),
        ("U0DANA0001", "Count me in."),
        ("U0ELI00001", "Sending mine tonight."),
    ):
        box.say(user, home, words, thread_ts=post)
    box.at(22, "09:05")
    week = _latest_scorecard_week(workspace)
    box.narrate(
        f"Monday: the scorecard of {week} and the sprint's week 2 are in the managers' channel. "
        "Sam records the decision with a note, and double-submits by accident."
    )
    workspace.click(manager, Action.SPRINT_DECIDE_KEEP, value=week)
    for _ in range(2):
        workspace.sender.interactive(
            slack.view_submission(
                team_id=workspace.fake.team_id,
                user_id=manager,
                callback_id=View.SPRINT_DECISION,
                values={Input.SPRINT_DECISION_NOTE: {Input.SPRINT_DECISION_NOTE: NOTE}},
                private_metadata=json.dumps({"week": week, "choice": "keep"}),
            )
        )
    box.settle()
    box.narrate("One decision row for the week, in the tracker's Decisions worksheet.")


def _latest_scorecard_week(workspace: Any) -> str:
    channel = workspace.fake.channel_id(workspace.config.channels.moderators)
    cards = [m for m in workspace.fake.messages(channel) if "Weekly scorecard" in m["text"]]
    return str(cards[-1]["text"].rsplit(" ", 1)[-1])
