"""`porch ritual post|pause|resume ID`: a manager's hands on the ritual schedule, from a shell.

Post sends at once (Porch started for sending, its worker drained); pause and resume only
change the store. An unknown ritual ID, or a store without a (single) workspace, exits 2.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import NoReturn

import click
from sqlalchemy import Connection

from porch.core.cli_services import CONFIG_OPTION, TEAM_OPTION, CliServices, fail
from porch.core.config import Config
from porch.features.rituals.calendar import LOOK_BACK_DAYS, cadence_label, happens_on, moment
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
    help="The occurrence's local date, a day the ritual runs on (default: today in the "
    "community's timezone). Without it, a day the ritual does not run on is refused; pass the "
    "date of the occurrence to post it anyway.",
)
@CONFIG_OPTION
@click.pass_obj
def ritual_post(
    services: CliServices, ritual_id: str, day: dt.datetime | None, config_path: Path | None
) -> None:
    """Post a ritual's occurrence now; once per date, however often it is run.

    Only a day the ritual runs on can be posted: today, or --date YYYY-MM-DD of one of its
    occurrences (a past one that was missed, or the next one early).
    """
    config = services.config(config_path)
    settings = _ritual(config, ritual_id)
    tz = config.community.tz
    local_date = day.date() if day else services.clock.now().astimezone(tz).date()
    if not happens_on(settings, local_date):
        _not_its_day(settings, local_date, today=day is None)
    with services.running(config_path) as porch:
        at = moment(settings, local_date, tz)
        # The running Porch's templates (with the community's own, if it has any), which App
        # Home was built with too.
        rituals = Rituals(config=config, templates=porch.features.app_home.templates)

        def post(conn: Connection, now: dt.datetime) -> str:
            if rituals.post_occurrence(
                conn,
                team_id=porch.team_id,
                ritual=settings,
                day=local_date,
                at=min(at, now),
                now=now,
                override=True,
            ):
                return "posted"
            if rituals.channel_id(conn, team_id=porch.team_id, ritual=settings) is None:
                return "no channel"
            return "already posted"

        outcome = porch.transaction(post)
        porch.drain()
    if outcome == "no channel":
        channel = getattr(config.channels, settings.channel)
        fail(
            f"porch ritual post: {settings.name}'s channel #{channel} is missing in Slack: create "
            f"it (or fix channels.{settings.channel} in community.yml); the ritual was not posted."
        )
    if outcome == "posted":
        click.echo(f"Posted {settings.name} for {local_date}.")
    else:
        click.echo(f"{settings.name} for {local_date} was already posted; nothing sent.")


def _not_its_day(settings: RitualConfig, day: dt.date, *, today: bool) -> NoReturn:
    """Exit 2 saying when the ritual runs and the --date that posts it anyway."""
    before = next(
        day - dt.timedelta(days=n)
        for n in range(1, LOOK_BACK_DAYS + 1)
        if happens_on(settings, day - dt.timedelta(days=n))
    )
    after = next(
        day + dt.timedelta(days=n)
        for n in range(1, LOOK_BACK_DAYS + 1)
        if happens_on(settings, day + dt.timedelta(days=n))
    )
    when = cadence_label(settings)
    when = f"on the {when}" if settings.cadence == "monthly" else when
    which = f"today ({day:%A} {day})" if today else f"{day} (a {day:%A})"
    fail(
        f"porch ritual post: {settings.name} runs {when}, and {which} is not "
        f"one of its days; to post it anyway, pass an occurrence's date: --date {before} (the "
        f"last) or --date {after} (the next)."
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
    config = services.config(config_path, team_id=team_id)
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
