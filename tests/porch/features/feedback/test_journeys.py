"""Feedback through Slack's HTTP requests (the sandbox): a tag reaction, the shortcut or
/feedback makes one item per message; Porch acknowledges it once in the thread, shows managers
a card, and a closing status (the card's menu, managers only) posts one follow-up where the
feedback was given. The rules themselves are tested against the store in test_items.py."""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

from sqlalchemy import select

from porch.core.mrkdwn_html import block_texts
from porch.core.store.schema import effects
from porch.core.tracker_queue import get_row
from porch.features.feedback.store import Item, get, item_id_for
from porch.sandbox import slack_requests as slack
from porch.sandbox.workspace import SandboxWorkspace
from porch.sheets_sync import dashboard
from tests.conftest import config_with

DANA = "U0DANA0001"
ANA = "U0ANA00001"


def item(workspace: SandboxWorkspace, channel: str, ts: str) -> Item | None:
    with workspace.engine.begin() as conn:
        return get(
            conn,
            team_id=workspace.fake.team_id,
            item_id=item_id_for(workspace.fake.channel_id(channel), ts),
        )


def words(message: dict[str, Any]) -> str:
    return " ".join(block_texts(message.get("blocks"), message["text"]))


def thread_replies(workspace: SandboxWorkspace, channel: str, ts: str) -> list[dict[str, Any]]:
    return [
        m
        for m in workspace.fake.thread(workspace.fake.channel_id(channel), ts)
        if m["ts"] != ts and m["user"] == workspace.fake.bot_user_id
    ]


def cards(workspace: SandboxWorkspace) -> list[dict[str, Any]]:
    moderators = workspace.fake.channel_id(workspace.config.channels.moderators)
    return [m for m in workspace.fake.messages(moderators) if "feedback" in m["text"].lower()]


def set_status(workspace: SandboxWorkspace, user_id: str, card: dict[str, Any], status: str):
    """Pick `status` in the card's menu, as `user_id`."""
    moderators = workspace.fake.channel_id(workspace.config.channels.moderators)
    [menu] = [e for b in card["blocks"] if b["type"] == "actions" for e in b["elements"]]
    [option] = [o for o in menu["options"] if o["value"].startswith(status + " ")]
    payload = slack.block_actions(
        team_id=workspace.fake.team_id,
        user_id=user_id,
        action_id=menu["action_id"],
        action_type="static_select",
        selected_option=option,
        channel_id=moderators,
        message=card,
        response_url=workspace.fake.response_url(
            channel_id=moderators, user_id=user_id, message_ts=card["ts"]
        ),
    )
    response = workspace.sender.interactive(payload)
    assert response.status_code == 200, response.text
    workspace.settle()


def joined(workspace: SandboxWorkspace) -> None:
    workspace.join(DANA, "Dana")
    workspace.join(ANA, "Ana")
    workspace.settle()


def test_a_tag_reaction_in_general_is_acknowledged_once_and_a_second_emoji_updates_it(
    workspace: SandboxWorkspace,
):
    joined(workspace)
    text = "The calendar link in the welcome DM is broken <!channel>"
    ts = workspace.say(DANA, "general", text)
    workspace.react(ANA, "general", ts, "bug", author=DANA, deliveries=3)
    workspace.settle()

    [ack] = thread_replies(workspace, "general", ts)
    assert f"<@{DANA}>" in words(ack) and "bug" in words(ack)
    assert "passed this on to the team as *bug*" in words(ack)
    assert "logged" not in words(ack) and "logged" not in ack["text"]
    [card] = cards(workspace)
    # The excerpt was fetched from Slack and is escaped where it is echoed.
    assert "&lt;!channel&gt;" in card["blocks"][0]["text"]["text"]
    assert "<!channel>" not in json.dumps(card["blocks"])

    workspace.react(ANA, "general", ts, "bulb", author=DANA)
    workspace.react(workspace.manager, "general", ts, "bug", author=DANA)
    workspace.settle()

    assert len(thread_replies(workspace, "general", ts)) == 1
    [card] = cards(workspace)
    assert "bug, idea" in card["blocks"][0]["text"]["text"]  # the card shows the new tag
    found = item(workspace, "general", ts)
    assert found is not None
    assert (found.tags, found.status, found.author_id) == (["bug", "idea"], "open", DANA)
    assert found.excerpt == text and found.acknowledged_at is None  # Porch's reply: automatic
    with workspace.engine.begin() as conn:
        row = get_row(conn, team_id=workspace.fake.team_id, sheet="Feedback", key=found.item_id)
    assert row is not None
    assert (row["Tag"], row["Status"], row["From"]) == ("bug, idea", "Open", "Dana")
    assert row["Acknowledged"] == "" and row["Closed"] == "" and row["Votes"] == 0
    with workspace.engine.begin() as conn:
        figures = dashboard.load(
            conn, team_id=workspace.fake.team_id, tags=["bug", "idea"], now=workspace.clock.now()
        )
    assert figures.tag_counts == [("bug", 1), ("idea", 1)]  # counted under each of its tags


def test_votes_count_and_taking_every_tag_back_before_triage_withdraws_the_item(
    workspace: SandboxWorkspace,
):
    joined(workspace)
    ts = workspace.say(DANA, "general", "Could we have a jobs channel?")
    workspace.react(ANA, "general", ts, "+1", author=DANA)  # a vote before it was feedback
    workspace.react(ANA, "general", ts, "bulb", author=DANA)
    workspace.react(workspace.manager, "general", ts, "+1::skin-tone-2", author=DANA)
    workspace.settle()
    assert item(workspace, "general", ts).votes == 2

    workspace.react(ANA, "general", ts, "bulb", author=DANA, removed=True)
    withdrawn = item(workspace, "general", ts)
    assert (withdrawn.tags, withdrawn.status) == ([], "withdrawn")
    assert len(thread_replies(workspace, "general", ts)) == 1  # not deleted, not re-acknowledged


def test_managers_only_tagging_ignores_members(workspace_factory, config):
    workspace = workspace_factory(config_with(config, feedback={"tag_by": "managers"}))
    joined(workspace)
    ts = workspace.say(DANA, "general", "Dark mode please")
    workspace.react(ANA, "general", ts, "bulb", author=DANA)
    workspace.settle()
    assert item(workspace, "general", ts) is None

    workspace.react(workspace.manager, "general", ts, "bulb", author=DANA)
    workspace.settle()
    assert len(thread_replies(workspace, "general", ts)) == 1


def test_a_closing_status_posts_one_follow_up_and_non_managers_are_refused(
    workspace: SandboxWorkspace,
):
    joined(workspace)
    ts = workspace.say(DANA, "feedback", "Search misses old threads")
    workspace.react(workspace.manager, "feedback", ts, "bug", author=DANA)
    workspace.settle()
    [card] = cards(workspace)

    set_status(workspace, ANA, card, "shipped")
    [refusal] = workspace.fake.ephemerals(user_id=ANA)
    assert "Only community managers" in words(refusal)
    assert item(workspace, "feedback", ts).status == "open"
    assert len(thread_replies(workspace, "feedback", ts)) == 1  # the acknowledgement only

    set_status(workspace, workspace.manager, card, "shipped")
    set_status(workspace, workspace.manager, card, "shipped")
    closed = item(workspace, "feedback", ts)
    assert closed.status == "shipped" and closed.closed_at is not None
    _ack, follow_up = thread_replies(workspace, "feedback", ts)
    assert "shipped" in words(follow_up) and f"<@{DANA}>" in words(follow_up)
    assert f"From <@{workspace.manager}>, for the team." in words(follow_up)
    [card] = cards(workspace)
    assert f"<@{workspace.manager}> marked it *shipped*" in json.dumps(card["blocks"])
    assert "Set by" not in words(follow_up) and "set by" not in json.dumps(card["blocks"])

    set_status(workspace, workspace.manager, card, "planned")
    assert len(thread_replies(workspace, "feedback", ts)) == 2  # the loop closes once


def test_the_acknowledgement_survives_a_failure_and_a_crash(workspace: SandboxWorkspace):
    joined(workspace)
    ts = workspace.say(DANA, "general", "Typo on the FAQ page")
    workspace.fake.fail_next("chat.postMessage")
    workspace.fake.crash_after_next("chat.postMessage")
    workspace.react(ANA, "general", ts, "bug", author=DANA)
    for _ in range(4):
        workspace.clock.advance(dt.timedelta(seconds=30))
        workspace.settle()
    assert len(thread_replies(workspace, "general", ts)) == 1


def test_the_shortcut_opens_a_modal_and_its_submission_tags_the_message(
    workspace: SandboxWorkspace,
):
    joined(workspace)
    general = workspace.fake.channel_id("general")
    ts = workspace.say(DANA, "general", "Events page shows the wrong timezone")
    [message] = [m for m in workspace.fake.messages(general) if m["ts"] == ts]
    response = workspace.sender.interactive(
        slack.message_shortcut(
            team_id=workspace.fake.team_id,
            user_id=ANA,
            callback_id="porch_tag_as_feedback",
            channel_id=general,
            message=message,
        )
    )
    assert response.status_code == 200
    [opened] = workspace.fake.opened_views()
    view = opened["view"]
    assert view["callback_id"] == "porch_tag_feedback"

    def submit(tag: str) -> slack.Response:
        return workspace.sender.interactive(
            slack.view_submission(
                team_id=workspace.fake.team_id,
                user_id=ANA,
                callback_id=view["callback_id"],
                private_metadata=view["private_metadata"],
                values={
                    "feedback_tag": {
                        "feedback_tag": {
                            "type": "static_select",
                            "selected_option": {"value": tag},
                        }
                    },
                    "feedback_summary": {"feedback_summary": "Wrong timezone on events"},
                    "feedback_area": {
                        "feedback_area": {
                            "type": "static_select",
                            "selected_option": {"value": "Events"},
                        }
                    },
                },
            )
        )

    bot_message = workspace.fake.add_message(
        general, user=workspace.fake.bot_user_id, text="Porch here"
    )
    [bot] = [m for m in workspace.fake.messages(general) if m["ts"] == bot_message]
    workspace.sender.interactive(
        slack.message_shortcut(
            team_id=workspace.fake.team_id,
            user_id=ANA,
            callback_id="porch_tag_as_feedback",
            channel_id=general,
            message={**bot, "bot_id": "B0PORCHBOT"},  # as Slack sends an app's message
        )
    )
    explained = workspace.fake.opened_views()[-1]["view"]
    assert "Only members' messages" in json.dumps(explained["blocks"])
    assert item(workspace, "general", bot_message) is None

    refused = submit("nonsense")
    assert json.loads(refused.body)["response_action"] == "errors"
    assert submit("bug").status_code == 200
    workspace.settle()
    tagged = item(workspace, "general", ts)
    assert (tagged.tags, tagged.area) == (["bug"], "Events")
    assert tagged.summary == "Wrong timezone on events"
    assert len(thread_replies(workspace, "general", ts)) == 1
    assert len(cards(workspace)) == 1


def test_slash_feedback_submits_directly_and_the_author_hears_the_outcome(
    workspace: SandboxWorkspace,
):
    joined(workspace)
    general = workspace.fake.channel_id("general")

    def feedback(text: str) -> dict[str, Any]:
        response = workspace.sender.command(
            slack.slash_command(
                team_id=workspace.fake.team_id,
                user_id=DANA,
                command="/feedback",
                text=text,
                channel_id=general,
            )
        )
        assert response.status_code == 200
        return json.loads(response.body)

    assert "Add your feedback" in feedback("  ")["text"]
    answer = feedback("Please add a #jobs channel")
    assert answer["response_type"] == "ephemeral" and "logged" in answer["text"]
    workspace.settle()
    [card] = cards(workspace)
    set_status(workspace, workspace.manager, card, "planned")

    [dm] = [m for m in workspace.fake.dm_messages(DANA) if "planned" in words(m)]
    assert "Please add a #jobs channel" in words(dm)
    with workspace.engine.begin() as conn:
        keys = conn.execute(select(effects.c.effect_key)).scalars().all()
    assert not [k for k in keys if k.startswith("feedback-ack:cmd:")]  # acked in the reply


def test_a_reaction_on_a_file_is_dropped_at_the_edge_with_a_log_line(
    workspace: SandboxWorkspace, caplog
):
    joined(workspace)
    event = slack.reaction_added(
        user=ANA,
        reaction="bug",
        item_user=DANA,
        channel=workspace.fake.channel_id("general"),
        ts="1700000000.000100",
    )
    event["item"] = {"type": "file", "file": "F0FILE0001"}
    with caplog.at_level(logging.INFO, logger="porch.core.domain_events"):
        workspace.event(event)
    workspace.settle()
    assert "ignored a reaction on a file" in caplog.text
    assert cards(workspace) == []


def test_managers_see_open_items_oldest_first_in_app_home(workspace: SandboxWorkspace):
    joined(workspace)
    first = workspace.say(DANA, "general", "Older: search misses threads")
    workspace.react(ANA, "general", first, "bug", author=DANA)
    workspace.clock.advance(dt.timedelta(hours=1))
    second = workspace.say(ANA, "general", "Newer: add a jobs channel")
    workspace.react(DANA, "general", second, "bulb", author=ANA)
    workspace.settle()

    workspace.open_home(workspace.manager)
    workspace.settle()
    home = json.dumps(workspace.fake.home_view(workspace.manager)["blocks"])
    assert "Open feedback" in home
    assert home.index("Older: search") < home.index("Newer: add")
    workspace.open_home(DANA)
    workspace.settle()
    assert "Open feedback" not in json.dumps(workspace.fake.home_view(DANA)["blocks"])


def test_the_author_is_asked_for_details_once(workspace_factory, config):
    workspace = workspace_factory(config_with(config, feedback={"ask_for_details": True}))
    joined(workspace)
    ts = workspace.say(DANA, "general", "The RSVP form loses my answers")
    workspace.react(ANA, "general", ts, "bug", author=DANA, deliveries=2)
    workspace.react(ANA, "general", ts, "question", author=DANA)
    workspace.settle()

    asks = [m for m in workspace.fake.dm_messages(DANA) if "tell us a little more" in words(m)]
    assert len(asks) == 1
    assert "The RSVP form loses my answers" in words(asks[0])


def test_a_forged_tag_submission_is_checked_against_slack_and_dropped(
    workspace: SandboxWorkspace, caplog
):
    """The modal's private_metadata is the sender's to forge: the item's author and text come
    from the message as Slack has it, and a message that is not there or not by the author the
    metadata names is dropped with one log line, nothing posted."""
    joined(workspace)
    general = workspace.fake.channel_id("general")
    moderators = workspace.fake.channel_id(workspace.config.channels.moderators)
    real = "Events page shows the wrong timezone"
    ts = workspace.say(DANA, "general", real)
    own = workspace.say(ANA, "general", "Lunch anyone?")

    def submit(metadata: dict[str, str], *, view_id: str | None = None) -> slack.Response:
        response = workspace.sender.interactive(
            slack.view_submission(
                team_id=workspace.fake.team_id,
                user_id=ANA,
                callback_id="porch_tag_feedback",
                private_metadata=json.dumps(metadata),
                view_id=view_id,
                values={
                    "feedback_tag": {
                        "feedback_tag": {
                            "type": "static_select",
                            "selected_option": {"value": "bug"},
                        }
                    },
                    "feedback_summary": {"feedback_summary": ""},
                },
            )
        )
        assert response.status_code == 200, response.text
        return response

    def posted() -> int:
        return len(workspace.fake.messages(general)) + len(workspace.fake.messages(moderators))

    before = posted()
    forged = [
        # Ana's own message, in Dana's name, with words Dana never wrote.
        {"channel": general, "ts": own, "author": DANA, "text": "Dana: this community is a scam"},
        # A message that does not exist.
        {"channel": general, "ts": "1700000000.000100", "author": DANA, "text": "made up"},
    ]
    with caplog.at_level(logging.INFO, logger="porch.features.feedback"):
        for metadata in forged:
            submit(metadata)
        workspace.settle()
    assert item(workspace, "general", own) is None
    assert item(workspace, "general", "1700000000.000100") is None
    assert posted() == before
    assert cards(workspace) == []
    dropped = [r for r in caplog.records if r.name.startswith("porch.features.feedback")]
    assert len(dropped) == 2, caplog.text

    # The honest submission (with made-up text, which is never used), delivered twice.
    honest = {"channel": general, "ts": ts, "author": DANA, "text": "Dana: this is a scam"}
    submit(honest, view_id="V0HONEST01")
    submit(honest, view_id="V0HONEST01")
    workspace.settle()
    tagged = item(workspace, "general", ts)
    assert tagged is not None
    assert (tagged.author_id, tagged.excerpt, tagged.tags) == (DANA, real, ["bug"])
    assert len(thread_replies(workspace, "general", ts)) == 1
    [card] = cards(workspace)
    assert "scam" not in json.dumps(card)


def row_of(workspace: SandboxWorkspace, item_id: str) -> dict[str, Any]:
    with workspace.engine.begin() as conn:
        row = get_row(conn, team_id=workspace.fake.team_id, sheet="Feedback", key=item_id)
    assert row is not None
    return row


def test_acknowledged_is_when_a_person_replied_or_set_a_status_never_porchs_own_reply(
    workspace: SandboxWorkspace,
):
    joined(workspace)
    sam = workspace.manager
    ts = workspace.say(DANA, "general", "Search misses old threads")
    workspace.react(ANA, "general", ts, "bug", author=DANA)
    workspace.settle()
    assert len(thread_replies(workspace, "general", ts)) == 1  # Porch's reply: not a person
    assert item(workspace, "general", ts).acknowledged_at is None
    workspace.open_home(sam)
    workspace.settle()
    assert "not acknowledged yet" in json.dumps(workspace.fake.home_view(sam)["blocks"])

    workspace.clock.advance(dt.timedelta(minutes=5))
    workspace.say(DANA, "general", "It happens every time", thread_ts=ts)  # the author
    assert item(workspace, "general", ts).acknowledged_at is None

    workspace.clock.advance(dt.timedelta(minutes=15))
    replied = workspace.clock.now()
    workspace.say(sam, "general", "Thanks Dana, looking into it", thread_ts=ts)
    workspace.clock.advance(dt.timedelta(minutes=10))
    workspace.say(ANA, "general", "Same here", thread_ts=ts)
    workspace.settle()
    found = item(workspace, "general", ts)
    assert found.acknowledged_at == replied  # the first person's reply, kept
    assert row_of(workspace, found.item_id)["Acknowledged"]
    workspace.open_home(sam)
    workspace.settle()
    assert "not acknowledged yet" not in json.dumps(workspace.fake.home_view(sam)["blocks"])

    # /feedback has no thread: Porch's answer is automatic, the status a manager sets is not.
    response = workspace.sender.command(
        slack.slash_command(
            team_id=workspace.fake.team_id,
            user_id=DANA,
            command="/feedback",
            text="Please add a #jobs channel",
            channel_id=workspace.fake.channel_id("general"),
        )
    )
    assert response.status_code == 200
    workspace.settle()
    [command_item] = [c for c in cards(workspace) if "jobs channel" in c["text"]]
    item_id = command_item["blocks"][-1]["elements"][0]["options"][0]["value"].split(" ")[1]

    def acknowledged() -> dt.datetime | None:
        with workspace.engine.begin() as conn:
            found = get(conn, team_id=workspace.fake.team_id, item_id=item_id)
        assert found is not None
        return found.acknowledged_at

    assert acknowledged() is None and row_of(workspace, item_id)["Acknowledged"] == ""
    workspace.clock.advance(dt.timedelta(minutes=40))
    set_status(workspace, sam, command_item, "planned")
    assert acknowledged() == workspace.clock.now()


def test_praise_is_thanked_and_closed_not_left_open(workspace: SandboxWorkspace):
    joined(workspace)
    sam = workspace.manager
    ts = workspace.say(DANA, "feedback", "The weekly thread is great, more please")
    workspace.react(sam, "feedback", ts, "heart", author=DANA)
    workspace.settle()

    praise = item(workspace, "feedback", ts)
    assert (praise.tags, praise.status) == (["praise"], "thanked")
    assert praise.closed_at == workspace.clock.now() and praise.acknowledged_at is None
    [thanks] = thread_replies(workspace, "feedback", ts)
    assert "Thank you" in words(thanks) and f"<@{DANA}>" in words(thanks)
    assert "within" not in words(thanks) and "what comes of it" not in words(thanks)
    row = row_of(workspace, praise.item_id)
    assert (row["Status"], bool(row["Closed"])) == ("Thanked", True)
    [card] = cards(workspace)
    assert "praise" in words(card)
    assert not [b for b in card["blocks"] if b["type"] == "actions"]  # nothing to triage
    workspace.open_home(sam)
    workspace.settle()
    assert "weekly thread" not in json.dumps(workspace.fake.home_view(sam)["blocks"])

    # Tagged as an idea too, it is a request: open, on the card's menu, in App Home.
    workspace.react(ANA, "feedback", ts, "bulb", author=DANA)
    workspace.settle()
    request = item(workspace, "feedback", ts)
    assert (request.tags, request.status, request.closed_at) == (["praise", "idea"], "open", None)
    [card] = cards(workspace)
    assert [b for b in card["blocks"] if b["type"] == "actions"]
    # The idea taken back: praise again, thanked again.
    workspace.react(ANA, "feedback", ts, "bulb", author=DANA, removed=True)
    assert item(workspace, "feedback", ts).status == "thanked"
