"""Slack's own limits: when Slack rate-limits Porch's events, the managers hear it from Porch.

Slack drops a workspace's events for the rest of a minute once it has sent more than 30,000 in
an hour, and tells the app with `app_rate_limited`, once a minute while it lasts. Missed joins
mean missed welcomes, so the managers get one plain message in their channel per hour (the
effect key names the hour), not one a minute.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection

from porch.core.config import Config
from porch.core.domain_events import AppRateLimited
from porch.core.feature import Feature, PreviewSample
from porch.core.posting import post
from porch.core.templating import Templates

TEMPLATE = "slack_limits/app_rate_limited.j2"


class SlackLimits:
    def __init__(self, *, config: Config, templates: Templates) -> None:
        self.config = config
        self.templates = templates

    def feature(self) -> Feature:
        return Feature(
            name="slack_limits",
            handles={AppRateLimited: self.on_rate_limited},
            previews=self.previews,
        )

    def previews(self) -> list[PreviewSample]:
        return [
            (
                "Slack rate-limits Porch's events (at most once an hour)",
                f"#{self.config.channels.moderators}",
                TEMPLATE,
                {"since": "10:37"},
            )
        ]

    def on_rate_limited(
        self, conn: Connection, team_id: str, event: AppRateLimited, now: dt.datetime
    ) -> None:
        # Slack's minute, not the processing time: a notice processed late, or by another
        # replica, still falls in the hour Slack meant.
        started = dt.datetime.fromtimestamp(event.minute, tz=dt.UTC)
        hour = started.replace(minute=0, second=0, microsecond=0)
        post(
            conn,
            config=self.config,
            templates=self.templates,
            team_id=team_id,
            key=f"app-rate-limited:{team_id}:{hour:%Y-%m-%dT%H}",
            template=TEMPLATE,
            to={"channel_name": self.config.channels.moderators},
            now=now,
            since=started.astimezone(self.config.community.tz).strftime("%H:%M"),
        )
