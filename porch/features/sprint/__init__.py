"""The 30-day launch sprint and the weekly decision: Porch turns the weekly figures into the
next step. Every week the managers get a scorecard (scorecard.py): three leading indicators
with their two-week trend and the decision rule's verdict (verdict.py), with buttons to record
what they decided (decisions.py), kept in the Decisions worksheet (rows.py).

The weekly figures are the health feature's period figure "weekly_health" (this package is
built after it), so their definitions stay in one place.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection

from porch.core.domain_events import MessagePosted
from porch.core.feature import Feature, FeaturePackage, FeatureSetup, Job, PersonalData
from porch.core.interactions import Interaction
from porch.features.sprint import demo, ids
from porch.features.sprint.cli import sprint as sprint_cli
from porch.features.sprint.config import SprintConfig
from porch.features.sprint.controls import SprintControls
from porch.features.sprint.decisions import WeeklyDecisions
from porch.features.sprint.keyposts import KeyPosts
from porch.features.sprint.plan import Sprint
from porch.features.sprint.previews import samples
from porch.features.sprint.reports_job import Reports
from porch.features.sprint.rows import DecisionRow
from porch.features.sprint.scorecard import JOB_NAME, Scorecards

HOME = "sprint/_home.j2"

PERSONAL_DATA = (
    PersonalData(
        table="sprint_decisions",
        label="Weekly decisions (managers)",
        user_columns=("decided_by",),
        purpose="Which manager recorded a week's decision after the scorecard, and their note.",
        text_columns=("note",),
        mentions_only=True,
    ),
    PersonalData(
        table="sprint_key_comments",
        label="Comments on key posts",
        user_columns=("user_id",),
        purpose="When you commented on a ritual's prompt or another key post, and when the "
        "team answered, so the team can answer the first comments fast (never the words).",
        timestamp_column="at",
    ),
    PersonalData(
        table="sprint_key_posts",
        label="Key posts (managers)",
        user_columns=("marked_by",),
        purpose="Which manager marked a post as key, so its first comments are watched.",
        mentions_only=True,
    ),
    PersonalData(
        table="sprint_ticks",
        label="Sprint tasks ticked (managers)",
        user_columns=("ticked_by",),
        purpose="Which manager marked a 30-day sprint task as done, and when.",
        mentions_only=True,
    ),
)


def declared(setup: FeatureSetup, name: str) -> Any:
    """The period figure `name` of a feature built before this one (None: none declares it)."""
    return next((f.period_figures[name] for f in setup.before if name in f.period_figures), None)


def build(setup: FeatureSetup) -> Feature:
    config = setup.config
    weekly = declared(setup, "weekly_health")
    # The period figures the sprint's task checks read, from the features built before it.
    sources = {
        name: f.period_figures[name]
        for f in setup.before
        for name in ("rituals", "ambassadors")
        if name in f.period_figures
    }
    key_posts = KeyPosts(config=config, templates=setup.templates, rituals=sources.get("rituals"))
    scorecards = Scorecards(
        config=config, templates=setup.templates, weekly=weekly, hit_rate=key_posts.hit_rate
    )
    plan = Sprint(config=config, templates=setup.templates, sources=sources)
    reports = Reports(
        config=config,
        plan=plan,
        weekly=weekly,
        hit_rate=key_posts.hit_rate,
        calendar=declared(setup, "ritual_calendar"),
        themes=declared(setup, "feedback_themes"),
    )
    controls = SprintControls(config=config, sprint=plan, app_home=setup.app_home)
    decisions = WeeklyDecisions(
        config=config, templates=setup.templates, scorecards=scorecards, app_home=setup.app_home
    )

    def home(conn: Connection, team_id: str, user_id: str) -> dict[str, Any] | None:
        # Only managers.users: App Home is rendered without Web API calls (see health's).
        section = config.sprint
        if user_id not in config.managers.users:
            return None
        latest = scorecards.latest(conn, team_id=team_id) or {}
        when = {
            "weekday": section.scorecard_weekday,
            "time": section.scorecard_time,
            "scorecards_on": section.weekly_scorecard,
        }
        current = plan.status(conn, team_id=team_id, now=None)
        return {"template": HOME, **when, **latest, "sprint": current}

    return Feature(
        name="sprint",
        jobs=(
            Job(name=JOB_NAME, every=dt.timedelta(minutes=10), run=scorecards.run),
            Job(name="sprint-week", every=dt.timedelta(minutes=10), run=plan.run),
            Job(name="sprint-key-posts", every=dt.timedelta(minutes=1), run=key_posts.run),
            Job(name="sprint-reports", every=dt.timedelta(hours=1), run=reports.run),
        ),
        handles={MessagePosted: key_posts.on_message_posted},
        home_section=home,
        worksheets=(DecisionRow.SHEET,),
        personal_data=PERSONAL_DATA,
        interactions=(
            *decisions.interactions(),
            *controls.interactions(),
            Interaction(
                "shortcut", ids.Shortcut.SPRINT_KEY_POST, key_posts.mark, managers_only=True
            ),
        ),
        previews=lambda: samples(config),
        demo_scenes={demo.SCENE: demo.weekly_decision},
    )


PACKAGE = FeaturePackage(
    name="sprint",
    build=build,
    config_sections={"sprint": (SprintConfig, False)},
    slack_ids=(ids.Action, ids.Input, ids.View, ids.Shortcut),
    worksheets=(DecisionRow,),
    cli=(sprint_cli,),
)
