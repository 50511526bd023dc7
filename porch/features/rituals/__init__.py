"""Rituals: each ritual in community.yml posted at its time, once per occurrence (schedule.py,
on the dates calendar.py works out), its replies counted and recapped (recaps.py) into the
Rituals worksheet (worksheet.py); managers see and skip occurrences with `/porch rituals` and
`/porch ritual skip` (commands.py) and post, pause or resume them from a shell (cli.py). The
site's calendar shows the same settings (calendar.site_calendar)."""

from __future__ import annotations

import datetime as dt

from porch.core.domain_events import MessagePosted
from porch.core.feature import Feature, FeaturePackage, FeatureSetup, Job, PersonalData
from porch.features.rituals import demo, previews
from porch.features.rituals.calendar import site_calendar
from porch.features.rituals.cli import ritual
from porch.features.rituals.commands import RitualCommands
from porch.features.rituals.config import RitualList
from porch.features.rituals.figures import calendar_figure, ritual_figures
from porch.features.rituals.schedule import Rituals
from porch.features.rituals.worksheet import RitualRow

REPLIES = PersonalData(
    table="ritual_replies",
    label="Your ritual replies",
    user_columns=("user_id",),
    purpose=(
        "Your replies to a ritual's prompt, so its recap can count who took "
        "part and feature a few replies (the words only for goals and wins)."
    ),
    text_columns=("text",),
    timestamp_column="at",
    retention="ritual_text",
)


def build(setup: FeatureSetup) -> Feature:
    contributed = tuple(f.ritual_prompts for f in setup.before if f.ritual_prompts is not None)
    rituals = Rituals(config=setup.config, templates=setup.templates, contributed=contributed)
    return Feature(
        name="rituals",
        handles={MessagePosted: rituals.on_message_posted},
        jobs=(Job(name="rituals", every=dt.timedelta(minutes=1), run=rituals.tick),),
        worksheets=(RitualRow.SHEET,),
        effect_callbacks={"ritual_posted": rituals.on_posted},
        personal_data=(REPLIES,),
        verbs=RitualCommands(rituals=rituals).verbs(),
        previews=lambda: previews.samples(setup.config),
        demo_scenes={"monday goals": demo.monday_goals, "friday wins": demo.friday_wins},
        site_context=lambda: site_calendar(setup.config),
        # Occurrences posted and recaps sent in a period (the sprint checks its plan with it).
        # The occurrences community.yml schedules in a period (the sprint's next-month calendar).
        period_figures={
            "rituals": ritual_figures,
            "ritual_calendar": calendar_figure(setup.config),
        },
    )


PACKAGE = FeaturePackage(
    name="rituals",
    build=build,
    config_sections={"rituals": (RitualList, False)},
    worksheets=(RitualRow,),
    cli=(ritual,),
)
