"""`porch sprint start [--date]`: open a 30-day sprint (its first week's message goes to the
managers' channel at once; the service's job posts the next Mondays')."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from porch.core.cli_services import CONFIG_OPTION, TEAM_OPTION, CliServices, fail
from porch.core.templating import Templates
from porch.features.sprint.plan import Sprint


@click.group()
def sprint() -> None:
    """The 30-day launch sprint."""


@sprint.command("start")
@CONFIG_OPTION
@click.option("--date", "day", help="YYYY-MM-DD, the sprint's first day; defaults to today.")
@TEAM_OPTION
@click.pass_obj
def start(services: CliServices, config_path: Path | None, day: str | None, team_id: str | None):
    """Open a four-week sprint plan for the managers."""
    config = services.config(config_path)
    now = services.clock.now()
    try:
        first = dt.date.fromisoformat(day) if day else now.astimezone(config.community.tz).date()
    except ValueError:
        fail(f"porch sprint start: --date {day!r} is not YYYY-MM-DD")
    features = services.features(config)
    sources = {
        name: found
        for name in ("rituals", "ambassadors")
        if (found := features.period_figure(name)) is not None
    }
    templates: Templates = features.app_home.templates
    plan = Sprint(config=config, templates=templates, sources=sources)
    with services.store(config_path) as engine:
        team = services.workspace(engine, team_id, command="porch sprint start")
        with engine.begin() as conn:
            started = plan.start(conn, team_id=team, day=first, now=now)
    end = first + dt.timedelta(days=27)
    if not started:
        fail(f"porch sprint start: a sprint starting {first} was already started")
    click.echo(f"Sprint started: {first} to {end}. Week 1's plan is queued for the managers.")
