"""Response alerts: a question nobody answers within the team's commitment (counted in
community hours, deadline.py) raises one alert in the managers' channel, updated once when
someone answers (alerts.py)."""

from __future__ import annotations

from porch.core.feature import Feature, FeaturePackage, FeatureSetup
from porch.features.response_alerts.alerts import ResponseAlerts
from porch.features.response_alerts.config import ResponseAlertsConfig


def build(setup: FeatureSetup) -> Feature:
    return ResponseAlerts(config=setup.config, templates=setup.templates).feature()


PACKAGE = FeaturePackage(
    name="response_alerts",
    build=build,
    config_sections={"response_alerts": (ResponseAlertsConfig, False)},
)
