"""Live events: recurring ones from community.yml and one-offs from `/porch event` (manage.py),
announced with Going / Maybe / Can't and a live count (cards.py, rsvp.py), reminders to those
going and the thread opened at the start (schedule.py), check-in, the recap and attendance
(recaps.py)."""

from __future__ import annotations

import datetime as dt

from porch.core.domain_events import MessagePosted
from porch.core.feature import Feature, FeaturePackage, FeatureSetup, Job, PersonalData
from porch.features.live_events import demo, previews
from porch.features.live_events.calendar import site_calendar
from porch.features.live_events.cards import Announcements
from porch.features.live_events.cli import events_group
from porch.features.live_events.config import EventsConfig
from porch.features.live_events.ids import Action, Input, View
from porch.features.live_events.manage import Manage
from porch.features.live_events.recaps import Recaps
from porch.features.live_events.rsvp import Rsvp
from porch.features.live_events.schedule import Schedule
from porch.features.live_events.store import live_attendance
from porch.features.live_events.worksheet import EventRow

RSVPS = PersonalData(
    table="event_rsvps",
    label="Your event answers and attendance",
    user_columns=("user_id", "attendance_by"),
    purpose=(
        "Whether you said Going, Maybe or Can't to a live event and whether you attended, so "
        "you get a reminder before it starts and the team can count who came."
    ),
    timestamp_column="answered_at",
)
MESSAGES = PersonalData(
    table="event_messages",
    label="Your messages in event threads",
    user_columns=("user_id",),
    purpose=(
        "That you wrote in a live event's thread, and whether it was a question (not your "
        "words), so the recap can list the questions answered and still open."
    ),
    timestamp_column="at",
)
EVENTS = PersonalData(
    table="live_events",
    label="Events you created",
    user_columns=("created_by",),
    purpose="Which manager created a one-off event.",
    mentions_only=True,
)


def build(setup: FeatureSetup) -> Feature:
    config, templates = setup.config, setup.templates
    cards = Announcements(config=config, templates=templates)
    schedule = Schedule(config=config, templates=templates)
    recaps = Recaps(config=config, templates=templates)
    rsvp = Rsvp(cards=cards, recaps=recaps)
    manage = Manage(cards=cards)
    return Feature(
        name="live_events",
        handles={MessagePosted: recaps.on_message_posted},
        jobs=(Job(name="events", every=dt.timedelta(minutes=1), run=schedule.tick),),
        worksheets=(EventRow.SHEET,),
        effect_callbacks={"event_announced": schedule.on_announced},
        personal_data=(RSVPS, MESSAGES, EVENTS),
        interactions=(*rsvp.interactions(), *manage.interactions()),
        verbs=manage.verbs(),
        site_context=lambda: site_calendar(config),
        previews=lambda: previews.samples(config),
        demo_scenes=demo.SCENES,
        period_figures={"live_attendance": live_attendance},
    )


PACKAGE = FeaturePackage(
    name="live_events",
    build=build,
    config_sections={"events": (EventsConfig, False)},
    slack_ids=(Action, View, Input),
    worksheets=(EventRow,),
    cli=(events_group,),
)
