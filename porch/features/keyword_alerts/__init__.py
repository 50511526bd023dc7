"""Keyword alerts: watched words in members' messages reach the managers (see alerts.py)."""

from __future__ import annotations

from porch.core.feature import Feature, FeaturePackage, FeatureSetup
from porch.features.keyword_alerts.alerts import KeywordAlerts
from porch.features.keyword_alerts.config import KeywordAlertsConfig
from porch.features.keyword_alerts.ids import Action


def build(setup: FeatureSetup) -> Feature:
    return KeywordAlerts(config=setup.config, templates=setup.templates).feature()


PACKAGE = FeaturePackage(
    name="keyword_alerts",
    build=build,
    config_sections={"keyword_alerts": (KeywordAlertsConfig, False)},
    slack_ids=(Action,),
)
