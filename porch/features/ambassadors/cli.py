"""`porch ambassadors candidates [--json]` and `porch ambassadors invite USER_ID`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from porch.core.cli_services import CONFIG_OPTION, TEAM_OPTION, CliServices, fail
from porch.core.config import USER_ID, Config
from porch.features.ambassadors.config import CRITERIA
from porch.features.ambassadors.program import Program, make_program

# What each outcome of an invitation says on the terminal (exit 2 unless sent or already so).
SAID = {
    "invited": "invited {user}: a DM with the program page and Accept / Decline is on its way",
    "already-invited": "{user} was invited already and has not answered yet",
    "already-ambassador": "{user} is an ambassador already",
    "unknown": "no member {user} in this workspace (check the ID: porch ambassadors candidates)",
    "left": "{user} has left the workspace: not invited",
    "full": "the program is full ({cap} ambassadors, ambassadors.max_ambassadors): not invited",
}


def _program(services: CliServices, config_path: Path | None) -> tuple[Program, Config]:
    """The program, with the templates Porch runs with (the community's overrides too)."""
    config = services.config(config_path)
    templates = services.features(config).app_home.templates
    return make_program(config=config, templates=templates), config


@click.group()
def ambassadors() -> None:
    """The ambassador program: candidates and invitations."""


@ambassadors.command("candidates")
@CONFIG_OPTION
@TEAM_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_obj
def candidates(
    services: CliServices, config_path: Path | None, team_id: str | None, as_json: bool
) -> None:
    """Members at the ambassador threshold or who applied, with the evidence."""
    program, _config = _program(services, config_path)
    with services.store(config_path) as engine:
        team = services.workspace(engine, team_id, command="porch ambassadors candidates")
        with engine.connect() as conn:
            found = program.candidates(conn, team_id=team)
    if as_json:
        click.echo(json.dumps(found, indent=2, sort_keys=True))
        return
    if not found:
        click.echo("No candidates yet.")
        return
    for c in found:
        counts = ", ".join(f"{c['evidence'].get(k, 0)} {w}" for k, w in CRITERIA.items())
        state = f" [{c['state']}]" if c["state"] else ""
        click.echo(f"{c['user_id']}  {c['level']}{state}: {counts}")


@ambassadors.command("invite")
@click.argument("user_id")
@CONFIG_OPTION
@click.pass_obj
def invite(services: CliServices, user_id: str, config_path: Path | None) -> None:
    """Invite a member to the program (a DM with Accept / Decline), once."""
    if not USER_ID.fullmatch(user_id):
        fail(f"porch ambassadors invite: {user_id!r} is not a Slack member ID such as U0123ABCD")
    program, config = _program(services, config_path)
    with services.running(config_path) as porch:
        outcome = porch.transaction(
            lambda conn, now: program.invite(
                conn, team_id=porch.team_id, user_id=user_id, by="", now=now
            )
        )
        porch.drain()
    line = SAID[outcome].format(user=user_id, cap=config.ambassadors.max_ambassadors)
    if outcome not in ("invited", "already-invited", "already-ambassador"):
        fail(f"porch ambassadors invite: {line}")
    click.echo(line)
