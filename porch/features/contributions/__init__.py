"""Contributions: members' wins in the tracker's Wins worksheet (wins.py)."""

from __future__ import annotations

from porch.core.feature import Feature, FeaturePackage, FeatureSetup
from porch.features.contributions.wins import Contributions


def build(setup: FeatureSetup) -> Feature:
    return Contributions(config=setup.config).feature()


PACKAGE = FeaturePackage(name="contributions", build=build)
