"""The survey's buttons and its comment modal through Slack: signed payloads through the real
endpoint, each interaction once, and a forged quarter refused."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

from porch.features.nps.ids import Action, Input, View
from porch.sandbox import slack_requests as slack
from porch.sandbox.workspace import SandboxWorkspace

BERLIN = ZoneInfo("Europe/Berlin")


def surveys(workspace: SandboxWorkspace, user_id: str) -> list[dict]:
    return [
        m
        for m in workspace.fake.dm_messages(user_id)
        if ((m.get("metadata") or {}).get("event_payload") or {}).get("key", "").startswith("nps:")
    ]


def test_a_score_a_comment_and_an_opt_out_through_slack(workspace_factory, config):
    start = dt.datetime(2026, 11, 1, 9, tzinfo=BERLIN).astimezone(dt.UTC)
    workspace: SandboxWorkspace = workspace_factory(config, at=start)
    workspace.join("U0ANA00001", "Ana")
    workspace.join("U0CHLOE001", "Chloé")
    workspace.say("U0ANA00001", "general", "Hello")
    workspace.say("U0CHLOE001", "general", "Hi!")
    workspace.at(start + dt.timedelta(hours=1))
    assert len(surveys(workspace, "U0ANA00001")) == len(surveys(workspace, "U0CHLOE001")) == 1

    workspace.click("U0ANA00001", Action.NPS_SCORE_8, value="2026-Q4")
    workspace.click("U0ANA00001", Action.NPS_SCORE_3, value="2026-Q4")
    workspace.settle()
    [survey] = surveys(workspace, "U0ANA00001")
    assert "You answered *8*" in survey["blocks"][0]["text"]["text"]
    updates = [c for c in workspace.fake.calls("chat.update") if c.params["ts"] == survey["ts"]]
    assert len(updates) == 1

    workspace.click("U0ANA00001", Action.NPS_COMMENT, value="2026-Q4")
    [opened] = workspace.fake.opened_views()
    assert opened["view"]["callback_id"] == View.NPS_COMMENT
    assert json.loads(opened["view"]["private_metadata"]) == {"quarter": "2026-Q4"}
    submission = slack.view_submission(
        team_id=workspace.fake.team_id,
        user_id="U0ANA00001",
        callback_id=View.NPS_COMMENT,
        values={Input.NPS_COMMENT_TEXT: {Input.NPS_COMMENT_TEXT: "More <!channel> demos"}},
        private_metadata=json.dumps({"quarter": "2026-Q4"}),
    )
    assert workspace.sender.interactive(submission).status_code == 200
    workspace.settle()
    [survey] = surveys(workspace, "U0ANA00001")
    assert "Your suggestion reached the team" in survey["blocks"][0]["text"]["text"]

    workspace.click("U0CHLOE001", Action.NPS_OPT_OUT, value="2026-Q4")
    workspace.settle()
    [chloe] = surveys(workspace, "U0CHLOE001")
    assert "no more surveys" in chloe["text"].lower()


def test_a_forged_quarter_is_refused(workspace: SandboxWorkspace):
    response = workspace.sender.interactive(
        slack.block_actions(
            team_id=workspace.fake.team_id,
            user_id="U0ANA00001",
            action_id=Action.NPS_SCORE_9,
            value="<!channel>",
        )
    )
    assert response.status_code == 400
