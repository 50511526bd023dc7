"""The demo's office hour: Sam announces it with `/porch event` on Wednesday, members answer
on the card; on Thursday those going are reminded, the thread opens at the start, Ana checks in,
Chloé's question is answered, and the recap and the managers' attendance card follow."""

from __future__ import annotations

import json
from typing import Any

from porch.core import tracker_queue
from porch.features.live_events.ids import Action, Input, View

Demo = Any  # porch.sandbox.demo.Demo, which features do not import
ANA, CHLOE, ELI = "U0ANA00001", "U0CHLOE001", "U0ELI00001"
TITLE = "Office hour: pricing your first plan"


def _card(box: Demo) -> dict[str, Any] | None:
    fake = box.workspace.fake
    home = fake.channel_id(getattr(box.config.channels, box.config.events.announce_in))
    found = [
        m
        for m in fake.messages(home)
        if m["user"] == fake.bot_user_id and m.get("text", "").startswith(TITLE)
    ]
    return found[-1] if found else None


def _event_id(card: dict[str, Any]) -> str:
    return next(
        e["value"]
        for b in card["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == Action.EVENT_GOING
    )


def _click(box: Demo, user_id: str, action: str, label: str, card: dict[str, Any]) -> None:
    box.narrate(f"{box.names.get(user_id, user_id)} clicks [{label}]")
    channel = getattr(box.config.channels, box.config.events.announce_in)
    box.workspace.click_message(
        user_id, action, channel=channel, ts=card["ts"], value=_event_id(card)
    )
    box.settle()


def announced(box: Demo) -> None:
    """Wednesday: Sam announces Thursday's office hour; three members answer."""
    # The sandbox's payload builders, only when the demo plays (they need `requests`).
    from porch.sandbox import slack_requests as slack

    workspace = box.workspace
    box.at(3, "11:00")
    box.narrate("Sam runs `/porch event` and fills in the modal: Thursday 18:00, in #general.")
    workspace.command(workspace.manager, "event")

    def field(value: str) -> dict[str, Any]:
        return {"type": "plain_text_input", "value": value}

    values = {
        Input.EVENT_TITLE: {Input.EVENT_TITLE: field(TITLE)},
        Input.EVENT_WHEN: {Input.EVENT_WHEN: field("2026-11-05 18:00")},
        Input.EVENT_LENGTH: {
            Input.EVENT_LENGTH: {"type": "static_select", "selected_option": {"value": "60"}}
        },
        Input.EVENT_WHERE: {Input.EVENT_WHERE: field(box.config.channels.home)},
        Input.EVENT_DESCRIPTION: {
            Input.EVENT_DESCRIPTION: field("Bring your pricing page; Sam and Dana review it live.")
        },
    }
    workspace.sender.interactive(
        slack.view_submission(
            team_id=workspace.fake.team_id,
            user_id=workspace.manager,
            callback_id=View.EVENT_FORM,
            values=values,
            private_metadata=json.dumps({"event_id": ""}),
        )
    )
    box.settle()
    card = _card(box)
    if card is None:
        return
    _click(box, ANA, Action.EVENT_GOING, "Going", card)
    _click(box, CHLOE, Action.EVENT_GOING, "Going", card)
    _click(box, ELI, Action.EVENT_MAYBE, "Maybe", card)
    box.at(3, "11:01")
    box.narrate("The card's count now reads: 2 going · 1 maybe (one update for the three clicks).")


def held(box: Demo) -> None:
    """Thursday: the reminder, the thread at the start, check-in, a question, the recap."""
    card = _card(box)
    if card is None:
        return
    workspace = box.workspace
    home = box.config.channels.home
    box.narrate("15 minutes before: Ana and Chloé get their reminder (each in her own timezone).")
    box.at(4, "17:45")
    box.narrate("18:00: the office hour starts; Porch opens the thread for questions.")
    box.at(4, "18:01")
    _click(box, ANA, Action.EVENT_CHECK_IN, "Check in", card)
    box.say(CHLOE, home, "Should a first plan be monthly or yearly?", thread_ts=card["ts"])
    box.say(
        workspace.manager,
        home,
        "Start monthly: you learn faster, and add yearly once people stay.",
        thread_ts=card["ts"],
    )
    box.narrate("19:30: the recap in the thread, and the attendance card for the managers.")
    box.at(4, "19:31")
    managers = box.config.channels.moderators
    cards = [
        m
        for m in workspace.fake.messages(workspace.fake.channel_id(managers))
        if m.get("text", "").startswith("Attendance at")
    ]
    if cards:
        box.narrate("Chloé forgot to check in; Sam counts those who said Going as attended.")
        box.narrate("Sam clicks [Count Going as attended]")
        workspace.click_message(
            workspace.manager,
            Action.EVENT_CONFIRM,
            channel=managers,
            ts=cards[-1]["ts"],
            value=_event_id(card),
        )
        box.settle()
    with workspace.engine.begin() as conn:
        row = tracker_queue.get_row(
            conn, team_id=workspace.fake.team_id, sheet="Events", key=_event_id(card)
        )
    if row is not None:
        box.narrate(
            f"The tracker's Events worksheet: {row['Going']} going, {row['Attended']} attended, "
            f"{row['Questions']} question ({row['Unanswered']} unanswered); the health report "
            "counts the attendance."
        )


SCENES = {"office hour announced": announced, "office hour held": held}
