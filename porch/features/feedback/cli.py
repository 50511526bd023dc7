"""`porch feedback digest`: the monthly feedback digest, printed as Markdown and saved as HTML."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import select

from porch.core.cli_services import CONFIG_OPTION, TEAM_OPTION, CliServices, fail
from porch.features.feedback.digest import (
    figures,
    markdown,
    month_bounds,
    previous_month,
    report_path,
    save_html,
)
from porch.features.feedback.tables import feedback_items


@click.group()
def feedback() -> None:
    """Feedback items: the monthly digest."""


@feedback.command("digest")
@CONFIG_OPTION
@click.option("--month", help="YYYY-MM; defaults to last month (community timezone).")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to save the HTML; defaults to <tracker.local_dir>/reports/feedback-YYYY-MM.html.",
)
@TEAM_OPTION
@click.pass_obj
def digest(
    services: CliServices,
    config_path: Path | None,
    month: str | None,
    out: Path | None,
    team_id: str | None,
) -> None:
    """Print a month's feedback digest (Markdown) and save it as an HTML page."""
    config = services.config(config_path, team_id=team_id)
    tz = config.community.tz
    month = month or previous_month(services.clock.now(), tz)
    try:
        month_bounds(month, tz)
    except ValueError:
        fail(f"porch feedback digest: --month {month!r} is not YYYY-MM")
    with services.store(config_path) as engine, engine.begin() as conn:
        if team_id is None:
            # The workspaces that have feedback: a store with none prints an empty digest.
            teams = sorted(conn.execute(select(feedback_items.c.team_id).distinct()).scalars())
            if len(teams) > 1:
                fail(
                    f"porch feedback digest: the database has {len(teams)} workspaces; "
                    "pick one with --team"
                )
            team_id = teams[0] if teams else ""
        data = figures(
            conn, team_id=team_id, month=month, tz=tz, praise=config.feedback.praise_tags
        )
    source = markdown(data, community=config.community.name)
    path = save_html(source, path=out or report_path(config, month), month=month)
    click.echo(source)
    click.echo(f"Saved {path.resolve()}", err=True)
