"""`porch events calendar`: the community calendar (.ics) with the one-off events from the
store as well as every ritual and recurring event, e.g. to publish beside the site's own
calendar.ics (which a site build, having no store, makes from community.yml alone)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from porch.core.cli_services import CONFIG_OPTION, TEAM_OPTION, CliServices
from porch.features.live_events import store
from porch.features.live_events.calendar import calendar


@click.group("events")
def events_group() -> None:
    """The live events' calendar."""


@events_group.command("calendar")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("calendar.ics"),
    show_default=True,
    help="Where to write the .ics file.",
)
@CONFIG_OPTION
@TEAM_OPTION
@click.pass_obj
def events_calendar(
    services: CliServices, out: Path, config_path: Path | None, team_id: str | None
) -> None:
    """Write every ritual and live event (the coming ones Porch has stored too) as .ics."""
    config = services.config(config_path)
    now = services.clock.now()
    with services.store(config_path) as engine:
        team = services.workspace(engine, team_id, command="events calendar")
        with engine.begin() as conn:
            stored = store.between(
                conn,
                team_id=team,
                since=now - dt.timedelta(days=1),
                until=now + dt.timedelta(days=366),
            )
    out.write_bytes(calendar(config, now=now, stored=stored))
    click.echo(f"Wrote {out} ({sum(1 for e in stored if not e.series_id)} one-off events).")
