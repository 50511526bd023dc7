"""Settings from the environment. Secrets live only here, never in community.yml or logs."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from porch.core.resources import project_path

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
# The example community.yml shipped with Porch; `porch demo` and the site fall back to it.
EXAMPLE_CONFIG = project_path("community.yml")
# How long the effect worker's claims last without renewal (porch/runtime/worker.py): how soon
# effects held by a process that died go out from another one.
DEFAULT_EFFECT_LEASE = dt.timedelta(seconds=15)


@dataclass(frozen=True)
class Settings:
    config_path: Path = Path("community.yml")
    database_url: str = "sqlite:///porch.db"
    slack_bot_token: str | None = field(default=None, repr=False)
    slack_signing_secret: str | None = field(default=None, repr=False)
    slack_app_token: str | None = field(default=None, repr=False)
    # Many workspaces (porch/runtime/installations.py): Slack's OAuth flow instead of one token.
    slack_client_id: str | None = None
    slack_client_secret: str | None = field(default=None, repr=False)
    slack_redirect_uri: str | None = None
    token_key: str | None = field(default=None, repr=False)
    slack_api_url: str = DEFAULT_SLACK_API_URL
    port: int = 3000
    google_credentials: Path | None = None
    sheets_api_url: str | None = None
    effect_lease: dt.timedelta = DEFAULT_EFFECT_LEASE
    # Many workspaces: a community file per workspace (porch/runtime/communities.py).
    communities_dir: Path | None = None
    # On PostgreSQL, the folder of the edge's spool (porch/runtime/spool.py): $PORCH_SPOOL_DIR,
    # else community.yml's folder. SQLite's spool is always beside its database file.
    spool_dir: Path | None = None

    @classmethod
    def from_env(
        cls,
        env: Mapping[str, str] | None = None,
        *,
        config_path: Path | None = None,
        example_if_missing: bool = False,
    ) -> Settings:
        """Settings from `env` (os.environ by default).

        The config is `config_path`, else $PORCH_CONFIG, else ./community.yml. With
        `example_if_missing` (commands that only show Porch off, such as the demo), a missing
        ./community.yml falls back to the bundled example; a path the user named never does.
        """
        env = os.environ if env is None else env
        chosen = config_path or Path(env.get("PORCH_CONFIG") or "community.yml")
        if example_if_missing and not (config_path or env.get("PORCH_CONFIG")):
            chosen = chosen if chosen.exists() else EXAMPLE_CONFIG
        credentials = env.get("GOOGLE_APPLICATION_CREDENTIALS")
        api_url = env.get("SLACK_API_URL") or DEFAULT_SLACK_API_URL
        return cls(
            config_path=chosen,
            database_url=env.get("DATABASE_URL") or "sqlite:///porch.db",
            slack_bot_token=env.get("SLACK_BOT_TOKEN") or None,
            slack_signing_secret=env.get("SLACK_SIGNING_SECRET") or None,
            slack_app_token=env.get("SLACK_APP_TOKEN") or None,
            slack_client_id=env.get("SLACK_CLIENT_ID") or None,
            slack_client_secret=env.get("SLACK_CLIENT_SECRET") or None,
            slack_redirect_uri=env.get("SLACK_REDIRECT_URI") or None,
            token_key=env.get("PORCH_TOKEN_KEY") or None,
            slack_api_url=api_url if api_url.endswith("/") else api_url + "/",
            port=int(env.get("PORT") or 3000),
            google_credentials=Path(credentials) if credentials else None,
            sheets_api_url=env.get("SHEETS_API_URL") or None,
            effect_lease=_seconds(
                "PORCH_EFFECT_LEASE_SECONDS", env.get("PORCH_EFFECT_LEASE_SECONDS")
            )
            or DEFAULT_EFFECT_LEASE,
            spool_dir=Path(env["PORCH_SPOOL_DIR"]) if env.get("PORCH_SPOOL_DIR") else None,
            communities_dir=Path(env["PORCH_COMMUNITIES"])
            if env.get("PORCH_COMMUNITIES")
            else None,
        )

    @property
    def oauth_mode(self) -> bool:
        """Many workspaces through Slack's OAuth flow: SLACK_CLIENT_ID and SLACK_CLIENT_SECRET
        are set and SLACK_BOT_TOKEN is not (one token, one community, stays the default)."""
        return bool(self.slack_client_id and self.slack_client_secret and not self.slack_bot_token)

    @property
    def spool_folder(self) -> Path:
        """Where the edge spools events on PostgreSQL: $PORCH_SPOOL_DIR, else community.yml's
        folder. It must outlive the process (a persistent disk), as the database does."""
        return self.spool_dir or self.config_path.parent

    @property
    def communities_folder(self) -> Path:
        """The community files of many workspaces, one per team ID: $PORCH_COMMUNITIES, else
        communities/ beside community.yml."""
        return self.communities_dir or self.config_path.parent / "communities"

    @property
    def uses_example(self) -> bool:
        """True when the config is the bundled example (no community.yml was found)."""
        return self.config_path == EXAMPLE_CONFIG


def _seconds(name: str, value: str | None) -> dt.timedelta | None:
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        raise ValueError(f"{name} must be a number of seconds, not {value!r}") from None
    if not seconds > 0:
        raise ValueError(f"{name} must be more than 0 seconds")
    return dt.timedelta(seconds=seconds)
