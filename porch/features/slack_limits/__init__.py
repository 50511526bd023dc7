"""Slack's own limits: when Slack rate-limits Porch's events, the managers hear it from Porch
(see notices.py)."""

from __future__ import annotations

from porch.core.feature import Feature, FeaturePackage, FeatureSetup
from porch.features.slack_limits.notices import SlackLimits


def build(setup: FeatureSetup) -> Feature:
    return SlackLimits(config=setup.config, templates=setup.templates).feature()


PACKAGE = FeaturePackage(name="slack_limits", build=build)
