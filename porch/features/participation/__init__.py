"""Participation: every message, reply, reaction and channel join recorded once, for the metrics
(see recorder.py). First in the registry's ORDER: later features count this event's row."""

from __future__ import annotations

from porch.core.feature import Feature, FeaturePackage, FeatureSetup
from porch.features.participation.recorder import feature


def build(setup: FeatureSetup) -> Feature:
    return feature(config=setup.config)


PACKAGE = FeaturePackage(name="participation", build=build)
