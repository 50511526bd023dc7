"""The showcase: members submit their work with consent (submissions.py), managers review it
in the review channel (review.py), approved work is credited in Slack and on the site's
Showcase page (site.py); the Content worksheet holds the queue (rows.py, entries.py)."""

from __future__ import annotations

from porch.core.feature import Feature, FeaturePackage, FeatureSetup
from porch.features.showcase import ids
from porch.features.showcase.config import ShowcaseConfig
from porch.features.showcase.rows import ContentRow
from porch.features.showcase.showcase import Showcase


def build(setup: FeatureSetup) -> Feature:
    return Showcase(
        config=setup.config, templates=setup.templates, app_home=setup.app_home
    ).feature()


PACKAGE = FeaturePackage(
    name="showcase",
    build=build,
    config_sections={"showcase": (ShowcaseConfig, False)},
    slack_ids=(ids.Action, ids.Input, ids.View, ids.Shortcut),
    worksheets=(ContentRow,),
)
