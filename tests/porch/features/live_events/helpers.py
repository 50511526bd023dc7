"""What the events' conversation tests share: a config with events, the modal submitted as
Slack sends it, and reading the card, DMs and thread from the fake Slack."""

from __future__ import annotations

import json
from typing import Any

from porch.core.config import Config
from porch.features.live_events.config import EventsConfig, RecurringEvent
from porch.features.live_events.ids import Input, View
from porch.sandbox import slack_requests as slack
from porch.sandbox.workspace import SandboxWorkspace

ANA, BEN, KAI = "U0ANA00001", "U0BEN00001", "U0KAI00001"
# What only an event card shows: its buttons, or how it ended.
CARD_MARKS = ("porch_event_going", "will not take place", "This event has ended")


def with_events(config: Config, *recurring: dict[str, Any], **settings: Any) -> Config:
    section = EventsConfig(recurring=[RecurringEvent(**r) for r in recurring], **settings)
    return config.model_copy(update={"events": section})


def submit(
    workspace: SandboxWorkspace,
    user_id: str,
    *,
    title: str = "AMA with the founders",
    when: str = "2026-11-05 17:00",
    length: str = "60",
    where: str = "general",
    description: str = "Bring your questions <!channel>.",
    event_id: str = "",
) -> Any:
    values = {
        Input.EVENT_TITLE: {Input.EVENT_TITLE: title},
        Input.EVENT_WHEN: {Input.EVENT_WHEN: when},
        Input.EVENT_LENGTH: {
            Input.EVENT_LENGTH: {
                "type": "static_select",
                "selected_option": {
                    "value": length,
                    "text": {"type": "plain_text", "text": length},
                },
            }
        },
        Input.EVENT_WHERE: {Input.EVENT_WHERE: where},
        Input.EVENT_DESCRIPTION: {Input.EVENT_DESCRIPTION: description},
    }
    return workspace.sender.interactive(
        slack.view_submission(
            team_id=workspace.fake.team_id,
            user_id=user_id,
            callback_id=View.EVENT_FORM,
            values=values,
            private_metadata=json.dumps({"event_id": event_id}),
        )
    )


def errors(response: Any) -> dict[str, str]:
    if response.text in ("", "null"):
        return {}
    body = json.loads(response.text)
    return body.get("errors", {}) if body.get("response_action") == "errors" else {}


def cards(workspace: SandboxWorkspace) -> list[dict[str, Any]]:
    """The bot's top-level event announcements in the home channel."""
    home = workspace.fake.channel_id(workspace.config.channels.home)
    return [
        m
        for m in workspace.fake.messages(home)
        if m["user"] == workspace.fake.bot_user_id
        and m.get("thread_ts") in (None, m["ts"])
        and any(word in json.dumps(m.get("blocks")) for word in CARD_MARKS)
    ]


def card_text(message: dict[str, Any]) -> str:
    return json.dumps(message.get("blocks"), ensure_ascii=False)


def dms(workspace: SandboxWorkspace, user_id: str, containing: str) -> list[dict[str, Any]]:
    return [m for m in workspace.fake.dm_messages(user_id) if containing in m.get("text", "")]
