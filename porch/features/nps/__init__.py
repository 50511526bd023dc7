"""The quarterly NPS survey: one DM per active member per quarter (survey.py), answered with
its buttons and comment modal (answers.py); reports read only its totals (summary.py)."""

from __future__ import annotations

from typing import Any

from porch.core.feature import Feature, FeaturePackage, FeatureSetup
from porch.features.nps import ids
from porch.features.nps.config import NpsConfig
from porch.features.nps.survey import Nps

__all__ = ["PACKAGE"]


def build(setup: FeatureSetup) -> Feature:
    return Nps(config=setup.config, templates=setup.templates).feature()


def demo_config(config: Any) -> dict[str, Any]:
    """No survey in the demo: its week would DM every active member in the story's first days."""
    return {"nps": config.nps.model_copy(update={"enabled": False})}


PACKAGE = FeaturePackage(
    name="nps",
    build=build,
    config_sections={"nps": (NpsConfig, False)},
    slack_ids=(ids.Action, ids.Input, ids.View),
    demo_config=demo_config,
)
