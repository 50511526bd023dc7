"""The monthly spotlight: last month's top contributors (scores.py), drafted to the managers
(drafts.py), who approve, edit or skip it with the card's buttons (decisions.py); only an
approved spotlight reaches the members, once."""

from __future__ import annotations

import datetime as dt

from porch.core.feature import Feature, FeaturePackage, FeatureSetup, Job, PersonalData
from porch.features.spotlight import demo, ids, previews
from porch.features.spotlight.config import RecognitionConfig
from porch.features.spotlight.decisions import Decisions
from porch.features.spotlight.drafts import Spotlight

PERSONAL_DATA = (
    PersonalData(
        table="spotlight_picks",
        label="Monthly spotlight",
        user_columns=("user_id",),
        purpose="Who the monthly spotlight named, and the counts that put them there "
        "(replies, reactions, wins, first answers; never message text).",
    ),
    PersonalData(
        table="spotlights",
        label="Spotlight decisions (managers)",
        user_columns=("edited_by", "decided_by"),
        purpose="Which manager edited, approved or skipped a monthly spotlight, and "
        "the thank-you words they wrote for it.",
        text_columns=("note",),
        mentions_only=True,
    ),
)


def build(setup: FeatureSetup) -> Feature:
    spotlight = Spotlight(config=setup.config, templates=setup.templates)
    enabled = setup.config.recognition.spotlight.enabled
    return Feature(
        name="spotlight",
        jobs=(
            (Job(name="spotlight", every=dt.timedelta(minutes=1), run=spotlight.tick),)
            if enabled
            else ()
        ),
        personal_data=PERSONAL_DATA,
        interactions=Decisions(spotlight=spotlight).interactions(),
        previews=lambda: previews.samples(setup.config),
        demo_scenes={"helping out": demo.helping_out, "monthly thanks": demo.monthly_spotlight},
    )


PACKAGE = FeaturePackage(
    name="spotlight",
    build=build,
    config_sections={"recognition": (RecognitionConfig, False)},
    slack_ids=(ids.Action, ids.Input, ids.View),
)
