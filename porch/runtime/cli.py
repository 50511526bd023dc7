"""The `porch` command. Each subcommand is documented in the README (a test checks it)."""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from porch.core.config import Config, ConfigError, summary
from porch.features.registry import check_config, cli_commands, load_config
from porch.runtime import init_command
from porch.runtime.cli_services import RuntimeCliServices, start_runtime
from porch.runtime.settings import Settings
from porch.runtime.socket_mode_command import run
from porch.runtime.worker_command import worker

if TYPE_CHECKING:
    pass


def _load(settings: Settings) -> Config:
    try:
        return load_config(settings.config_path)
    except ConfigError as exc:
        for issue in exc.issues:
            click.echo(str(issue), err=True)
        sys.exit(2)


class _Porch(click.Group):
    """The `porch` group: a DATABASE_URL no command can use is one line and exit 2 wherever
    the store is opened (serve, run, sync, …), not SQLAlchemy's traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        from porch.core.store import UnusableUrl

        try:
            return super().invoke(ctx)
        except UnusableUrl as exc:
            click.echo(f"porch: DATABASE_URL {exc}", err=True)
            ctx.exit(2)


@click.group(cls=_Porch)
@click.version_option(package_name="porch")
@click.pass_context
def main(context: click.Context) -> None:
    """Porch: welcomes, rituals, a tracker and a guidelines site for a Slack community."""
    # What the features' own commands (FeaturePackage.cli) get as click's obj.
    context.obj = RuntimeCliServices()


@main.command()
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="community.yml")
def check(config_path: Path | None) -> None:
    """Validate community.yml and its templates; exit 2 with one line per problem.

    Reads --config, else $PORCH_CONFIG, else community.yml in the current folder (`porch init`
    writes one). Many workspaces: also every community file in communities/ beside it (or
    $PORCH_COMMUNITIES), one per team ID, e.g. communities/T0123ABCD.yml.
    """
    from porch.runtime.communities import check_all, community_files
    from porch.runtime.preview import template_issues

    settings = Settings.from_env(config_path=config_path)
    try:
        config, warnings = check_config(settings.config_path)
    except ConfigError as exc:
        for issue in exc.issues:
            click.echo(str(issue), err=True)
        sys.exit(2)
    from porch.runtime.tracker_sync import missing_credentials

    issues = [
        *warnings,
        *template_issues(config),
        *init_command.placeholder_managers(settings.config_path, config),
        *check_all(settings, default=config),
    ]
    for issue in issues:
        click.echo(str(issue), err=True)
    problem = missing_credentials(config=config, settings=settings)
    if problem:
        click.echo(f"porch: {problem}", err=True)
    if problem or any(not issue.warning for issue in issues):
        sys.exit(2)
    click.echo(summary(config))
    for team_id, path in community_files(settings.communities_folder, []).items():
        click.echo(f"  workspace {team_id}: {path}")


@main.command()
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="community.yml")
@click.option("--host", default="0.0.0.0", show_default=True)
@click.option("--port", type=int, help="Defaults to $PORT, else 3000.")
@click.option("--threads", default=8, show_default=True, help="Threads answering requests.")
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    help="Worker processes for the background work (default: 1 on SQLite, one per core up to "
    "4 on PostgreSQL); 0 runs everything in this one process.",
)
def serve(
    config_path: Path | None, host: str, port: int | None, threads: int, workers: int | None
) -> None:
    """HTTP mode: Slack sends requests to POST /slack/events; GET /healthz for probes.

    This process only answers: it checks each request, stores it and acknowledges it. The
    features, the effect worker, the scheduler and the tracker run in worker processes it starts
    and restarts (`porch worker`), so no amount of background work delays an acknowledgement.

    Many workspaces (OAuth mode): each installed workspace runs on its own community file,
    communities/TEAM_ID.yml beside community.yml (or in $PORCH_COMMUNITIES), when it has one,
    else on community.yml; every file is checked at start.
    """
    from porch.runtime import logs
    from porch.runtime.edge import http_server
    from porch.runtime.supervisor import WorkerPool, default_worker_count, worker_command

    settings = Settings.from_env(config_path=config_path)
    logs.configure(settings)
    config = _load(settings)
    count = default_worker_count(database_url=settings.database_url) if workers is None else workers
    # SIGTERM (docker stop, systemd) ends the server loop like Ctrl-C, so the workers are
    # stopped cleanly below rather than left to notice that this process is gone.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    # Started first, so they start up while this process does: a restart is back at work in
    # the time one process takes to start, not two.
    pool = WorkerPool(command=worker_command(config_path=str(settings.config_path)), count=count)
    if count:
        pool.start()
    try:
        runtime = start_runtime(settings, config, pool=pool if count else None)
    except BaseException:
        pool.stop()
        raise
    if not count:
        runtime.start_background()
    try:
        # waitress, with the edge's body cap (and its one log line for a refusal).
        server = http_server(
            runtime.wsgi(),
            failures=runtime.porch.failures,
            host=host,
            port=port or settings.port,
            threads=threads,
        )
        server.print_listen("Serving on http://{}:{}")
        gc.freeze()  # start-up's objects live for good: no full collection walks them mid-ack
        server.run()
    finally:
        if count:
            pool.stop()
        else:
            runtime.stop_background()


EXAMPLE_HELP = "community.yml; without one here (or $PORCH_CONFIG), the bundled example"


def _settings_or_example(config_path: Path | None) -> Settings:
    """Settings whose config falls back to the bundled example, saying so in one line."""
    settings = Settings.from_env(config_path=config_path, example_if_missing=True)
    if settings.uses_example:
        click.echo(
            f"No community.yml in this folder: using the bundled example ({settings.config_path}).",
            err=True,
        )
    return settings


@main.command()
@click.option("--config", "config_path", type=click.Path(path_type=Path), help=EXAMPLE_HELP)
@click.option(
    "--out", type=click.Path(path_type=Path), default=Path("demo-output"), show_default=True
)
def demo(config_path: Path | None, out: Path) -> None:
    """A scripted month of a small community in a sandbox workspace, no Slack account needed.

    Reads community.yml from the current folder, --config or $PORCH_CONFIG; without any of them
    it uses the example community.yml bundled with Porch.
    """
    from porch.sandbox.demo import run_demo

    settings = _settings_or_example(config_path)
    run_demo(config=_load(settings), config_path=settings.config_path, out=out)


@main.command()
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="community.yml")
@click.option("--url", help="The public https:// URL where `porch serve` answers.")
@click.option("--socket-mode", is_flag=True, help="No public URL: Slack talks to `porch run`.")
@click.option("--out", type=click.Path(path_type=Path), help="Write here instead of stdout.")
def manifest(
    config_path: Path | None, url: str | None, socket_mode: bool, out: Path | None
) -> None:
    """Print the Slack app manifest, named after the community, for --url URL or --socket-mode."""
    from porch.runtime import manifest as manifest_service

    if socket_mode == (url is not None):
        click.echo("porch: give either --url https://… or --socket-mode", err=True)
        sys.exit(2)
    if url is not None:
        try:
            manifest_service.base_url(url)
        except manifest_service.NotHttps as exc:
            click.echo(f"porch: {exc}", err=True)
            sys.exit(2)
    config = _load(Settings.from_env(config_path=config_path))
    built = manifest_service.build(
        community=config.community.name, url=url, socket_mode=socket_mode
    )
    text = manifest_service.render(built, how="--socket-mode" if socket_mode else f"--url {url}")
    if out is None:
        click.echo(text, nl=False)
        return
    out.write_text(text, encoding="utf-8")
    click.echo(f"Manifest written: {out}", err=True)


@main.command()
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="community.yml")
@click.option("--dry-run", is_flag=True, help="Say what would be done; change nothing.")
@click.option(
    "--write",
    is_flag=True,
    help="Replace managers given as @handle or email in community.yml with their member IDs.",
)
def setup(config_path: Path | None, dry_run: bool, write: bool) -> None:
    """Prepare Slack with SLACK_BOT_TOKEN: check scopes, create and join the channels, resolve
    managers' @handles and emails; print what is left (exit 0 when nothing, else 1)."""
    from porch.runtime import setup_command

    settings = Settings.from_env(config_path=config_path)
    sys.exit(setup_command.command(settings=settings, dry_run=dry_run, write=write))


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
    # Import records the members of a new install, so it may create the store; reconcile
    # catches up an existing one and must not answer from an empty one.
    runtime = start_runtime(
        settings, _load(settings), receives_events=False, create_store=not welcome
    )
    label = "Reconciling members" if welcome else "Importing members"
    click.echo("Reading the member list from Slack…", err=True)
    bar: Any = None
    with contextlib.ExitStack() as stack:

        def progress(done: int, total: int) -> None:
            nonlocal bar
            if bar is None:
                bar = stack.enter_context(
                    click.progressbar(length=total, label=label, show_pos=True, file=sys.stderr)
                )
            bar.update(done - bar.pos)

        totals = runtime.reconcile(team_id=runtime.team_id, welcome=welcome, progress=progress)
    runtime.worker.drain()
    click.echo(_members_summary(totals, runtime.worker.stats.delivered_by_kind))


def _members_summary(totals: dict[str, int], sent: Mapping[str, int]) -> str:
    """What the pass recorded and what Slack was really sent, in one line."""
    kinds = {"post": "message", "invite": "channel invite", "home": "App Home view"}
    deliveries = [
        f"{count} {kinds.get(kind, kind)}{'' if count == 1 else 's'}"
        for kind, count in sorted(sent.items())
        if count
    ]
    return (
        f"{totals['welcomed']} welcomed, {totals['recorded']} recorded without a welcome, "
        f"{totals['known']} already known, {totals['skipped']} skipped (bots, guests, deleted); "
        f"sent to Slack: {', '.join(deliveries) or 'nothing'}."
    )


@main.command()
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="community.yml")
@click.option(
    "--out", type=click.Path(path_type=Path), default=Path("porch-preview.html"), show_default=True
)
def preview(config_path: Path | None, out: Path) -> None:
    """Write one HTML page showing every message Porch can send, from the real templates.

    Reads --config, else $PORCH_CONFIG, else community.yml in the current folder (`porch init`
    writes one); templates you override come from its onboarding.templates_dir.
    """
    from porch.runtime.preview import write_preview

    settings = Settings.from_env(config_path=config_path)
    path = write_preview(config=_load(settings), out=out)
    click.echo(f"Preview written: {path}")


@main.group()
def site() -> None:
    """Build or preview the newcomer site (mkdocs-material)."""


@site.command("build")
@click.option("--config", "config_path", type=click.Path(path_type=Path), help=EXAMPLE_HELP)
@click.option(
    "--team",
    "team_id",
    default=None,
    help="Many workspaces: build this workspace's site, from communities/TEAM.yml and its "
    "showcase entries, into public/TEAM/.",
)
def site_build(config_path: Path | None, team_id: str | None) -> None:
    """Render the site from community.yml into public/ in the current folder.

    community.yml: --config, else $PORCH_CONFIG, else the current folder's, else the example
    bundled with Porch. Pages: site/ in the current folder when it holds index.md (`porch init`
    writes it), else Porch's own. $PORCH_SITE_DIR changes the output folder. The Showcase page
    lists the approved entries in Porch's database (DATABASE_URL, else porch.db here). With
    --team T…, the site of that workspace, from its community file (else community.yml) and
    its showcase entries, into a folder of its own: public/T…/ (or $PORCH_SITE_DIR/T…/).
    """
    from porch.runtime.communities import TEAM_ID, team_settings
    from porch.site import build as site_service

    settings = _settings_or_example(config_path)
    site_dir = None
    if team_id is not None:
        if not TEAM_ID.match(team_id):
            click.echo(f"porch site build: --team takes a team ID (T…), not {team_id!r}", err=True)
            sys.exit(2)
        settings = team_settings(settings, team_id)
        site_dir = Path(os.environ.get(site_service.SITE_DIR_ENV) or "public") / team_id
    with site_service.store_beside(settings.database_url, team_id) as store:
        output = site_service.build(
            config_path=settings.config_path, store=store, site_dir=site_dir
        )
    click.echo(f"Site built: {output}/index.html")


@site.command("serve")
@click.option("--config", "config_path", type=click.Path(path_type=Path), help=EXAMPLE_HELP)
@click.option("--port", default=8000, show_default=True)
def site_serve(config_path: Path | None, port: int) -> None:
    """Serve the site with live reload on 127.0.0.1.

    Finds community.yml and the pages like `porch site build` (site/ in the current folder when
    it holds index.md) and rebuilds when either changes.
    """
    from porch.site import build as site_service

    settings = _settings_or_example(config_path)
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
    """Write queued rows to the tracker (Google Sheet or local folder) once.

    With --team T… and a community file for it (communities/T….yml), that file's tracker."""
    from porch.runtime import sync_command as sync_service
    from porch.runtime.communities import team_settings
    from porch.runtime.tracker_sync import missing_credentials

    settings = team_settings(Settings.from_env(config_path=config_path), team_id)
    config = _load(settings)
    problem = missing_credentials(config=config, settings=settings)
    if problem:
        click.echo(f"porch: {problem}", err=True)
        sys.exit(2)
    sys.exit(
        sync_service.command(config=config, settings=settings, rebuild=backfill, team_id=team_id)
    )


main.add_command(worker)
main.add_command(run)
main.add_command(init_command.init)

for _command in cli_commands():
    if isinstance(_command, tuple):  # (group, command): a verb under a core group, e.g. members
        _group = main.commands[_command[0]]
        assert isinstance(_group, click.Group)
        _group.add_command(_command[1])
    else:
        main.add_command(_command)

if __name__ == "__main__":
    main()
