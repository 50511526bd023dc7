"""`porch feedback digest`: the monthly feedback digest, printed as Markdown and saved as HTML."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from sqlalchemy import select

from porch.core.clock import SystemClock
from porch.core.config import ConfigError
from porch.core.store import connect, migrate
from porch.core.store.schema import feedback_items
from porch.features.feedback_digest import (
    figures,
    markdown,
    month_bounds,
    previous_month,
    report_path,
    save_html,
)
from porch.features.registry import load_config
from porch.runtime.settings import Settings


@click.group()
def feedback() -> None:
    """Feedback items: the monthly digest."""


@feedback.command("digest")
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="community.yml")
@click.option("--month", help="YYYY-MM; defaults to last month (community timezone).")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to save the HTML; defaults to <tracker.local_dir>/reports/feedback-YYYY-MM.html.",
)
@click.option("--team", "team_id", help="The workspace (team ID), when the database has several.")
def digest(
    config_path: Path | None, month: str | None, out: Path | None, team_id: str | None
) -> None:
    """Print a month's feedback digest (Markdown) and save it as an HTML page."""
    settings = Settings.from_env(config_path=config_path)
    try:
        config = load_config(settings.config_path)
    except ConfigError as exc:
        for issue in exc.issues:
            click.echo(str(issue), err=True)
        sys.exit(2)
    tz = config.community.tz
    month = month or previous_month(SystemClock().now(), tz)
    try:
        month_bounds(month, tz)
    except ValueError:
        click.echo(f"porch feedback digest: --month {month!r} is not YYYY-MM", err=True)
        sys.exit(2)
    engine = connect(settings.database_url)
    try:
        migrate(engine)
        with engine.begin() as conn:
            if team_id is None:
                teams = sorted(conn.execute(select(feedback_items.c.team_id).distinct()).scalars())
                if len(teams) > 1:
                    click.echo(
                        f"porch feedback digest: the database has {len(teams)} workspaces; "
                        "pick one with --team",
                        err=True,
                    )
                    sys.exit(2)
                team_id = teams[0] if teams else ""
            data = figures(conn, team_id=team_id, month=month, tz=tz)
    finally:
        engine.dispose()
    source = markdown(data, community=config.community.name)
    path = save_html(source, path=out or report_path(config, month), month=month)
    click.echo(source)
    click.echo(f"Saved {path.resolve()}", err=True)
