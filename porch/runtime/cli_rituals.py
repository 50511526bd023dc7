"""`porch ritual post|pause|resume ID`: a manager's hands on the ritual schedule."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click
from sqlalchemy import Engine, select

from porch.core.config import Config, RitualConfig
from porch.core.store import connect, migrate
from porch.core.store.schema import workspaces
from porch.features.registry import templates as feature_templates
from porch.runtime.settings import Settings

CONFIG_OPTION = click.option(
    "--config", "config_path", type=click.Path(path_type=Path), help="community.yml"
)
TEAM_OPTION = click.option(
    "--team",
    "team_id",
    default=None,
    help="The workspace (team ID), when the database serves several.",
)


def _ritual(config: Config, ritual_id: str) -> RitualConfig:
    """The ritual, or exit 2 listing the IDs community.yml has."""
    found = next((r for r in config.rituals if r.id == ritual_id), None)
    if found is None:
        ids = ", ".join(r.id for r in config.rituals) or "none"
        click.echo(
            f"porch ritual: unknown ritual {ritual_id!r}; rituals in community.yml: {ids}", err=True
        )
        sys.exit(2)
    return found


def _config(config_path: Path | None) -> tuple[Settings, Config]:
    from porch.runtime.cli import _load

    settings = Settings.from_env(config_path=config_path)
    return settings, _load(settings)


def _workspace(engine: Engine, team_id: str | None) -> str:
    with engine.begin() as conn:
        known = list(conn.execute(select(workspaces.c.team_id)).scalars())
    if team_id in known or (team_id is None and len(known) == 1):
        return team_id or known[0]
    if not known:
        click.echo(
            "porch ritual: no workspace yet: start Porch once (porch serve) first.", err=True
        )
    else:
        click.echo(f"porch ritual: pass --team, one of: {', '.join(known)}", err=True)
    sys.exit(2)


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
def ritual_post(ritual_id: str, day: dt.datetime | None, config_path: Path | None) -> None:
    """Post a ritual's occurrence now; once per date, however often it is run."""
    from porch.features.ritual_calendar import moment
    from porch.runtime.cli import _runtime

    settings, config = _config(config_path)
    settings_ritual = _ritual(config, ritual_id)
    runtime = _runtime(settings, config, receives_events=False)
    porch = runtime.porch
    tz = config.community.tz
    local_date = day.date() if day else porch.clock.now().astimezone(tz).date()
    at = moment(settings_ritual, local_date, tz)
    rituals = porch.features.rituals
    recorded = porch.transaction(
        lambda conn, now: rituals.post_occurrence(
            conn,
            team_id=runtime.team_id,
            ritual=settings_ritual,
            day=local_date,
            at=min(at, now),
            now=now,
            override=True,
        )
    )
    runtime.worker.drain()
    if recorded:
        click.echo(f"Posted {settings_ritual.name} for {local_date}.")
    else:
        click.echo(
            f"{settings_ritual.name} for {local_date} was already posted (or its channel is "
            "missing); nothing sent."
        )


@ritual.command("pause")
@click.argument("ritual_id")
@CONFIG_OPTION
@TEAM_OPTION
def ritual_pause(ritual_id: str, config_path: Path | None, team_id: str | None) -> None:
    """Stop posting a ritual until it is resumed."""
    _pause_or_resume(ritual_id, config_path, team_id, pause=True)


@ritual.command("resume")
@click.argument("ritual_id")
@CONFIG_OPTION
@TEAM_OPTION
def ritual_resume(ritual_id: str, config_path: Path | None, team_id: str | None) -> None:
    """Post a paused ritual again, from its next occurrence."""
    _pause_or_resume(ritual_id, config_path, team_id, pause=False)


def _pause_or_resume(
    ritual_id: str, config_path: Path | None, team_id: str | None, *, pause: bool
) -> None:
    from porch.features.rituals import Rituals

    settings, config = _config(config_path)
    found = _ritual(config, ritual_id)
    engine = connect(settings.database_url)
    try:
        migrate(engine)
        team = _workspace(engine, team_id)
        rituals = Rituals(config=config, templates=feature_templates())
        with engine.begin() as conn:
            if pause:
                changed = rituals.pause(
                    conn, team_id=team, ritual_id=found.id, now=dt.datetime.now(dt.UTC)
                )
            else:
                changed = rituals.resume(conn, team_id=team, ritual_id=found.id)
    finally:
        engine.dispose()
    state = "paused" if pause else "resumed"
    click.echo(f"{found.name} {state}." if changed else f"{found.name} was already {state}.")
