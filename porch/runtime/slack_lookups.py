"""What the effect worker asks Slack about messages: whether an earlier attempt of an effect was
posted (its key in the message metadata), and one message's author and text for a feature."""

from __future__ import annotations

import datetime as dt
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from porch.core.effect_queue import Effect

# The metadata event type every message Porch posts carries, with its effect key.
METADATA_EVENT = "porch_effect"
# How much of a fetched message's text a "fetch" effect keeps (features store an excerpt).
FETCHED_TEXT = 1000


def find_posted(
    client: WebClient, effect: Effect, *, channel: str, thread_ts: str | None
) -> dict[str, Any] | None:
    """Did an earlier attempt of this effect reach Slack? Look for its key in metadata."""
    if channel[0] in "UW":
        channel = client.conversations_open(users=channel)["channel"]["id"]
    oldest = f"{(effect.created_at - dt.timedelta(minutes=5)).timestamp():.6f}"
    if thread_ts:
        pages = client.conversations_replies(
            channel=channel, ts=thread_ts, oldest=oldest, include_all_metadata=True, limit=200
        )
    else:
        pages = client.conversations_history(
            channel=channel, oldest=oldest, include_all_metadata=True, limit=200
        )
    for page in pages:
        for message in page.get("messages", []):
            metadata = message.get("metadata") or {}
            if (metadata.get("event_payload") or {}).get("key") == effect.key:
                return {"channel": channel, "ts": message["ts"]}
    return None


def fetch(client: WebClient, *, channel: str, ts: str) -> dict[str, Any] | None:
    """One message's author and an excerpt of its text, for a feature that saw only a
    reaction on it; None when it is gone (deleted). Only what features need is kept."""
    page = client.conversations_history(
        channel=channel, latest=ts, oldest=ts, inclusive=True, limit=1
    )
    found = [m for m in page.get("messages", []) if m.get("ts") == ts]
    if not found:
        # A thread reply is not in the channel's history; its thread lists it.
        try:
            page = client.conversations_replies(
                channel=channel, ts=ts, latest=ts, oldest=ts, inclusive=True, limit=1
            )
        except SlackApiError as exc:
            if exc.response is None or exc.response.get("error") != "thread_not_found":
                raise
            return None
        found = [m for m in page.get("messages", []) if m.get("ts") == ts]
    if not found:
        return None
    message = found[0]
    return {
        "user": message.get("user"),
        "text": (message.get("text") or "")[:FETCHED_TEXT],
        "bot": bool(message.get("bot_id")) or message.get("subtype") == "bot_message",
        "subtype": message.get("subtype"),
    }
