"""Community health: how many members take part, how deep conversations go, how fast members
answer each other and who is still around, computed from the store (members and activity).

Two features, built together where "health" stands in the registry's ORDER:
- "health": the weekly figures the tracker's Health worksheet shows (weeks.py, queued before
  each tracker sync by tracker.py), the managers' App Home section (home.py), `/porch health`
  (command.py), `porch report` (cli.py) and the demo's last scene (demo.py); the figures of any
  period are metrics.py's (queries.py and threads.py read them), shown by report.py.
- "monthly_report": last month's report, saved as HTML and optionally posted
  (monthly_report.py).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection

from porch.core.feature import Feature, FeaturePackage, FeatureSetup
from porch.features.health import cli, monthly_report
from porch.features.health.command import HealthCommand
from porch.features.health.config import HealthConfig
from porch.features.health.demo import SCENE, report_scene
from porch.features.health.home import home_section
from porch.features.health.previews import previews
from porch.features.health.rows import HealthRow
from porch.features.health.tracker import refresh_health
from porch.features.health.weeks import weekly_figures


def build(setup: FeatureSetup) -> list[Feature]:
    config = setup.config
    # The survey's totals, from whichever feature declares them (built before this one).
    nps = next((f.period_figures["nps"] for f in setup.before if "nps" in f.period_figures), None)
    # Live events' attendance, likewise (None when no feature declares it).
    attendance = next(
        (
            f.period_figures["live_attendance"]
            for f in setup.before
            if "live_attendance" in f.period_figures
        ),
        None,
    )
    # The week's moderation figures for the Health rows, likewise (built before this one).
    moderation = next(
        (f.period_figures["moderation"] for f in setup.before if "moderation" in f.period_figures),
        None,
    )

    # Join paths' participation and retention by path (None without join questions).
    paths = next(
        (
            f.period_figures["participation_by_path"]
            for f in setup.before
            if "participation_by_path" in f.period_figures
        ),
        None,
    )

    def before_tracker_sync(conn: Connection, team_id: str, now: dt.datetime, rebuild: bool) -> int:
        # A rebuild rewrites the whole tracker: every week since activity began.
        return refresh_health(
            conn,
            team_id=team_id,
            config=config,
            now=now,
            everything=rebuild,
            moderation=moderation,
            attendance=attendance,
        )

    health = Feature(
        name="health",
        worksheets=(HealthRow.SHEET,),
        home_section=home_section(config=config),
        verbs=(
            HealthCommand(
                config=config,
                templates=setup.templates,
                nps=nps,
                attendance=attendance,
                paths=paths,
            ).verb(),
        ),
        previews=previews,
        demo_scenes={SCENE: report_scene},
        before_tracker_sync=before_tracker_sync,
        # Each ISO week's figures in a period (the Health worksheet's rows), for features that
        # act on them (the weekly scorecard) without recomputing them their own way.
        period_figures={"weekly_health": weekly_figures(config)},
    )
    return [
        health,
        monthly_report.feature(config=config, nps=nps, attendance=attendance, paths=paths),
    ]


PACKAGE = FeaturePackage(
    name="health",
    build=build,
    config_sections={"health": (HealthConfig, False)},
    worksheets=(HealthRow,),
    # `porch report` (the module report.py is how a HealthReport is shown).
    cli=(cli.report,),
)
