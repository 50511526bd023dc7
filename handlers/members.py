"""Members arriving: team_join (the workspace is the community) or joining the home channel."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App

from porch.core import channel_directory
from porch.features.onboarding import Newcomer
from porch.runtime.context import Porch

logger = logging.getLogger(__name__)


def register(app: App, *, porch: Porch) -> None:
    triggers = porch.config.onboarding.triggers
    onboarding = porch.onboarding

    @app.event("team_join")
    def team_join(body: dict[str, Any], event: dict[str, Any]) -> None:
        if "team_join" not in triggers:
            return
        newcomer = Newcomer.from_slack(event["user"])
        porch.once(
            body,
            lambda conn, now: onboarding.member_joined(
                conn, team_id=body["team_id"], user=newcomer, via="team_join", now=now
            ),
        )

    @app.event("member_joined_channel")
    def member_joined_channel(body: dict[str, Any], event: dict[str, Any]) -> None:
        team_id = body["team_id"]
        home_channel = porch.config.channels.home

        def work(conn: Any, now: Any) -> None:
            is_home = channel_directory.name_of(conn, team_id=team_id, channel_id=event["channel"])
            if "home_channel_join" in triggers and is_home == home_channel:
                # The event carries only the user ID; the welcome greets by mention, which
                # Slack renders as the member's current name, so no users.info call is needed.
                newcomer = Newcomer(
                    user_id=event["user"],
                    display_name="",
                    real_name="",
                    tz=None,
                    is_bot=False,
                    is_guest=False,
                    is_deleted=False,
                )
                onboarding.member_joined(
                    conn,
                    team_id=team_id,
                    user=newcomer,
                    via="home_channel",
                    inviter_id=event.get("inviter"),
                    now=now,
                )
            onboarding.channel_joined(
                conn, team_id=team_id, user_id=event["user"], channel_id=event["channel"], now=now
            )

        porch.once(body, work)
