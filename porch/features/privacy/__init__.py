"""Privacy: a member's copy of their data, forget-me, deactivated accounts and retention.

It is built last (registry.ORDER): what Porch holds is whatever the features built before it
(`FeatureSetup.before`) and the infrastructure (porch.core.personal_data) declare as
PersonalData, so it knows no other feature by name. rights.py is the domain, answers.py the
`/porch` verbs and the confirmation button, cli.py `porch members export|forget`, page.py
the site's privacy page.
"""

from __future__ import annotations

import datetime as dt

from porch.core.domain_events import UserChanged
from porch.core.feature import Feature, FeaturePackage, FeatureSetup, Job
from porch.core.interactions import Interaction, Verb
from porch.core.personal_data import INFRASTRUCTURE
from porch.features.privacy import demo, page, previews
from porch.features.privacy.answers import Answers
from porch.features.privacy.cli import COMMANDS
from porch.features.privacy.config import PrivacyConfig
from porch.features.privacy.ids import Action
from porch.features.privacy.rights import Privacy


def build(setup: FeatureSetup) -> Feature:
    declared = [d for feature in setup.before for d in feature.personal_data]
    privacy = Privacy(config=setup.config, declarations=[*declared, *INFRASTRUCTURE])
    answers = Answers(privacy=privacy, templates=setup.templates)
    return Feature(
        name="privacy",
        handles={UserChanged: privacy.on_user_changed},
        jobs=(Job(name="privacy-retention", every=dt.timedelta(days=1), run=privacy.daily),),
        interactions=(Interaction("action", Action.FORGET_ME_CONFIRM, answers.confirmed),),
        verbs=(
            Verb(
                "my-data",
                answers.my_data,
                summary="what Porch holds about you, and for how long.",
            ),
            Verb("forget-me", answers.forget_me, summary="erase it (asks first)."),
        ),
        previews=previews.samples,
        demo_scenes={demo.SCENE: demo.scene},
        site_context=lambda: page.site_context(privacy),
    )


PACKAGE = FeaturePackage(
    name="privacy",
    build=build,
    config_sections={"privacy": (PrivacyConfig, False)},
    slack_ids=(Action,),
    cli=COMMANDS,
)
