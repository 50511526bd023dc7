"""The managers' App Home section: the latest computed week next to the week before.

Read from the Health rows already queued for the tracker, so opening the tab costs one small
query; members never see it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from porch.core.config import Config
from porch.core.feature import HomeSection
from porch.features.health.weeks import latest_weeks

TEMPLATE = "health/_home.j2"


def home_section(*, config: Config) -> HomeSection:
    def section(conn: Connection, team_id: str, user_id: str) -> dict[str, Any] | None:
        # Only managers.users: whether someone is in the managers user group needs a Web API
        # call, which rendering App Home does not make.
        if user_id not in config.managers.users:
            return None
        weeks = latest_weeks(conn, team_id=team_id, count=2)
        return {
            "template": TEMPLATE,
            "latest": weeks[0] if weeks else None,
            "before": weeks[1] if len(weeks) > 1 else None,
        }

    return section
