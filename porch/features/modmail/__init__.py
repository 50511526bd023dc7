"""The replies inbox (modmail): a member's DM to Porch reaches the managers, and their answer
reaches the member, each exactly once (see relay.py)."""

from __future__ import annotations

from porch.core.feature import Feature, FeaturePackage, FeatureSetup
from porch.features.modmail import ids
from porch.features.modmail.config import InboxConfig
from porch.features.modmail.relay import Modmail
from porch.features.modmail.worksheet import InboxRow


def build(setup: FeatureSetup) -> Feature:
    return Modmail(config=setup.config, templates=setup.templates).feature()


PACKAGE = FeaturePackage(
    name="modmail",
    build=build,
    config_sections={"inbox": (InboxConfig, False)},
    slack_ids=(ids.Action,),
    worksheets=(InboxRow,),
)
