"""`porch report`: every community health figure, as a terminal table or JSON."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click
from sqlalchemy import Connection, select

from porch.core.cli_services import CONFIG_OPTION, CliServices, fail
from porch.core.store.schema import members, tracker_rows, workspaces
from porch.features.health import metrics
from porch.features.health import report as health_report

DEFAULT_DAYS = 30


@click.command()
@CONFIG_OPTION
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
    help="The workspace (team ID) to report on, when the database serves several (with its "
    "community file, communities/TEAM.yml, when it has one).",
)
@click.pass_obj
def report(
    services: CliServices,
    config_path: Path | None,
    since: dt.datetime | None,
    as_json: bool,
    team_id: str | None,
) -> None:
    """Community health for a period up to now, beside the period of the same length before."""
    config = services.config(config_path, team_id=team_id)
    tz = config.community.tz
    until = dt.datetime.now(dt.UTC)
    start = (
        since.replace(tzinfo=tz).astimezone(dt.UTC)
        if since
        else until - dt.timedelta(days=DEFAULT_DAYS)
    )
    if start >= until:
        fail("porch report: --since must be a day in the past")
    with services.store(config_path) as engine, engine.connect() as conn:
        team = team_id or _only_team(conn)
        current, previous = metrics.compute_with_previous(
            conn,
            team_id=team,
            config=config,
            since=start,
            until=until,
            nps=services.features(config).period_figure("nps"),
            attendance=services.features(config).period_figure("live_attendance"),
            paths=services.features(config).period_figure("participation_by_path"),
        )
    if as_json:
        payload = {"team_id": team, **current.as_json(), "previous": previous.as_json()}
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    click.echo(health_report.terminal_table(current, previous, tz=tz))


def _only_team(conn: Connection) -> str:
    """The workspace to report on when --team is not given: the only one recorded (or, before
    Porch recorded any, the only one whose members or rows the store holds; "" for none)."""
    teams = list(conn.execute(select(workspaces.c.team_id)).scalars())
    if not teams:
        queued = select(tracker_rows.c.team_id).union(select(members.c.team_id))
        teams = list(conn.execute(queued).scalars())
    if len(teams) > 1:
        fail(
            f"porch report: this database serves {len(teams)} workspaces "
            f"({', '.join(sorted(teams))}): say which one's tracker to write "
            "(porch report --team T…)"
        )
    return teams[0] if teams else ""
