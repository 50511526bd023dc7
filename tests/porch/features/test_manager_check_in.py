"""The manager's daily check-in, as conversations: one morning message a weekday with who
joined since the last one, the questions still waiting and the one post most worth a reply."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from porch.features.onboarding.ids import Action
from porch.sandbox.workspace import SandboxWorkspace
from tests.conftest import config_with

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=BERLIN).astimezone(dt.UTC)


def check_ins(workspace: SandboxWorkspace) -> list[dict]:
    channel_id = workspace.fake.channel_id(workspace.config.channels.moderators)
    return [
        m
        for m in workspace.fake.messages(channel_id)
        if ((m.get("metadata") or {}).get("event_payload") or {})
        .get("key", "")
        .startswith("manager-check-in:")
    ]


def text_of(message: dict) -> str:
    return "\n".join(b["text"]["text"] for b in message["blocks"] if b["type"] == "section")


def test_one_check_in_each_weekday_morning_with_newcomers_and_open_questions(
    workspace_factory, config
):
    workspace: SandboxWorkspace = workspace_factory(config, at=berlin(2, 7, 0))  # Monday
    workspace.join("U0ANA00001", "Ana")
    workspace.join("U0BEN00001", "Ben")
    workspace.at(berlin(2, 7, 30))
    question = workspace.say("U0ANA00001", "general", "Where do I find the pricing template?")
    hello = workspace.say("U0BEN00001", "general", "Hello everyone, happy to be here")
    workspace.at(berlin(2, 8, 59))
    assert check_ins(workspace) == []

    workspace.at(berlin(2, 9, 0))
    workspace.at(berlin(2, 11, 0))
    [monday] = check_ins(workspace)
    text = text_of(monday)
    assert "since Fri 30 Oct, 09:00" in text
    assert "<@U0ANA00001>: welcomed" in text and "<@U0BEN00001>: welcomed" in text
    assert "Questions still waiting for an answer (1)" in text
    assert "Ana in <#" in text
    general = workspace.fake.channel_id("general")
    assert "*Most worth a reply today:* the question Ana asked" in text
    assert f"p{question.replace('.', '')}" in text

    # Someone answers; Tuesday's check-in has no newcomers, no open question, and points at
    # the newcomer post nobody has replied to.
    workspace.say(workspace.manager, "general", "Pinned in #general!", thread_ts=question)
    workspace.at(berlin(3, 9, 5))
    monday_again, tuesday = check_ins(workspace)
    assert monday_again["ts"] == monday["ts"]
    text = text_of(tuesday)
    assert "nobody new since" in text
    assert "every question from the last week has an answer" in text
    assert "Ben, who joined recently, posted in" in text
    assert f"/archives/{general}/p{hello.replace('.', '')}" in text

    # Days Porch did not run (Wednesday to Friday here) are not caught up later; Saturday and
    # Sunday have none; Monday does.
    workspace.at(berlin(7, 10, 0))
    workspace.at(berlin(8, 10, 0))
    assert len(check_ins(workspace)) == 2
    workspace.at(berlin(9, 9, 0))
    assert len(check_ins(workspace)) == 3


def test_a_newcomer_waiting_for_a_warm_welcome_has_the_send_button(workspace_factory, config):
    warm = config_with(config, onboarding={"welcome": "warm"})
    workspace: SandboxWorkspace = workspace_factory(warm, at=berlin(2, 7, 0))
    workspace.join("U0CHLOE001", "Chloé")
    workspace.at(berlin(2, 9, 0))
    [check_in] = check_ins(workspace)
    assert "<@U0CHLOE001>: waiting for your welcome" in text_of(check_in)
    buttons = [
        element
        for block in check_in["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    ]
    assert [(b["action_id"], b["value"]) for b in buttons] == [(Action.WARM_SEND, "U0CHLOE001")]

    workspace.click(workspace.manager, Action.WARM_SEND, value="U0CHLOE001")
    workspace.settle()
    assert len(workspace.fake.dm_messages("U0CHLOE001")) == 1


def test_no_check_in_when_switched_off(workspace_factory, config):
    off = config_with(config, manager_check_in={"enabled": False})
    workspace: SandboxWorkspace = workspace_factory(off, at=berlin(2, 9, 30))
    workspace.at(berlin(2, 10, 0))
    assert check_ins(workspace) == []
