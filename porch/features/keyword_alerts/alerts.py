"""Keyword alerts: a member's message that contains a watched word reaches the managers once,
with a link to it, before it does harm (a scam link, a heated word), and a manager dismisses
the alert when it is handled.

Nothing is stored but the alert itself (an effect keyed by the message, so Slack's retries and
a second replica still post one alert, and a message that another feature already brought to
the managers, such as a moderation rule's, gets no second card: porch.core.message_cards); the
member's words travel in it as an escaped excerpt.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from sqlalchemy import Connection

from porch.core import channel_directory
from porch.core.config import Config
from porch.core.domain_events import MessagePosted
from porch.core.excerpts import excerpt
from porch.core.feature import Feature, PreviewSample
from porch.core.interactions import ActionRequest, Interaction, Private
from porch.core.message_cards import card_key
from porch.core.permalinks import permalink
from porch.core.posting import post
from porch.core.templating import Mrkdwn, Templates, mention
from porch.features.keyword_alerts.ids import Action

ALERT = "keyword_alerts/alert.j2"
DISMISSED = "keyword_alerts/dismissed.j2"
EXCERPT_CHARS = 300


def watched(words: Sequence[str]) -> re.Pattern[str] | None:
    """One pattern for every watched word, matched whole and ignoring case, a phrase's spaces
    matching any run of white space (None: no words)."""
    if not words:
        return None
    alternatives = "|".join(
        r"\s+".join(re.escape(part) for part in word.split())
        for word in sorted(words, key=len, reverse=True)
    )
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


class KeywordAlerts:
    def __init__(self, *, config: Config, templates: Templates) -> None:
        self.config = config
        self.templates = templates
        self.section = config.keyword_alerts
        self.pattern = watched(self.section.words)

    def feature(self) -> Feature:
        return Feature(
            name="keyword_alerts",
            handles={MessagePosted: self.on_message_posted} if self.pattern else {},
            interactions=(
                Interaction(
                    kind="action",
                    id=Action.KEYWORD_ALERT_DISMISS,
                    handle=self.dismiss,
                    managers_only=True,
                ),
            ),
            previews=self.previews,
        )

    def on_message_posted(
        self, conn: Connection, team_id: str, event: MessagePosted, now: dt.datetime
    ) -> None:
        """A watched word in a member's message: one alert in the managers' channel."""
        assert self.pattern is not None
        found = self.pattern.search(event.text)
        if found is None or event.user_id in self.config.managers.users:
            return
        name = channel_directory.name_of(conn, team_id=team_id, channel_id=event.channel_id)
        if name == self.config.channels.moderators:
            return
        if self.section.channels and name not in self.section.channels:
            return
        post(
            conn,
            config=self.config,
            templates=self.templates,
            team_id=team_id,
            key=card_key(event.channel_id, event.ts),
            template=ALERT,
            to={"channel_name": self.config.channels.moderators},
            now=now,
            author=mention(event.user_id),
            word=" ".join(found.group(0).split()),
            where=name or event.channel_id,
            url=permalink(conn, team_id=team_id, channel_id=event.channel_id, ts=event.ts),
            words=excerpt(event.text, limit=EXCERPT_CHARS),
        )

    def dismiss(self, request: ActionRequest) -> Private:
        """A manager handled it: the alert is replaced by who dismissed it (for everyone)."""
        message = self.templates.render(DISMISSED, manager=mention(request.user_id))
        return Private(message, replace_original=True)

    def previews(self) -> list[PreviewSample]:
        where = f"#{self.config.channels.moderators}"
        return [
            (
                "A watched word in a member's message",
                where,
                ALERT,
                {
                    "author": mention("U0SAMPLE2"),
                    "word": "giveaway",
                    "where": "general",
                    "url": "https://example.slack.com/archives/C0GENERAL/p1700000000000100",
                    "words": Mrkdwn("Free crypto giveaway, DM me for the link!"),
                },
            ),
            ("A keyword alert, dismissed", where, DISMISSED, {"manager": mention("U0SAMPLE1")}),
        ]
