"""The ladder and "Reply with guideline", as conversations: a manager reminds a member (the
reason asked in a modal, the member told privately, the card updated, the next step suggested
from the record), a retried submission is one step, a non-manager is refused every time; a
crash after the card is posted still leaves one card."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from porch.core.config import Config
from porch.sandbox import slack_requests as slack
from porch.sandbox.workspace import SandboxWorkspace
from tests.porch.features.moderation.conversation import (
    ANA,
    BEN,
    PITCH,
    cards,
    last_modal,
    members,
    moderating,
    report,
    text_of,
)

REFUSED = "Only community managers can do that"


def press(workspace: SandboxWorkspace, user: str, card: dict[str, Any], step: str) -> None:
    [value] = [
        e["value"]
        for b in card["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["value"].startswith(f"{step}:")
    ]
    workspace.click_message(
        user,
        "porch_moderation_step",
        channel=workspace.config.channels.moderators,
        ts=card["ts"],
        value=value,
    )


def submit(
    workspace: SandboxWorkspace, user: str, view: dict[str, Any], values: dict, view_id: str
) -> slack.Response:
    return workspace.sender.interactive(
        slack.view_submission(
            team_id=workspace.fake.team_id,
            user_id=user,
            callback_id=view["callback_id"],
            private_metadata=view["private_metadata"],
            values=values,
            view_id=view_id,
        )
    )


def remind(workspace: SandboxWorkspace, card: dict[str, Any], reason: str, step="remind") -> None:
    press(workspace, workspace.manager, card, step)
    view = last_modal(workspace)
    assert view["callback_id"] == "porch_moderation_step_reason"
    values = {"moderation_reason": {"moderation_reason": reason}}
    for _ in range(2):  # Slack retries the submission
        assert (
            submit(workspace, workspace.manager, view, values, "V0STEP" + reason[:3]).status_code
            == 200
        )
    workspace.settle()


def test_a_reminder_is_recorded_told_kindly_and_shown_on_the_card(
    workspace_factory, config: Config
):
    workspace = workspace_factory(moderating(config, PITCH))
    members(workspace)
    workspace.say(ANA, "general", "crypto giveaway for the first ten!")
    workspace.settle()
    [card] = cards(workspace)

    remind(workspace, card, "First time, probably did not know")
    [card] = cards(workspace)
    shown = text_of(card)
    assert "Reminder by" in shown and "First time, probably did not know" in shown
    assert "Suggested next step: *Warn*" in shown
    [note] = [
        m
        for m in workspace.fake.dm_messages(ANA)
        if "friendly note" in m["text"] or "friendly note" in json.dumps(m["blocks"])
    ]
    assert "No unsolicited pitches" in json.dumps(note["blocks"])
    assert "First time" not in json.dumps(note["blocks"])  # the reason stays with the managers

    workspace.say(ANA, "general", "Last call: crypto giveaway, t.me/pumpgroup")
    workspace.settle()
    [_, second] = cards(workspace)
    shown = text_of(second)
    assert (
        "Their record: 1 earlier case, 1 step" in shown and "Suggested next step: *Warn*" in shown
    )


def test_only_managers_take_steps(workspace_factory, config: Config):
    workspace = workspace_factory(moderating(config, PITCH))
    members(workspace)
    workspace.say(ANA, "general", "crypto giveaway!")
    workspace.settle()
    [card] = cards(workspace)
    opened = len(workspace.fake.opened_views())
    press(workspace, BEN, card, "warn")
    workspace.settle()
    assert len(workspace.fake.opened_views()) == opened  # no modal for a member
    assert REFUSED in json.dumps(workspace.fake.ephemerals(user_id=BEN))
    # A forged submission is refused too, and records nothing.
    view = {
        "callback_id": "porch_moderation_step_reason",
        "private_metadata": json.dumps(
            {"step": "remove", "channel": card["channel"], "ts": card["ts"]}
        ),
    }
    submit(workspace, BEN, view, {"moderation_reason": {"moderation_reason": "x"}}, "V0FORGED")
    workspace.settle()
    assert "Removal recommended" not in text_of(cards(workspace)[0])
    assert [m for m in workspace.fake.dm_messages(ANA) if "removing" in m["text"]] == []
    # Members never see a card: not in a DM, not as a message only they see.
    for member in (ANA, BEN):
        seen = workspace.fake.dm_messages(member) + workspace.fake.ephemerals(user_id=member)
        assert "for a look" not in json.dumps(seen)


def test_a_crash_after_the_card_is_posted_leaves_one_card(workspace_factory, config: Config):
    workspace = workspace_factory(moderating(config, PITCH))
    members(workspace)
    workspace.fake.crash_after_next("chat.postMessage")  # Slack posts it, Porch never hears
    ts = workspace.say(ANA, "general", "crypto giveaway!")
    workspace.settle()
    workspace.clock.advance(dt.timedelta(minutes=5))
    workspace.settle()
    report(workspace, BEN, "general", ts)
    workspace.settle()
    [card] = cards(workspace)
    assert "Reported by" in text_of(card)


def test_reply_with_guideline_posts_it_in_the_thread_for_managers_only(
    workspace_factory, config: Config
):
    workspace = workspace_factory(moderating(config))
    members(workspace)
    general = workspace.fake.channel_id("general")
    ts = workspace.say(ANA, "general", "DM me for my course, 50% off today")
    [message] = [m for m in workspace.fake.messages(general) if m["ts"] == ts]

    def use(user: str) -> dict[str, Any]:
        workspace.sender.interactive(
            slack.message_shortcut(
                team_id=workspace.fake.team_id,
                user_id=user,
                callback_id="porch_reply_with_guideline",
                channel_id=general,
                message=message,
            )
        )
        return last_modal(workspace)

    assert REFUSED in json.dumps(use(BEN)["blocks"])
    view = use(workspace.manager)
    assert view["callback_id"] == "porch_moderation_guideline"
    choice = {
        "moderation_guideline": {
            "moderation_guideline": {"type": "static_select", "selected_option": {"value": "2"}}
        }
    }
    for _ in range(2):
        submit(workspace, workspace.manager, view, choice, "V0GUIDE01")
    workspace.settle()
    replies = workspace.fake.thread(general, ts)[1:]
    assert len(replies) == 1
    assert "No unsolicited pitches" in json.dumps(replies[0]["blocks"])
