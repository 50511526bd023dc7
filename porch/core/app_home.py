"""App Home, composed from the sections the features declare.

Each feature may add a section (a partial template and its context) to a member's App Home;
`templates/app_home.j2` lays them out in the registry's order under the community's header.
A view is published when the member opens the tab, and again when something on it changes for
a member who has opened it before; never for every message they post, and never for the
thousands of members who never look (an install-time import publishes nothing). What is
recorded is only "publish this member's App Home"; the worker renders the view when it
delivers it, so the view is current however long the effect waited, and the work of rendering
stays off the path that processes events.
"""

from __future__ import annotations

import datetime as dt
import uuid
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
        return self.render(self.context(conn, team_id=team_id, user_id=user_id))

    def context(self, conn: Connection, *, team_id: str, user_id: str) -> dict[str, Any]:
        """Everything the view shows, read from the store; rendering it needs no connection."""
        member = member_records.get(conn, team_id=team_id, user_id=user_id)
        context = MessageContext.load(conn, config=self.config, team_id=team_id)
        parts = [part for section in self.sections if (part := section(conn, team_id, user_id))]
        return {"sections": parts, **context.for_member(member)}

    def render(self, context: dict[str, Any]) -> dict[str, Any]:
        message = self.templates.render("app_home.j2", **context)
        return {"type": "home", "blocks": message.blocks}

    def publish(
        self,
        conn: Connection,
        *,
        team_id: str,
        user_id: str,
        now: dt.datetime,
        opened: bool = False,
    ) -> bool:
        """Queue a publish of the member's App Home: when they open it (`opened`), or on a
        change once they have. One already waiting to go out renders the view as it is then,
        this change included, so none is added."""
        prefix = f"home:{user_id}:"
        if not opened and not effect_queue.with_prefix(
            conn, team_id=team_id, prefix=prefix, pending_only=False
        ):
            return False  # never opened: the tab is rendered fresh when they first open it
        if effect_queue.with_prefix(conn, team_id=team_id, prefix=prefix):
            return False
        return effect_queue.record(
            conn,
            team_id=team_id,
            key=prefix + uuid.uuid4().hex[:16],
            kind="home",
            payload={"user_id": user_id},
            now=now,
        )
