"""The Events API edge: what Porch keeps of a delivery (a typed event in the inbox) and what it
acknowledges and drops, each over Porch's real HTTP endpoint."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from porch.core.store.schema import inbox_events
from porch.sandbox import slack_requests as slack
from porch.sandbox.workspace import SandboxWorkspace


def stored(workspace: SandboxWorkspace) -> list[tuple[str, dict]]:
    with workspace.engine.begin() as conn:
        rows = conn.execute(select(inbox_events.c.kind, inbox_events.c.payload)).all()
    return [(row.kind, row.payload) for row in rows]


def deliver(workspace: SandboxWorkspace, event: dict) -> int:
    envelope = slack.event_callback(team_id=workspace.fake.team_id, event=event)
    return workspace.sender.event(envelope).status_code


def test_a_members_message_is_stored_as_a_typed_event(workspace: SandboxWorkspace):
    channel = workspace.fake.channel_id("general")
    event = slack.message(user="U0ANA00001", channel=channel, text="hi <!channel>", ts="1.000100")

    assert deliver(workspace, event) == 200
    assert stored(workspace) == [
        (
            "message_posted",
            {
                "user_id": "U0ANA00001",
                "channel_id": channel,
                "ts": "1.000100",
                "thread_ts": None,
                "text": "hi <!channel>",
            },
        )
    ]


def test_a_direct_message_is_kept_apart_from_channel_messages(workspace: SandboxWorkspace):
    event = slack.message(
        user="U0ANA00001", channel="D0ANA00001", text="hello?", ts="2.000100", channel_type="im"
    )
    assert deliver(workspace, event) == 200
    assert [kind for kind, _ in stored(workspace)] == ["direct_message"]


@pytest.mark.parametrize(
    "change",
    [
        {"bot_id": "B0OTHER001"},  # another bot speaking
        {"subtype": "message_changed"},  # an edit
        {"subtype": "channel_join"},  # Slack's own join notice
    ],
)
def test_what_is_not_a_member_speaking_is_acknowledged_and_dropped(
    workspace: SandboxWorkspace, change: dict
):
    channel = workspace.fake.channel_id("general")
    event = {**slack.message(user="U0ANA00001", channel=channel, text="x", ts="3.1"), **change}
    assert deliver(workspace, event) == 200
    assert stored(workspace) == []


def test_a_malformed_event_is_logged_once_acknowledged_and_not_stored(
    workspace: SandboxWorkspace, caplog: pytest.LogCaptureFixture
):
    channel = workspace.fake.channel_id("general")
    event = slack.message(user="U0ANA00001", channel=channel, text="x", ts="4.1")
    del event["user"]
    event["user"] = 42  # wrong type: Slack would retry a 500 for hours

    with caplog.at_level(logging.WARNING):
        assert deliver(workspace, event) == 200
    assert stored(workspace) == []
    # Porch's own lines (waitress may add that its threads were busy, on a busy machine).
    [warning] = [
        r for r in caplog.records if r.levelno >= logging.WARNING and r.name.startswith("porch")
    ]
    assert "ignored a malformed event" in warning.getMessage()
    assert "user" in warning.getMessage()
    assert warning.exc_info is None


def test_the_home_tab_is_stored_and_the_messages_tab_is_not(workspace: SandboxWorkspace):
    assert deliver(workspace, slack.app_home_opened(user="U0ANA00001", tab="messages")) == 200
    assert deliver(workspace, slack.app_home_opened(user="U0ANA00001", tab="home")) == 200
    assert stored(workspace) == [("home_opened", {"user_id": "U0ANA00001"})]
