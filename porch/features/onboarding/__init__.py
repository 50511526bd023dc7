"""Onboarding: newcomers recorded and welcomed exactly once (welcome.py), introduced in a weekly
thread (introductions.py) and followed up in their waking hours (follow_ups.py); their buttons,
the warm welcome's modal and `/porch welcome` (controls.py). Three features of one package: they
share a config section (config.py), Slack IDs (ids.py) and templates (templates/onboarding/)."""

from __future__ import annotations

from porch.core.feature import Feature, FeaturePackage, FeatureSetup
from porch.features.onboarding.config import OnboardingConfig
from porch.features.onboarding.controls import WelcomeControls
from porch.features.onboarding.follow_ups import FollowUps
from porch.features.onboarding.ids import Action, Input, View
from porch.features.onboarding.introductions import Introductions
from porch.features.onboarding.welcome import Onboarding


def build(setup: FeatureSetup) -> list[Feature]:
    parts = {"config": setup.config, "templates": setup.templates, "app_home": setup.app_home}
    onboarding = Onboarding(**parts)
    follow_ups = FollowUps(**parts)
    controls = WelcomeControls(onboarding=onboarding, follow_ups=follow_ups)
    interests = next((f.member_interests for f in setup.before if f.member_interests), None)
    return [
        onboarding.feature(interactions=controls.interactions(), verbs=controls.verbs()),
        Introductions(**parts, interests=interests).feature(),
        follow_ups.feature(interactions=controls.follow_up_interactions()),
    ]


PACKAGE = FeaturePackage(
    name="onboarding",
    build=build,
    config_sections={"onboarding": (OnboardingConfig, False)},
    slack_ids=(Action, Input, View),
)
