"""Helpers for moderation's conversations: a config with rules, members speaking, editing,
deleting and reporting through the sandbox workspace, and the cards the managers see."""

from __future__ import annotations

import json
from typing import Any

from porch.core.config import Config
from porch.features.keyword_alerts.config import KeywordAlertsConfig
from porch.features.moderation.config import ModerationConfig, ModerationRule
from porch.sandbox import slack_requests as slack
from porch.sandbox.workspace import SandboxWorkspace

ANA, BEN, CAL = "U0ANA00001", "U0BEN00001", "U0CAL00001"
PITCH = ModerationRule(
    name="Crypto pitch",
    guideline="No unsolicited pitches",
    keywords=["crypto giveaway"],
    patterns=[r"t\.me/\w+"],
)


def moderating(
    config: Config, *rules: ModerationRule, words: tuple[str, ...] = (), limit_ms: int = 200
) -> Config:
    section = ModerationConfig(rules=list(rules), pattern_time_limit_ms=limit_ms)
    return config.model_copy(
        update={"moderation": section, "keyword_alerts": KeywordAlertsConfig(words=list(words))}
    )


def members(workspace: SandboxWorkspace) -> None:
    for user, name in ((ANA, "Ana"), (BEN, "Ben"), (CAL, "Cal")):
        workspace.join(user, name)
    workspace.settle()


def cards(workspace: SandboxWorkspace) -> list[dict[str, Any]]:
    """The messages in the managers' channel that are about a member's message."""
    channel = workspace.fake.channel_id(workspace.config.channels.moderators)
    return [
        m
        for m in workspace.fake.messages(channel)
        if "for a look" in json.dumps(m["blocks"]) or "mentions" in m["text"]
    ]


def text_of(message: dict[str, Any]) -> str:
    return json.dumps(message["blocks"], ensure_ascii=False)


def edit(workspace: SandboxWorkspace, user: str, channel: str, ts: str, text: str, *, times=1):
    channel_id = workspace.fake.channel_id(channel)
    event = {
        "type": "message",
        "subtype": "message_changed",
        "channel": channel_id,
        "channel_type": "channel",
        "ts": f"{ts}1",
        "event_ts": f"{ts}1",
        "hidden": True,
        "message": {"type": "message", "user": user, "text": text, "ts": ts, "edited": {}},
        "previous_message": {"type": "message", "user": user, "text": "", "ts": ts},
    }
    workspace.event(event, deliveries=times)


def delete(workspace: SandboxWorkspace, channel: str, ts: str) -> None:
    channel_id = workspace.fake.channel_id(channel)
    event = {
        "type": "message",
        "subtype": "message_deleted",
        "channel": channel_id,
        "channel_type": "channel",
        "ts": f"{ts}2",
        "event_ts": f"{ts}2",
        "hidden": True,
        "deleted_ts": ts,
    }
    workspace.event(event)


def report(workspace: SandboxWorkspace, reporter: str, channel: str, ts: str) -> slack.Response:
    channel_id = workspace.fake.channel_id(channel)
    [message] = [m for m in workspace.fake.messages(channel_id) if m["ts"] == ts]
    return workspace.sender.interactive(
        slack.message_shortcut(
            team_id=workspace.fake.team_id,
            user_id=reporter,
            callback_id="porch_report_message",
            channel_id=channel_id,
            message=message,
        )
    )


def last_modal(workspace: SandboxWorkspace) -> dict[str, Any]:
    return workspace.fake.opened_views()[-1]["view"]
