"""`porch report`: every community health figure, as a terminal table or JSON."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from porch.core.config import ConfigError
from porch.features.registry import load_config
from porch.runtime.settings import Settings

DEFAULT_DAYS = 30


@click.command()
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="community.yml")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="First day of the period (community timezone); default: 30 days ago.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option(
    "--team",
    "team_id",
    default=None,
    help="The workspace (team ID) to report on, when the database serves several.",
)
def report(
    config_path: Path | None, since: dt.datetime | None, as_json: bool, team_id: str | None
) -> None:
    """Community health for a period up to now, beside the period of the same length before."""
    from porch.core.store import connect, migrate
    from porch.features import health_metrics, health_report
    from porch.runtime.tracker_sync import resolve_team
    from sheets_sync.client import TrackerError

    settings = Settings.from_env(config_path=config_path)
    try:
        config = load_config(settings.config_path)
    except ConfigError as exc:
        for issue in exc.issues:
            click.echo(str(issue), err=True)
        sys.exit(2)
    tz = config.community.tz
    until = dt.datetime.now(dt.UTC)
    start = (
        since.replace(tzinfo=tz).astimezone(dt.UTC)
        if since
        else until - dt.timedelta(days=DEFAULT_DAYS)
    )
    if start >= until:
        click.echo("porch report: --since must be a day in the past", err=True)
        sys.exit(2)
    engine = connect(settings.database_url)
    try:
        migrate(engine)
        with engine.connect() as conn:
            try:
                team = team_id or resolve_team(conn)
            except TrackerError as error:
                click.echo(f"porch report: {error}".replace("porch sync", "porch report"), err=True)
                sys.exit(2)
            current, previous = health_metrics.compute_with_previous(
                conn, team_id=team, config=config, since=start, until=until
            )
    finally:
        engine.dispose()
    if as_json:
        payload = {"team_id": team, **current.as_json(), "previous": previous.as_json()}
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    click.echo(health_report.terminal_table(current, previous, tz=tz))
