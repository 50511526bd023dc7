"""`porch ritual post|pause|resume ID`: a manager's hands on the ritual schedule, from a shell.

Post sends at once (Porch started for sending, its worker drained); pause and resume only
change the store. An unknown ritual ID, or a store without a (single) workspace, exits 2.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from porch.core.cli_services import CONFIG_OPTION, TEAM_OPTION, CliServices, fail
from porch.core.config import Config
from porch.features.rituals.calendar import moment
from porch.features.rituals.config import RitualConfig
from porch.features.rituals.schedule import Rituals


def _ritual(config: Config, ritual_id: str) -> RitualConfig:
    """The ritual, or exit 2 listing the IDs community.yml has."""
    found = next((r for r in config.rituals if r.id == ritual_id), None)
    if found is None:
        ids = ", ".join(r.id for r in config.rituals) or "none"
        fail(f"porch ritual: unknown ritual {ritual_id!r}; rituals in community.yml: {ids}")
    assert found is not None
    return found


@click.group()
def ritual() -> None:
    """Post a ritual now, or pause and resume one."""


@ritual.command("post")
@click.argument("ritual_id")
@click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The occurrence's local date (default: today in the community's timezone).",
)
@CONFIG_OPTION
@click.pass_obj
def ritual_post(
    services: CliServices, ritual_id: str, day: dt.datetime | None, config_path: Path | None
) -> None:
    """Post a ritual's occurrence now; once per date, however often it is run."""
    config = services.config(config_path)
    settings = _ritual(config, ritual_id)
    with services.running(config_path) as porch:
        tz = config.community.tz
        local_date = day.date() if day else services.clock.now().astimezone(tz).date()
        at = moment(settings, local_date, tz)
        # The running Porch's templates (with the community's own, if it has any), which App
        # Home was built with too.
        rituals = Rituals(config=config, templates=porch.features.app_home.templates)
        recorded = porch.transaction(
            lambda conn, now: rituals.post_occurrence(
                conn,
                team_id=porch.team_id,
                ritual=settings,
                day=local_date,
                at=min(at, now),
                now=now,
                override=True,
            )
        )
        porch.drain()
    if recorded:
        click.echo(f"Posted {settings.name} for {local_date}.")
    else:
        click.echo(
            f"{settings.name} for {local_date} was already posted (or its channel is "
            "missing); nothing sent."
        )


@ritual.command("pause")
@click.argument("ritual_id")
@CONFIG_OPTION
@TEAM_OPTION
@click.pass_obj
def ritual_pause(
    services: CliServices, ritual_id: str, config_path: Path | None, team_id: str | None
) -> None:
    """Stop posting a ritual until it is resumed."""
    _pause_or_resume(services, ritual_id, config_path, team_id, pause=True)


@ritual.command("resume")
@click.argument("ritual_id")
@CONFIG_OPTION
@TEAM_OPTION
@click.pass_obj
def ritual_resume(
    services: CliServices, ritual_id: str, config_path: Path | None, team_id: str | None
) -> None:
    """Post a paused ritual again, from its next occurrence."""
    _pause_or_resume(services, ritual_id, config_path, team_id, pause=False)


def _pause_or_resume(
    services: CliServices,
    ritual_id: str,
    config_path: Path | None,
    team_id: str | None,
    *,
    pause: bool,
) -> None:
    config = services.config(config_path)
    found = _ritual(config, ritual_id)
    with services.store(config_path) as engine:
        team = services.workspace(engine, team_id, command="ritual")
        with engine.begin() as conn:
            if pause:
                changed = Rituals.pause(
                    conn, team_id=team, ritual_id=found.id, now=services.clock.now()
                )
            else:
                changed = Rituals.resume(conn, team_id=team, ritual_id=found.id)
    state = "paused" if pause else "resumed"
    click.echo(f"{found.name} {state}." if changed else f"{found.name} was already {state}.")
