""" "Reply with guideline" (managers only): a message shortcut whose modal offers the community's
guidelines; the chosen one is posted in the message's thread, from a template, in a kind tone."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from porch.core.domain_events import CHANNEL_ID, TS
from porch.core.interactions import Errors, Modal, Reply, ShortcutRequest, ViewSubmission, text_at
from porch.core.posting import post
from porch.features.moderation.cases import ANTI_HARASSMENT
from porch.features.moderation.ids import Input, View

if TYPE_CHECKING:
    from porch.features.moderation.cards import Cards

MODAL = "moderation/guideline_modal.j2"
REPLY = "moderation/guideline_reply.j2"


class GuidelineReply:
    def __init__(self, *, cards: Cards) -> None:
        self.cards = cards
        self.config = cards.config
        self.templates = cards.templates

    def choices(self) -> list[tuple[str, str]]:
        """(title, value) of every guideline: the rules by their number, then anti-harassment."""
        guidelines = self.config.guidelines
        found = [(rule.title, str(number)) for number, rule in enumerate(guidelines.rules)]
        if guidelines.anti_harassment:
            found.append(("No harassment", ANTI_HARASSMENT))
        return found

    def chosen_guideline(self, value: str) -> tuple[str, str] | None:
        if value == ANTI_HARASSMENT and self.config.guidelines.anti_harassment:
            return self.cards.guideline(ANTI_HARASSMENT)
        rules = self.config.guidelines.rules
        if value.isdigit() and int(value) < len(rules):
            return rules[int(value)].title, rules[int(value)].detail
        return None

    def opened(self, request: ShortcutRequest) -> Reply:
        channel_id = text_at(request.body, "channel", "id", pattern=CHANNEL_ID)
        message = request.message
        ts = text_at(message, "ts", pattern=TS)
        thread = text_at(message, "thread_ts", pattern=TS, optional=True) or ts
        view = self.templates.render(MODAL, guidelines=self.choices())
        return Modal(
            view={
                "type": "modal",
                "title": {"type": "plain_text", "text": "Reply with guideline"},
                "submit": {"type": "plain_text", "text": "Reply"},
                "close": {"type": "plain_text", "text": "Cancel"},
                "blocks": view.blocks,
            },
            callback_id=View.MODERATION_GUIDELINE.value,
            private_metadata={"channel": channel_id, "thread": thread},
        )

    def submitted(self, request: ViewSubmission) -> Reply:
        """The chosen guideline, posted once in the thread (a retried submission is one post)."""
        metadata = request.metadata()
        channel_id = text_at(metadata, "channel", pattern=CHANNEL_ID)
        thread = text_at(metadata, "thread", pattern=TS)
        guideline = self.chosen_guideline(request.selected(Input.MODERATION_GUIDELINE))
        if guideline is None:
            return Errors({Input.MODERATION_GUIDELINE.value: "Pick a guideline."})
        title, detail = guideline
        submission = text_at(request.view, "id", optional=True) or request.trigger_id

        def work(conn: Connection, now: dt.datetime) -> None:
            post(
                conn,
                config=self.config,
                templates=self.templates,
                team_id=request.team_id,
                key=f"moderation-guideline:{channel_id}:{thread}:{submission[:64]}",
                template=REPLY,
                to={"channel": channel_id, "thread_ts": thread},
                now=now,
                guideline=title,
                guideline_detail=detail,
            )

        request.transaction(work)
        return None
