"""What every message template may use: the community, its links and channels, a member.

The channel IDs are read from the store once, before rendering; rendering itself needs no
database connection, so previews and tests render with a plain mapping.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Connection

from porch.core import channel_directory
from porch.core.config import Config
from porch.core.member_records import member_view
from porch.core.templating import Mrkdwn, channel_link, mention


@dataclass(frozen=True)
class MessageContext:
    config: Config
    team_id: str
    channel_ids: Mapping[str, str]

    @classmethod
    def load(cls, conn: Connection, *, config: Config, team_id: str) -> MessageContext:
        ids = channel_directory.all_ids(conn, team_id=team_id)
        return cls(config=config, team_id=team_id, channel_ids=ids)

    def for_member(self, member: Any = None) -> dict[str, Any]:
        config = self.config
        site = config.community.site_url.rstrip("/") + "/"
        ids = self.channel_ids

        def channel(name: str) -> Mrkdwn:
            return channel_link(ids.get(name), name)

        def open_channel(name: str) -> str:
            channel_id = ids.get(name)
            if not channel_id:
                return site
            return "https://slack.com/app_redirect?" + urlencode(
                {"channel": channel_id, "team": self.team_id}
            )

        context = {
            "community": config.community,
            "promise": config.community.promise,
            "config": config,
            "member": member_view(member) if member is not None else None,
            "links": {
                "site": site,
                "guidelines": site + "guidelines/",
                "getting_started": site + "getting-started/",
                "introductions": open_channel(config.channels.introductions),
            },
            "channel": channel,
            "managers": Mrkdwn(", ".join(mention(u) for u in config.managers.users)),
        }
        # A feature's config section may add names of its own (e.g. its channels as links).
        for section in config.feature_sections():
            if callable(more := getattr(section, "message_context", None)):
                context.update(more(channel=channel))
        return context
