"""Join questions and paths: "Tell us about you" in the welcome DM, and the paths the answers
send newcomers down (paths.py); the questions and paths are community.yml's (config.py)."""

from __future__ import annotations

from porch.core.feature import Feature, FeaturePackage, FeatureSetup
from porch.features.join_paths.config import JoinPathsConfig
from porch.features.join_paths.demo import demo_config
from porch.features.join_paths.ids import Action, View
from porch.features.join_paths.paths import JoinPaths


def build(setup: FeatureSetup) -> Feature:
    return JoinPaths(
        config=setup.config, templates=setup.templates, app_home=setup.app_home
    ).feature()


PACKAGE = FeaturePackage(
    name="join_paths",
    build=build,
    config_sections={"join_paths": (JoinPathsConfig, False)},
    slack_ids=(Action, View),
    demo_config=demo_config,
)
