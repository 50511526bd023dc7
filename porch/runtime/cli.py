"""The `porch` command. Each subcommand is documented in the README (a test checks it)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from porch.core.config import Config, ConfigError, load_config, summary
from porch.runtime.settings import Settings


def _load(settings: Settings) -> Config:
    try:
        return load_config(settings.config_path)
    except ConfigError as exc:
        for issue in exc.issues:
            click.echo(str(issue), err=True)
        sys.exit(2)


@click.group()
@click.version_option(package_name="porch")
def main() -> None:
    """Porch: welcomes, rituals, a tracker and a guidelines site for a Slack community."""


@main.command()
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="community.yml")
def check(config_path: Path | None) -> None:
    """Validate community.yml; exit 2 with one line per problem."""
    settings = Settings.from_env(config_path=config_path)
    click.echo(summary(_load(settings)))


def _runtime(settings: Settings, config: Config):  # type: ignore[no-untyped-def]
    from porch.runtime.server import Runtime, StartupError

    try:
        return Runtime.create(config=config, settings=settings)
    except StartupError as exc:
        click.echo(f"porch: {exc}. See 'Running for real' in the README.", err=True)
        sys.exit(2)


@main.command()
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="community.yml")
@click.option("--host", default="0.0.0.0", show_default=True)
@click.option("--port", type=int, help="Defaults to $PORT, else 3000.")
@click.option("--threads", default=8, show_default=True)
def serve(config_path: Path | None, host: str, port: int | None, threads: int) -> None:
    """HTTP mode: Slack sends requests to POST /slack/events; GET /healthz for probes."""
    import waitress

    from porch.runtime import logs

    settings = Settings.from_env(config_path=config_path)
    logs.configure(settings)
    runtime = _runtime(settings, _load(settings))
    runtime.start_background()
    try:
        waitress.serve(runtime.wsgi(), host=host, port=port or settings.port, threads=threads)
    finally:
        runtime.stop_background()


@main.command()
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="community.yml")
def run(config_path: Path | None) -> None:
    """Socket Mode: no public URL needed (SLACK_APP_TOKEN). Best for trying Porch out."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from porch.runtime import logs

    settings = Settings.from_env(config_path=config_path)
    if not settings.slack_app_token:
        click.echo(
            "porch: SLACK_APP_TOKEN is not set (an xapp- token with connections:write).", err=True
        )
        sys.exit(2)
    logs.configure(settings)
    runtime = _runtime(settings, _load(settings))
    runtime.start_background()
    try:
        SocketModeHandler(runtime.app, settings.slack_app_token).start()
    finally:
        runtime.stop_background()


@main.command()
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="community.yml")
@click.option(
    "--out", type=click.Path(path_type=Path), default=Path("demo-output"), show_default=True
)
def demo(config_path: Path | None, out: Path) -> None:
    """A scripted month of a small community in a sandbox workspace, no Slack account needed."""
    from porch.sandbox.demo import run_demo

    settings = Settings.from_env(config_path=config_path)
    run_demo(config=_load(settings), config_path=settings.config_path, out=out)


@main.group()
def members() -> None:
    """Member records: import at install, reconcile after downtime."""


@members.command("import")
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="community.yml")
def members_import(config_path: Path | None) -> None:
    """Record the workspace's existing members without welcoming them (run once at install)."""
    _members_pass(config_path, welcome=False)


@members.command("reconcile")
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="community.yml")
def members_reconcile(config_path: Path | None) -> None:
    """Welcome anyone who joined inside the window while Porch was not listening."""
    _members_pass(config_path, welcome=True)


def _members_pass(config_path: Path | None, *, welcome: bool) -> None:
    settings = Settings.from_env(config_path=config_path)
    runtime = _runtime(settings, _load(settings))
    label = "Reconciling members" if welcome else "Importing members"
    with click.progressbar(length=0, label=label, show_pos=True) as bar:

        def progress(count: int) -> None:
            bar.length = (bar.length or 0) + count
            bar.update(count)

        totals = runtime.jobs.reconcile(team_id=runtime.team_id, welcome=welcome, progress=progress)
    sent = runtime.worker.drain()
    click.echo(
        f"{totals['welcomed']} welcomed, {totals['recorded']} recorded without a welcome, "
        f"{totals['known']} already known, {totals['skipped']} skipped (bots, guests, deleted); "
        f"{sent} messages delivered."
    )


@main.command()
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="community.yml")
@click.option(
    "--out", type=click.Path(path_type=Path), default=Path("porch-preview.html"), show_default=True
)
def preview(config_path: Path | None, out: Path) -> None:
    """Write one HTML page showing every message Porch can send, from the real templates."""
    from porch.runtime.preview import write_preview

    settings = Settings.from_env(config_path=config_path)
    path = write_preview(config=_load(settings), out=out)
    click.echo(f"Preview written: {path}")


@main.group()
def site() -> None:
    """Build or preview the newcomer site (mkdocs-material)."""


@site.command("build")
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="community.yml")
def site_build(config_path: Path | None) -> None:
    """Render the site from community.yml into public/."""
    from porch.site import build as site_service

    settings = Settings.from_env(config_path=config_path)
    output = site_service.build(config_path=settings.config_path)
    click.echo(f"Site built: {output}/index.html")


@site.command("serve")
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="community.yml")
@click.option("--port", default=8000, show_default=True)
def site_serve(config_path: Path | None, port: int) -> None:
    """Serve the site with live reload on 127.0.0.1."""
    from porch.site import build as site_service

    settings = Settings.from_env(config_path=config_path)
    site_service.serve(config_path=settings.config_path, port=port)


@main.command("sync")
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="community.yml")
@click.option("--backfill", is_flag=True, help="Rebuild the whole tracker from the store.")
@click.option(
    "--team",
    "team_id",
    default=None,
    help="The workspace (team ID) whose tracker to write, when the database serves several.",
)
def sync_command(config_path: Path | None, backfill: bool, team_id: str | None) -> None:
    """Write queued rows to the tracker (Google Sheet or local folder) once."""
    from porch.runtime import tracker_sync as sync_service

    settings = Settings.from_env(config_path=config_path)
    sys.exit(
        sync_service.command(
            config=_load(settings), settings=settings, rebuild=backfill, team_id=team_id
        )
    )


if __name__ == "__main__":
    main()
