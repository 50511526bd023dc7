"""`porch run`: Porch over Socket Mode, with no public URL (SLACK_APP_TOKEN)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from porch.runtime.settings import Settings

if TYPE_CHECKING:
    from slack_sdk import WebClient

SOCKET_MODE_OFF = (
    "turn on Socket Mode in the app settings and use an app-level token (xapp-…) with the "
    "connections:write scope"
)
# apps.connections.open errors, in what the manager changes to fix them.
SOCKET_MODE_ERRORS = {
    "not_allowed_token_type": (
        "it must be an app-level token (xapp-…, under Basic Information → App-Level Tokens), "
        "not the bot token"
    ),
    "invalid_auth": "create an app-level token (Basic Information → App-Level Tokens) and copy it",
    "token_revoked": "the token was revoked: create a new app-level token",
    "token_expired": "the token expired: create a new app-level token",
    "account_inactive": "the app or workspace is inactive: create a new app-level token",
    "missing_scope": "the app-level token needs the connections:write scope",
}


def _socket_mode_url(client: WebClient, app_token: str) -> str:
    """apps.connections.open with the app-level token: the WebSocket URL, or exit 2 with one
    line saying what to change. Without this, Socket Mode off or a wrong token surfaces as a
    traceback from deep inside the Socket Mode client."""
    from slack_sdk.errors import SlackApiError

    from porch.runtime.cli_services import SEE_RUNNING

    try:
        return str(client.apps_connections_open(app_token=app_token)["url"])
    except SlackApiError as exc:
        error = str(exc.response.get("error", "unknown error"))
        reason = SOCKET_MODE_ERRORS.get(error, SOCKET_MODE_OFF)
        click.echo(
            f"porch: Slack refused SLACK_APP_TOKEN ({error}): {reason}. {SEE_RUNNING}", err=True
        )
    except OSError as exc:
        click.echo(
            f"porch: cannot reach the Slack Web API at {client.base_url} ({exc}). {SEE_RUNNING}",
            err=True,
        )
    sys.exit(2)


@click.command()
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="community.yml")
def run(config_path: Path | None) -> None:
    """Socket Mode: no public URL needed (SLACK_APP_TOKEN). Best for trying Porch out."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler
    from slack_sdk.errors import SlackApiError

    from porch.runtime import logs
    from porch.runtime.cli import _load
    from porch.runtime.cli_services import SEE_RUNNING, start_runtime

    settings = Settings.from_env(config_path=config_path)
    if not settings.slack_app_token:
        click.echo(
            "porch: SLACK_APP_TOKEN is not set (an xapp- token with connections:write). "
            + SEE_RUNNING,
            err=True,
        )
        sys.exit(2)
    logs.configure(settings)
    runtime = start_runtime(settings, _load(settings))
    url = _socket_mode_url(runtime.client, settings.slack_app_token)
    handler = SocketModeHandler(runtime.app, settings.slack_app_token)
    handler.client.wss_uri = url  # connect with the URL just issued, not a second one
    runtime.start_background()
    try:
        handler.start()
    except SlackApiError as exc:  # a reconnect refused after the first check passed
        error = exc.response.get("error", "unknown error")
        click.echo(f"porch: Slack refused SLACK_APP_TOKEN ({error}). {SEE_RUNNING}", err=True)
        sys.exit(2)
    finally:
        runtime.stop_background()
