"""The replies inbox through Slack's HTTP requests (the sandbox): a member writes to Porch, the
managers see one card, a manager answers in its thread and the member gets the answer, each
exactly once; the Close button, its refusal and a forged one. The rules themselves are tested
against the store in test_relay.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from porch.core.tracker_queue import get_row
from porch.features.modmail.ids import Action
from porch.features.modmail.tables import inbox_conversations
from porch.sandbox import slack_requests as slack
from porch.sandbox.workspace import SandboxWorkspace
from tests.conftest import config_with

MANAGERS = "community-team"


def cards(workspace: SandboxWorkspace) -> list[dict[str, Any]]:
    """Porch's top-level messages in the managers' channel that are inbox cards."""
    channel_id = workspace.fake.channel_id(MANAGERS)
    return [
        m
        for m in workspace.fake.messages(channel_id)
        if m["user"] == workspace.fake.bot_user_id
        and m.get("thread_ts") in (None, m["ts"])
        and "wrote to Porch" in m["text"]
    ]


def thread(workspace: SandboxWorkspace, card: dict[str, Any]) -> list[dict[str, Any]]:
    return workspace.fake.thread(workspace.fake.channel_id(MANAGERS), card["ts"])[1:]


def card_text(card: dict[str, Any]) -> str:
    parts = []
    for block in card["blocks"]:
        if block["type"] == "section":
            parts.append(block["text"]["text"])
        elif block["type"] == "context":
            parts.extend(e["text"] for e in block["elements"])
    return "\n".join(parts)


def dm_texts(workspace: SandboxWorkspace, user_id: str) -> list[str]:
    return [m["text"] for m in workspace.fake.dm_messages(user_id)]


def porch_dms(workspace: SandboxWorkspace, user_id: str) -> list[str]:
    bot = workspace.fake.bot_user_id
    return [m["text"] for m in workspace.fake.dm_messages(user_id) if m["user"] == bot]


def answer(workspace: SandboxWorkspace, card: dict[str, Any], text: str, **kwargs: Any) -> str:
    return workspace.say(workspace.manager, MANAGERS, text, thread_ts=card["ts"], **kwargs)


def inbox_row(workspace: SandboxWorkspace, conversation: str = "1") -> dict[str, Any] | None:
    with workspace.engine.begin() as conn:
        return get_row(conn, team_id=workspace.fake.team_id, sheet="Inbox", key=conversation)


def test_a_dm_delivered_three_times_makes_one_card_and_one_acknowledgement(
    workspace: SandboxWorkspace,
):
    workspace.join("U0ANA00001", "Ana")
    workspace.settle()
    workspace.dm("U0ANA00001", "Hi! Where do I get feedback on my pricing page?", deliveries=3)
    workspace.settle()

    [card] = cards(workspace)
    text = card_text(card)
    assert "*Ana* wrote to Porch" in text
    assert "Where do I get feedback on my pricing page?" in text
    assert "Joined 02 Nov 2026" in text and "Welcomed, checklist 0 of 4" in text
    assert "/team/U0ANA00001|profile>" in text
    assert "<@U0ANA00001>" not in text  # named, not pinged: the member is not in this channel
    assert [b["elements"][0]["action_id"] for b in card["blocks"] if b["type"] == "actions"] == [
        Action.INBOX_CLOSE
    ]
    assert porch_dms(workspace, "U0ANA00001")[1:] == [
        "Thanks! Your message went to the Indie Makers Circle community team. A manager will "
        "answer right here."
    ]
    row = inbox_row(workspace)
    assert row is not None
    assert (row["Member"], row["Status"], row["First answered"]) == ("Ana", "Open", "")
    assert row["Card"].endswith(f"/p{card['ts'].replace('.', '')}")


def test_a_managers_reply_reaches_the_member_once_and_marks_the_card(
    workspace: SandboxWorkspace,
):
    workspace.join("U0ANA00001", "Ana")
    workspace.dm("U0ANA00001", "Is there a call this week?")
    workspace.settle()
    [card] = cards(workspace)

    workspace.clock.advance(dt.timedelta(minutes=25))
    ts = answer(workspace, card, "Yes: *Thursday* at 17:00, see <https://x.example|the calendar>")
    channel_id = workspace.fake.channel_id(MANAGERS)
    redelivered = slack.message(
        user=workspace.manager,
        channel=channel_id,
        text="Yes: *Thursday* at 17:00, see <https://x.example|the calendar>",
        ts=ts,
        thread_ts=card["ts"],
    )
    workspace.event(redelivered, deliveries=2)
    workspace.settle()
    workspace.settle()

    answers = [t for t in porch_dms(workspace, "U0ANA00001") if "Thursday" in t]
    assert answers == ["Yes: *Thursday* at 17:00, see <https://x.example|the calendar>"]
    [reply] = [m for m in workspace.fake.dm_messages("U0ANA00001") if "Thursday" in m["text"]]
    assert "<@U0MANAGER1>, Indie Makers Circle community team" in card_text(reply)

    [updated] = cards(workspace)
    assert "Answered by <@U0MANAGER1> at " in card_text(updated)
    row = inbox_row(workspace)
    assert row is not None
    # Sam is not in Porch's member records here (never imported), so the row names the ID.
    assert (row["Status"], row["Answered by"], row["Minutes to answer"]) == (
        "Answered",
        "U0MANAGER1",
        25,
    )
    assert row["First answered"] != ""


def test_closing_ends_the_conversation_and_the_next_dm_opens_a_new_card(
    workspace: SandboxWorkspace,
):
    workspace.join("U0ANA00001", "Ana")
    workspace.dm("U0ANA00001", "Where are the rituals listed?")
    workspace.settle()
    [card] = cards(workspace)
    answer(workspace, card, "On the site, under Getting started.")
    workspace.settle()
    workspace.click_message(
        workspace.manager, Action.INBOX_CLOSE, channel=MANAGERS, ts=card["ts"], value="1"
    )
    workspace.click_message(
        workspace.manager, Action.INBOX_CLOSE, channel=MANAGERS, ts=card["ts"], value="1"
    )
    workspace.settle()

    [closed] = cards(workspace)
    text = card_text(closed)
    assert "Answered by <@U0MANAGER1>" in text and "Closed by <@U0MANAGER1>" in text
    assert not [b for b in closed["blocks"] if b["type"] == "actions"]  # no Close button left
    row = inbox_row(workspace)
    assert row["Status"] == "Closed" and row["Closed"] != ""

    workspace.dm("U0ANA00001", "Thanks! One more question")
    workspace.settle()
    _, second = cards(workspace)
    assert "One more question" in card_text(second)
    assert inbox_row(workspace, "2")["Status"] == "Open"


def test_only_managers_can_close(workspace: SandboxWorkspace):
    workspace.join("U0ANA00001", "Ana")
    workspace.join("U0BEN00001", "Ben")
    workspace.fake.add_member(workspace.fake.channel_id(MANAGERS), "U0BEN00001")
    workspace.dm("U0ANA00001", "Hello team")
    workspace.settle()
    [card] = cards(workspace)

    channel_id = workspace.fake.channel_id(MANAGERS)
    response = workspace.sender.interactive(
        slack.block_actions(
            team_id=workspace.fake.team_id,
            user_id="U0BEN00001",
            action_id=Action.INBOX_CLOSE,
            value="1",
            channel_id=channel_id,
            message=card,
            response_url=workspace.fake.response_url(
                channel_id=channel_id, user_id="U0BEN00001", message_ts=card["ts"]
            ),
        )
    )
    assert response.status_code == 200
    workspace.settle()

    # The one refusal every manager-only control gives, only to Ben.
    [ephemeral] = workspace.fake.ephemerals(user_id="U0BEN00001")
    assert "Only community managers can do that" in ephemeral["text"]
    assert "Closed by" not in card_text(cards(workspace)[0])
    with workspace.engine.begin() as conn:
        assert conn.execute(select(inbox_conversations.c.state)).scalar_one() == "Open"


def test_a_close_naming_no_conversation_is_refused(workspace: SandboxWorkspace):
    response = workspace.sender.interactive(
        slack.block_actions(
            team_id=workspace.fake.team_id,
            user_id=workspace.manager,
            action_id=Action.INBOX_CLOSE,
            value="999",
        )
    )
    assert response.status_code == 400


def test_bots_slackbot_and_porch_itself_are_never_relayed(workspace: SandboxWorkspace):
    workspace.join("U0ANA00001", "Ana")
    dm = workspace.fake.dm_channel("U0ANA00001")
    bot_message = slack.message(user="U0BOT00001", channel=dm, text="beep", ts="5.000001")
    bot_message.update({"bot_id": "B0BOT", "subtype": "bot_message", "channel_type": "im"})
    porch_echo = slack.message(
        user=workspace.fake.bot_user_id, channel=dm, text="Thanks!", ts="5.000002"
    )
    porch_echo.update({"bot_id": "B0PORCH", "channel_type": "im"})
    slackbot = slack.message(
        user="USLACKBOT", channel=dm, text="Reminder: ship it", ts="5.000003", channel_type="im"
    )
    # Porch's own user without a bot_id (never sent by Slack, refused all the same).
    own = slack.message(
        user=workspace.fake.bot_user_id, channel=dm, text="echo", ts="5.000004", channel_type="im"
    )
    for event in (bot_message, porch_echo, slackbot, own):
        workspace.event(event)
    workspace.settle()

    assert cards(workspace) == []
    with workspace.engine.begin() as conn:
        assert conn.execute(select(inbox_conversations)).all() == []


def test_a_relay_survives_a_failed_delivery(workspace: SandboxWorkspace):
    workspace.join("U0ANA00001", "Ana")
    workspace.dm("U0ANA00001", "Hello?")
    workspace.settle()
    [card] = cards(workspace)
    workspace.fake.crash_after_next("chat.postMessage")
    answer(workspace, card, "Hi Ana!")
    workspace.settle()
    workspace.clock.advance(dt.timedelta(minutes=5))
    workspace.settle()

    assert dm_texts(workspace, "U0ANA00001").count("Hi Ana!") == 1


def test_a_reply_in_the_thread_of_the_welcome_dm_reaches_the_managers(workspace_factory, config):
    workspace = workspace_factory(config_with(config, inbox={"acknowledge": False}))
    workspace.join("U0ANA00001", "Ana")
    workspace.settle()
    [welcome] = workspace.fake.dm_messages("U0ANA00001")
    workspace.dm("U0ANA00001", "Which channel is for design feedback?", thread_ts=welcome["ts"])
    workspace.settle()

    [card] = cards(workspace)
    assert "Which channel is for design feedback?" in card_text(card)
    assert porch_dms(workspace, "U0ANA00001") == [welcome["text"]]  # no acknowledgement
