"""Moderation: rules and members' reports bring a message to the moderators as one card, with
the consequence ladder on it and a private record (see moderation.py)."""

from __future__ import annotations

from porch.core.feature import Feature, FeaturePackage, FeatureSetup
from porch.features.moderation import ids
from porch.features.moderation.config import ModerationConfig
from porch.features.moderation.demo import demo_config
from porch.features.moderation.moderation import Moderation
from porch.features.moderation.record import ModerationRow


def build(setup: FeatureSetup) -> Feature:
    return Moderation(config=setup.config, templates=setup.templates).feature()


PACKAGE = FeaturePackage(
    name="moderation",
    build=build,
    config_sections={"moderation": (ModerationConfig, False)},
    slack_ids=(ids.Action, ids.Input, ids.View, ids.Shortcut),
    worksheets=(ModerationRow,),
    demo_config=demo_config,
)
