"""`porch members export USER_ID` and `porch members forget USER_ID [--yes]`: a GDPR access or
erasure request answered in one command. They need only the store (no Slack token): the Sheet
loses the member's rows at the next tracker sync."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path

import click

from porch.core.config import ConfigError
from porch.features.registry import load_config
from porch.features.registry import templates as feature_templates
from porch.runtime.settings import Settings

USER_ID = re.compile(r"[UW][A-Z0-9]{2,31}")
CONFIG_OPTION = click.option(
    "--config", "config_path", type=click.Path(path_type=Path), help="community.yml"
)
TEAM_OPTION = click.option(
    "--team", "team_id", help="the workspace (T…) when the store has several"
)


def _open(config_path: Path | None, user_id: str, team_id: str | None):  # type: ignore[no-untyped-def]
    if not USER_ID.fullmatch(user_id):
        click.echo(f"porch: {user_id!r} is not a Slack user ID (U… or W…)", err=True)
        sys.exit(2)
    from porch.core.store import connect, migrate
    from porch.features.registry import build_features
    from porch.runtime.tracker_sync import resolve_team
    from sheets_sync.client import TrackerError

    settings = Settings.from_env(config_path=config_path)
    try:
        config = load_config(settings.config_path)
    except ConfigError as exc:
        for issue in exc.issues:
            click.echo(str(issue), err=True)
        sys.exit(2)
    engine = connect(settings.database_url)
    migrate(engine)
    with engine.connect() as conn:
        try:
            team = team_id or resolve_team(conn)
        except TrackerError as error:
            click.echo(f"porch: {str(error).replace('porch sync', 'porch members')}", err=True)
            sys.exit(2)
    features = build_features(config=config, templates=feature_templates())
    return engine, features.privacy, team


@click.command("export")
@click.argument("user_id")
@CONFIG_OPTION
@TEAM_OPTION
@click.option("--out", type=click.Path(path_type=Path), help="write here instead of stdout")
def members_export(
    user_id: str, config_path: Path | None, team_id: str | None, out: Path | None
) -> None:
    """Everything Porch holds about one member, as JSON (a GDPR access request)."""
    engine, privacy, team = _open(config_path, user_id, team_id)
    with engine.connect() as conn:
        summary = privacy.my_data(conn, team_id=team, user_id=user_id)
    engine.dispose()
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
def members_forget(user_id: str, config_path: Path | None, team_id: str | None, yes: bool) -> None:
    """Erase one member everywhere (a GDPR erasure request); Porch will not import them again."""
    engine, privacy, team = _open(config_path, user_id, team_id)
    if not yes and not click.confirm(
        f"Erase everything Porch holds about {user_id}? This cannot be undone", err=True
    ):
        click.echo("Nothing erased.", err=True)
        sys.exit(1)
    with engine.begin() as conn:
        counts = privacy.forget(conn, team_id=team, user_id=user_id, now=dt.datetime.now(dt.UTC))
    engine.dispose()
    done = ", ".join(f"{count} {table}" for table, count in sorted(counts.items()) if count)
    click.echo(
        f"Erased {user_id}: {done or 'nothing was stored'}. The tracker loses their rows at its "
        "next sync (porch sync)."
    )
