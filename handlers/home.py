"""App Home: the member's onboarding checklist."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from porch.runtime.context import Porch


def register(app: App, *, porch: Porch) -> None:
    @app.event("app_home_opened")
    def app_home_opened(body: dict[str, Any], event: dict[str, Any]) -> None:
        if event.get("tab") != "home":
            return
        porch.once(
            body,
            lambda conn, now: porch.onboarding.publish_home(
                conn, team_id=body["team_id"], user_id=event["user"], now=now
            ),
        )
