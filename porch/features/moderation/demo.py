"""The demo's scene "a report and a reminder": a member's message matches a moderation rule, a
second member reports it (the report joins the same card), and a manager sends a reminder from
the card, with a reason for the record."""

from __future__ import annotations

from typing import Any

from porch.core.config import Config
from porch.core.mrkdwn_html import to_plain
from porch.features.moderation.config import ModerationConfig, ModerationRule
from porch.features.moderation.ids import Action, Input, Shortcut

ELI, DANA = "U0ELI00001", "U0DANA0001"
SCENE = "a report and a reminder"


def demo_config(config: Config) -> dict[str, Any]:
    """One rule in the demo, tied to the example's "No unsolicited pitches" guideline."""
    titles = [rule.title for rule in config.guidelines.rules]
    guideline = next((t for t in titles if "pitch" in t.lower()), titles[0])
    rule = ModerationRule(name="Crypto pitch", guideline=guideline, keywords=["crypto giveaway"])
    return {"moderation": ModerationConfig(rules=[rule])}


def a_report_and_a_reminder(box: Any) -> None:
    """`box` is the demo (porch.sandbox.demo.Demo)."""
    from porch.sandbox import slack_requests as slack

    workspace = box.workspace
    home, managers = box.config.channels.home, box.config.channels.moderators
    box.narrate(
        "Eli posts a giveaway in #general. It matches the moderation rule “Crypto pitch”, so "
        "the community team gets one card (however often Slack delivers the message)."
    )
    ts = box.say(ELI, home, "Crypto giveaway tonight!! DM me to get on the list")
    channel_id = workspace.fake.channel_id(home)
    [message] = [m for m in workspace.fake.messages(channel_id) if m["ts"] == ts]
    box.narrate(
        "Dana uses Report message on it. Porch thanks her privately, and her report joins the "
        "same card: the managers see who reported, Eli never does."
    )
    workspace.sender.interactive(
        slack.message_shortcut(
            team_id=workspace.fake.team_id,
            user_id=DANA,
            callback_id=Shortcut.REPORT_MESSAGE,
            channel_id=channel_id,
            message=message,
        )
    )
    box.settle()
    card = _card(box, ts)
    box.narrate(f"The card now says: {_line(box, card, 'Reported by')}")
    box.narrate(
        "Sam clicks [Remind] on the card and writes why, for the record; Porch sends Eli a "
        "kind reminder of the guideline and updates the card."
    )
    workspace.click_message(
        workspace.manager,
        Action.MODERATION_STEP,
        channel=managers,
        ts=card["ts"],
        value=f"remind:{channel_id}:{ts}",
    )
    view = workspace.fake.opened_views()[-1]["view"]
    workspace.sender.interactive(
        slack.view_submission(
            team_id=workspace.fake.team_id,
            user_id=workspace.manager,
            callback_id=view["callback_id"],
            private_metadata=view["private_metadata"],
            values={
                Input.MODERATION_REASON: {Input.MODERATION_REASON: "First time; pointed to #wins"}
            },
        )
    )
    box.settle()
    box.narrate(f"The card now says: {_line(box, _card(box, ts), 'Reminder')}")


def _card(box: Any, ts: str) -> dict[str, Any]:
    fake = box.workspace.fake
    channel = fake.channel_id(box.config.channels.moderators)
    home = fake.channel_id(box.config.channels.home)
    [card] = [
        m
        for m in fake.messages(channel)
        if m["user"] == fake.bot_user_id and f"{home}:{ts}" in str(m["blocks"])
    ]
    return card


def _line(box: Any, card: dict[str, Any], starting: str) -> str:
    """The card's context line that mentions `starting`, as a manager reads it."""
    for block in card["blocks"]:
        if block["type"] == "context":
            text = to_plain(block["elements"][0]["text"], names=box.names)
            for line in text.splitlines():
                if starting in line:
                    return line.strip()
    return ""


SCENES = {SCENE: a_report_and_a_reminder}
