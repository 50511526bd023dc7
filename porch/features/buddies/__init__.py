"""Buddies: newcomers paired with a buddy, introduced in a group DM and checked in on a week
later (pairing.py, matching.py); opting in and out and the check-in's buttons (controls.py)."""

from __future__ import annotations

import datetime as dt

from porch.core.feature import Feature, FeaturePackage, FeatureSetup, Job
from porch.features.buddies.config import BuddiesConfig
from porch.features.buddies.controls import PERSONAL_DATA, BuddyControls
from porch.features.buddies.demo import SCENES, demo_config
from porch.features.buddies.ids import Action
from porch.features.buddies.pairing import Pairing
from porch.features.buddies.previews import previews


def build(setup: FeatureSetup) -> Feature:
    section: BuddiesConfig = setup.config.buddies  # type: ignore[attr-defined]
    # Asked of the features built before this one, none by name (ambassadors offer theirs;
    # the join questions give interests).
    pairing = Pairing(
        config=setup.config,
        templates=setup.templates,
        offered=[f.buddy_candidates for f in setup.before if f.buddy_candidates],
        interests=next((f.member_interests for f in setup.before if f.member_interests), None),
    )
    controls = BuddyControls(
        templates=setup.templates, app_home=setup.app_home, max_at_once=section.max_at_once
    )
    on = section.enabled
    return Feature(
        name="buddies",
        jobs=(Job(name="buddies", every=dt.timedelta(minutes=5), run=pairing.tick),) if on else (),
        home_section=controls.home_section if on else None,
        interactions=controls.interactions(),
        verbs=controls.verbs() if on else (),
        personal_data=PERSONAL_DATA,
        previews=lambda: previews(setup.config),
        demo_scenes=SCENES,
    )


PACKAGE = FeaturePackage(
    name="buddies",
    build=build,
    config_sections={"buddies": (BuddiesConfig, False)},
    slack_ids=(Action,),
    demo_config=demo_config,
)
