"""Moderation: the community guidelines applied kindly and consistently. Rules from the config
(keywords and patterns, each tied to a guideline) and members' reports bring a message to the
moderators as one card (cards.py); the card carries the consequence ladder (ladder.py); the
record stays private to the managers."""

from __future__ import annotations

from typing import Any

from porch.core.config import Config
from porch.core.domain_events import MessageDeleted, MessageEdited, MessagePosted
from porch.core.feature import Feature
from porch.core.interactions import Interaction, Verb
from porch.core.templating import Templates
from porch.features.moderation.cards import Cards
from porch.features.moderation.demo import SCENES
from porch.features.moderation.guideline_reply import GuidelineReply
from porch.features.moderation.ids import Action, Shortcut, View
from porch.features.moderation.ladder import Ladder
from porch.features.moderation.matching import Rules
from porch.features.moderation.previews import previews
from porch.features.moderation.record import (
    PERSONAL_DATA,
    HistoryCommand,
    ModerationRow,
    figures,
)


def config_first_post(config: Config) -> bool:
    return config.moderation.first_post_review


class Moderation:
    def __init__(self, *, config: Config, templates: Templates) -> None:
        self.config = config
        self.templates = templates
        section = config.moderation
        self.rules = Rules(section.rules, limit=section.pattern_time_limit_ms / 1000)
        self.cards = Cards(config=config, templates=templates, rules=self.rules)
        self.ladder = Ladder(cards=self.cards)
        self.guideline_reply = GuidelineReply(cards=self.cards)
        self.history = HistoryCommand(templates=templates)

    def feature(self) -> Feature:
        # Edits and deletions matter to reported messages too, with or without rules.
        handles: dict[type, Any] = {
            MessageEdited: self.cards.on_edited,
            MessageDeleted: self.cards.on_deleted,
        }
        if self.rules or config_first_post(self.config):
            handles[MessagePosted] = self.cards.on_posted
        return Feature(
            name="moderation",
            handles=handles,
            previews=lambda: previews(self.config),
            worksheets=(ModerationRow.SHEET,),
            personal_data=PERSONAL_DATA,
            verbs=(
                Verb(
                    name="mod",
                    handle=self.history.handle,
                    managers_only=True,
                    summary="a member's moderation record: cases and ladder steps.",
                ),
            ),
            period_figures={"moderation": figures},
            demo_scenes=SCENES,
            interactions=(
                Interaction(kind="shortcut", id=Shortcut.REPORT_MESSAGE, handle=self.cards.report),
                Interaction(
                    kind="action",
                    id=Action.MODERATION_STEP,
                    handle=self.ladder.chosen,
                    managers_only=True,
                ),
                Interaction(
                    kind="action",
                    id=Action.MODERATION_FINE,
                    handle=self.cards.fine,
                    managers_only=True,
                ),
                Interaction(
                    kind="view",
                    id=View.MODERATION_STEP,
                    handle=self.ladder.submitted,
                    managers_only=True,
                ),
                Interaction(
                    kind="shortcut",
                    id=Shortcut.REPLY_WITH_GUIDELINE,
                    handle=self.guideline_reply.opened,
                    managers_only=True,
                ),
                Interaction(
                    kind="view",
                    id=View.MODERATION_GUIDELINE,
                    handle=self.guideline_reply.submitted,
                    managers_only=True,
                ),
            ),
        )
