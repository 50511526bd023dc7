"""The manager's daily check-in: one morning message to the managers' channel with the
newcomers, the questions still waiting and the one post most worth a reply (morning.py), and
its demo scene (demo.py)."""

from __future__ import annotations

from porch.core.feature import Feature, FeaturePackage, FeatureSetup
from porch.features.check_in.config import ManagerCheckInConfig
from porch.features.check_in.demo import demo_config
from porch.features.check_in.morning import ManagerCheckIn


def build(setup: FeatureSetup) -> Feature:
    return ManagerCheckIn(config=setup.config, templates=setup.templates).feature()


PACKAGE = FeaturePackage(
    name="check_in",
    build=build,
    config_sections={"manager_check_in": (ManagerCheckInConfig, False)},
    demo_config=demo_config,
)
