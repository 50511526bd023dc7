"""First-post review (optional) and "Looks fine", as conversations; and how Slack's edits and
deletions become domain events."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from porch.core.config import Config
from porch.core.domain_events import MessageDeleted, MessageEdited, from_slack
from porch.features.moderation.config import ModerationConfig
from tests.porch.features.moderation.conversation import ANA, BEN, cards, members, text_of


def test_a_newcomers_first_post_with_a_link_gets_a_look(workspace_factory, config: Config):
    section = ModerationConfig(first_post_review=True)
    workspace = workspace_factory(config.model_copy(update={"moderation": section}))
    members(workspace)
    workspace.say(ANA, "general", "Hi all! My course: <https://cheap.example/deal|50% off>")
    workspace.clock.advance(dt.timedelta(minutes=1))
    workspace.say(ANA, "general", "And <https://cheap.example/again>")  # not her first post
    workspace.say(BEN, "general", "Hello everyone, glad to be here")  # no link
    workspace.settle()
    [card] = cards(workspace)
    assert "A newcomer's first post, with a link" in text_of(card)

    manager = workspace.manager
    [value] = [
        e["value"]
        for b in card["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "porch_moderation_fine"
    ]
    managers = workspace.config.channels.moderators
    workspace.click_message(
        BEN, "porch_moderation_fine", channel=managers, ts=card["ts"], value=value
    )
    workspace.settle()
    assert "Looked at by" not in text_of(cards(workspace)[0])  # a member is refused
    for _ in range(2):
        workspace.click_message(
            manager, "porch_moderation_fine", channel=managers, ts=card["ts"], value=value
        )
    workspace.settle()
    [card] = cards(workspace)
    assert f"Looked at by <@{manager}>: no step needed" in text_of(card)
    assert "porch_moderation_fine" not in json.dumps(card["blocks"])


def test_first_post_review_is_off_by_default(workspace_factory, config: Config):
    workspace = workspace_factory(config)
    members(workspace)
    workspace.say(ANA, "general", "My course: <https://cheap.example/deal>")
    workspace.settle()
    assert cards(workspace) == []


def _event(subtype: str, **fields) -> dict:
    return {"type": "message", "subtype": subtype, "channel": "C0GENERAL1", **fields}


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (
            _event("message_changed", message={"user": ANA, "text": "new", "ts": "1.000100"}),
            MessageEdited(
                user_id=ANA, channel_id="C0GENERAL1", ts="1.000100", thread_ts=None, text="new"
            ),
        ),
        (
            _event("message_deleted", deleted_ts="1.000100"),
            MessageDeleted("C0GENERAL1", "1.000100"),
        ),
        # A bot's message edited, an unfurl with no message, an edit in a DM: nothing.
        (_event("message_changed", message={"bot_id": "B1", "user": ANA, "ts": "1.1"}), None),
        (_event("message_changed"), None),
        (
            {**_event("message_changed", message={"user": ANA, "ts": "1.1"}), "channel_type": "im"},
            None,
        ),
    ],
)
def test_edits_and_deletions_become_domain_events(event: dict, expected: object) -> None:
    assert from_slack(event) == expected
