"""App Home, composed from the sections the features declare.

Each feature may add a section (a partial template and its context) to a member's App Home;
`templates/app_home.j2` lays them out in the registry's order under the community's header.
A view is published when something on it changes for that member or when they open the tab,
never for every message they post.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from porch.core import effect_queue, member_records
from porch.core.config import Config
from porch.core.feature import HomeSection
from porch.core.message_context import MessageContext
from porch.core.templating import Templates


class AppHome:
    def __init__(self, *, config: Config, templates: Templates) -> None:
        self.config = config
        self.templates = templates
        # Filled by the registry once every feature is built: a feature publishes App Home
        # without knowing which other features add to it.
        self.sections: Sequence[HomeSection] = ()

    def view(self, conn: Connection, *, team_id: str, user_id: str) -> dict[str, Any]:
        member = member_records.get(conn, team_id=team_id, user_id=user_id)
        context = MessageContext.load(conn, config=self.config, team_id=team_id)
        parts = [part for section in self.sections if (part := section(conn, team_id, user_id))]
        message = self.templates.render("app_home.j2", sections=parts, **context.for_member(member))
        return {"type": "home", "blocks": message.blocks}

    def publish(self, conn: Connection, *, team_id: str, user_id: str, now: dt.datetime) -> bool:
        """Queue the member's current view; the same view at the same moment is queued once."""
        view = self.view(conn, team_id=team_id, user_id=user_id)
        digest = hashlib.sha256(json.dumps(view, sort_keys=True).encode()).hexdigest()[:16]
        return effect_queue.record(
            conn,
            team_id=team_id,
            key=f"home:{user_id}:{now.timestamp():.0f}:{digest}",
            kind="home",
            payload={"user_id": user_id, "view": view},
            now=now,
        )
