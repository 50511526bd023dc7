"""Member messages and reactions: activity, first post, introductions, wins and feedback."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from porch.core import activity_log, channel_directory
from porch.features import contributions
from porch.runtime.context import Porch

# Message subtypes that are a member speaking; edits, joins and bot posts are not.
SPOKEN = {None, "thread_broadcast", "file_share", "me_message"}


def register(app: App, *, porch: Porch) -> None:
    onboarding = porch.onboarding

    @app.event("message")
    def message(body: dict[str, Any], event: dict[str, Any]) -> None:
        if event.get("subtype") not in SPOKEN or event.get("bot_id") or not event.get("user"):
            return
        if event.get("channel_type") == "im":
            return
        team_id = body["team_id"]

        def work(conn: Any, now: Any) -> None:
            activity_log.record(
                conn,
                team_id=team_id,
                channel_id=event["channel"],
                ts=event["ts"],
                kind="reply" if event.get("thread_ts") else "message",
                user_id=event["user"],
                thread_ts=event.get("thread_ts"),
                at=now,
            )
            onboarding.message_posted(
                conn,
                team_id=team_id,
                user_id=event["user"],
                channel_id=event["channel"],
                ts=event["ts"],
                thread_ts=event.get("thread_ts"),
                now=now,
            )
            contributions.message_posted(
                conn,
                config=porch.config,
                team_id=team_id,
                user_id=event["user"],
                channel_id=event["channel"],
                channel_name=channel_directory.name_of(
                    conn, team_id=team_id, channel_id=event["channel"]
                ),
                ts=event["ts"],
                text=event.get("text") or "",
                thread_ts=event.get("thread_ts"),
                now=now,
            )

        porch.once(body, work)

    def reaction(body: dict[str, Any], event: dict[str, Any], *, added: bool) -> None:
        item = event.get("item") or {}
        if item.get("type") != "message" or not event.get("user"):
            return
        team_id = body["team_id"]
        porch.once(
            body,
            lambda conn, now: contributions.reaction_changed(
                conn,
                config=porch.config,
                team_id=team_id,
                user_id=event["user"],
                channel_id=item["channel"],
                ts=item["ts"],
                name=event["reaction"],
                added=added,
                now=now,
            ),
        )

    @app.event("reaction_added")
    def reaction_added(body: dict[str, Any], event: dict[str, Any]) -> None:
        reaction(body, event, added=True)

    @app.event("reaction_removed")
    def reaction_removed(body: dict[str, Any], event: dict[str, Any]) -> None:
        reaction(body, event, added=False)
