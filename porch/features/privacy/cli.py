"""`porch members export USER_ID` and `porch members forget USER_ID [--yes]`: a GDPR access or
erasure request answered in one command. They need only the store (no Slack token): the Sheet
loses the member's rows at the next tracker sync. Both are verbs of the core `members` group."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from porch.core.cli_services import CONFIG_OPTION, TEAM_OPTION, CliServices, fail
from porch.features.privacy.rights import Privacy

USER_ID = re.compile(r"[UW][A-Z0-9]{2,31}")


def _privacy(
    services: CliServices, config_path: Path | None, user_id: str, team_id: str | None
) -> Privacy:
    """Privacy over everything the features declare, for the config in use: with --team, that
    workspace's community file when it has one."""
    if not USER_ID.fullmatch(user_id):
        fail(f"porch: {user_id!r} is not a Slack user ID (U… or W…)")
    config = services.config(config_path, team_id=team_id)
    return Privacy(config=config, declarations=services.features(config).personal_data)


def _holds_nothing(summary: dict[str, Any]) -> bool:
    return not summary["profile"] and not summary["data"]


def _unknown(user_id: str, team_id: str, *, command: str) -> NoReturn:
    """An ID Porch holds nothing about is a mistyped ID (or one already erased), not an answer."""
    fail(
        f"porch {command}: Porch holds nothing about member {user_id} in workspace {team_id} "
        "(check the ID: in Slack, open the profile, then ⋯ → Copy member ID; or they were "
        "already erased)"
    )


@click.command("export")
@click.argument("user_id")
@CONFIG_OPTION
@TEAM_OPTION
@click.option("--out", type=click.Path(path_type=Path), help="write here instead of stdout")
@click.pass_obj
def members_export(
    services: CliServices,
    user_id: str,
    config_path: Path | None,
    team_id: str | None,
    out: Path | None,
) -> None:
    """Everything Porch holds about one member, as JSON (a GDPR access request)."""
    privacy = _privacy(services, config_path, user_id, team_id)
    with services.store(config_path) as engine:
        team = services.workspace(engine, team_id, command="members export")
        with engine.connect() as conn:
            summary = privacy.my_data(conn, team_id=team, user_id=user_id)
    if _holds_nothing(summary):
        _unknown(user_id, team, command="members export")
    text = json.dumps(summary, indent=2, ensure_ascii=False, default=str)
    if out is None:
        click.echo(text)
    else:
        out.write_text(text + "\n", encoding="utf-8")
        click.echo(f"Exported to {out}", err=True)


@click.command("forget")
@click.argument("user_id")
@CONFIG_OPTION
@TEAM_OPTION
@click.option("--yes", is_flag=True, help="do not ask for confirmation")
@click.pass_obj
def members_forget(
    services: CliServices, user_id: str, config_path: Path | None, team_id: str | None, yes: bool
) -> None:
    """Erase one member everywhere (a GDPR erasure request); Porch will not import them again."""
    privacy = _privacy(services, config_path, user_id, team_id)
    with services.store(config_path) as engine:
        team = services.workspace(engine, team_id, command="members forget")
        with engine.connect() as conn:
            summary = privacy.my_data(conn, team_id=team, user_id=user_id)
        if _holds_nothing(summary):
            _unknown(user_id, team, command="members forget")
        if not yes and not click.confirm(
            f"Erase everything Porch holds about {user_id}? This cannot be undone", err=True
        ):
            click.echo("Nothing erased.", err=True)
            sys.exit(1)
        with engine.begin() as conn:
            counts = privacy.forget(conn, team_id=team, user_id=user_id, now=services.clock.now())
    done = ", ".join(f"{count} {table}" for table, count in sorted(counts.items()) if count)
    click.echo(
        f"Erased {user_id}: {done or 'nothing was stored'}. The tracker loses their rows at its "
        "next sync (porch sync)."
    )


# Verbs of the core `members` group.
COMMANDS = (("members", members_export), ("members", members_forget))
