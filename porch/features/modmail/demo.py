"""The demo's scene "a question by DM": a member answers Porch's check-in with a question, the
card reaches the managers' channel, Sam answers in its thread and the member gets the answer."""

from __future__ import annotations

from typing import Any

from porch.core import tracker_queue
from porch.core.mrkdwn_html import to_plain
from porch.features.modmail.ids import Action


def a_question_by_dm(box: Any) -> None:
    """`box` is the demo (porch.sandbox.demo.Demo)."""
    workspace = box.workspace
    managers = box.config.channels.moderators
    box.at(31, "10:05")
    box.narrate(
        "Ana replies to her check-in with a question; Slack delivers it twice. Porch relays it "
        "once, to the managers' channel, and tells her it arrived."
    )
    question = (
        "Going well, thanks! Is there somewhere I can get feedback on my onboarding emails "
        "before I send them? <!channel>"
    )
    box.dm("U0ANA00001", question, deliveries=2)

    channel_id = workspace.fake.channel_id(managers)
    [card] = [
        m
        for m in workspace.fake.messages(channel_id)
        if m["user"] == workspace.fake.bot_user_id and "wrote to Porch" in m["text"]
    ]
    box.narrate("Sam leaves a note for the team (it starts with //, so Ana never sees it).")
    box.say(
        workspace.manager,
        managers,
        "// Dana offered to review emails last week, I'll connect them",
        thread_ts=card["ts"],
    )
    box.at(31, "10:19")
    box.narrate("Sam answers in the card's thread; Porch sends the answer to Ana, once.")
    box.say(
        workspace.manager,
        managers,
        "Hi Ana! Post them in #feedback on Friday, review day, and tag me. Dana reviews emails "
        "too, so expect a note from her.",
        thread_ts=card["ts"],
    )
    box.narrate(f"The card now says: {_card_status(box, card['ts'])}")
    box.narrate("Ana has her answer, so Sam closes the conversation with the card's button.")
    workspace.click_message(
        workspace.manager, Action.INBOX_CLOSE, channel=managers, ts=card["ts"], value="1"
    )
    box.settle()
    box.narrate(f"The card now says: {_card_status(box, card['ts'])}")
    with workspace.engine.begin() as conn:
        row = tracker_queue.get_row(conn, team_id=workspace.fake.team_id, sheet="Inbox", key="1")
    if row is not None:
        box.narrate(
            f"The tracker's Inbox worksheet records the conversation: {row['Status'].lower()}, "
            f"first answered by {row['Answered by']} {row['Minutes to answer']} minutes after "
            "Ana wrote."
        )


def _card_status(box: Any, ts: str) -> str:
    """The card's last line of status (who answered, who closed), as a manager reads it."""
    channel_id = box.workspace.fake.channel_id(box.config.channels.moderators)
    [card] = [m for m in box.workspace.fake.messages(channel_id) if m["ts"] == ts]
    contexts = [b for b in card["blocks"] if b["type"] == "context"]
    text = contexts[0]["elements"][0]["text"].splitlines()[0] if contexts else card["text"]
    return to_plain(text, names=box.names)


SCENES = {"a question by DM": a_question_by_dm}
