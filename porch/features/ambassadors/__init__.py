"""The ambassador program: members' levels computed daily from their activity (levels.py,
signals.py); candidates at the last level, and members who apply, reach the managers, who
invite them; an accepted invitation adds them to the private ambassadors channel (program.py,
controls.py); monthly check-in reminders and a quarterly update prompt (cadence.py); ritual
prompts ambassadors suggest and managers approve (prompts.py). Other features read accepted
ambassadors as buddies (Feature.buddy_candidates) and invitations as the period figure
"ambassadors"."""

from __future__ import annotations

import datetime as dt

from porch.core.feature import Feature, FeaturePackage, FeatureSetup, Job, PersonalData
from porch.features.ambassadors import demo, ids, previews
from porch.features.ambassadors.cadence import Cadence
from porch.features.ambassadors.cli import ambassadors
from porch.features.ambassadors.config import AmbassadorsConfig
from porch.features.ambassadors.controls import ProgramControls
from porch.features.ambassadors.home import home_section
from porch.features.ambassadors.levels import FEATURE_CONTENT
from porch.features.ambassadors.program import make_program
from porch.features.ambassadors.prompts import Prompts
from porch.features.ambassadors.worksheet import CandidateRow

PERSONAL_DATA = (
    PersonalData(
        table="ambassador_levels",
        label="Your community level",
        user_columns=("user_id",),
        purpose="Your level and the counts behind it (days active, replies, first answers, "
        "reactions received, wins, days as a member; never message text), recomputed daily.",
    ),
    PersonalData(
        table="ambassador_members",
        label="The ambassador program",
        user_columns=("user_id", "invited_by"),
        purpose="Whether you applied to, were invited to, joined or declined the ambassador "
        "program, and when.",
    ),
    PersonalData(
        table="ambassador_prompts",
        label="Ritual prompts you suggested",
        user_columns=("user_id", "decided_by"),
        purpose="Ritual prompts you suggested as an ambassador, and which manager decided.",
        text_columns=("text",),
    ),
    PersonalData(
        table="tracker_rows",
        worksheet=CandidateRow.SHEET,
        label="Ambassador candidates (tracker)",
        user_columns=("User ID", "Member"),
        purpose="Your level and its counts, as the managers see them in the tracker, while "
        "you are an ambassador candidate or in the program.",
    ),
)


def build(setup: FeatureSetup) -> Feature:
    config = setup.config
    content = next(
        (
            f.period_figures[FEATURE_CONTENT]
            for f in setup.before
            if FEATURE_CONTENT in f.period_figures
        ),
        None,
    )
    program = make_program(
        config=config, templates=setup.templates, content=content, app_home=setup.app_home
    )
    prompts = Prompts(config=config, templates=setup.templates)
    controls = ProgramControls(program=program, prompts=prompts)
    cadence = Cadence(config=config, templates=setup.templates)
    return Feature(
        name="ambassadors",
        jobs=(
            Job(name="ambassador-levels", every=dt.timedelta(days=1), run=program.levels.tick),
            Job(name="ambassador-cadence", every=dt.timedelta(hours=1), run=cadence.tick),
        ),
        home_section=home_section(program),
        worksheets=(CandidateRow.SHEET,),
        personal_data=PERSONAL_DATA,
        interactions=controls.interactions(),
        verbs=controls.verbs(),
        previews=lambda: previews.samples(config),
        demo_scenes={"an ambassador joins": demo.an_ambassador_joins},
        buddy_candidates=program.accepted,
        ritual_prompts=prompts.approved,
        period_figures={"ambassadors": program.figures},
        site_context=lambda: previews.site_levels(config),
    )


PACKAGE = FeaturePackage(
    name="ambassadors",
    build=build,
    config_sections={"ambassadors": (AmbassadorsConfig, False)},
    slack_ids=(ids.Action, ids.View, ids.Input),
    worksheets=(CandidateRow,),
    cli=(ambassadors,),
)
