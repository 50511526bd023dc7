"""Many workspaces from one install: Slack's OAuth flow, and a bot token per workspace.

OAuth mode (Settings.oauth_mode) keeps each workspace's installation in Porch's database through
slack_sdk's SQLAlchemy installation and state stores, on the tables migration 0015 creates. The
tokens are encrypted before they are written (Fernet, with the key in PORCH_TOKEN_KEY), so a copy
of the database alone gives no one a workspace's bot.

The edge serves /slack/install and /slack/oauth_redirect with Bolt's OAuthFlow; the only Slack
call made inside a request is its oauth.v2.access exchange. Requests are authorized from the
store alone (no auth.test per request). Uninstalling (`app_uninstalled`, or `tokens_revoked` for
the bot) goes through the inbox like every event; `forget` then deletes the workspace's tokens,
marks it uninstalled (the scheduler skips it) and cancels its pending effects, in the same
transaction that marks the event done.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.oauth import OAuthFlow
from slack_bolt.oauth.callback_options import CallbackOptions
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import Bot, Installation, InstallationStore
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Connection, Engine, and_, update

from porch.core import effect_queue
from porch.core.domain_events import AppUninstalled, DomainEvent, TokensRevoked
from porch.core.store.schema import (
    effects,
    slack_bots,
    slack_installations,
    slack_oauth_states,
    workspaces,
)

logger = logging.getLogger(__name__)

# The token fields of an Installation or a Bot that are stored encrypted.
TOKEN_FIELDS = ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token")
# How long a state issued by /slack/install may be used at /slack/oauth_redirect.
STATE_SECONDS = 600


class TokenKeyError(ValueError):
    """PORCH_TOKEN_KEY is missing or not a Fernet key; the message says so in one line."""


def token_cipher(key: str | None) -> Fernet:
    """The cipher for tokens at rest, or TokenKeyError naming PORCH_TOKEN_KEY."""
    if not key:
        raise TokenKeyError(
            "PORCH_TOKEN_KEY is not set: OAuth mode stores bot tokens encrypted with it "
            '(make one with: python -c "from cryptography.fernet import Fernet; '
            'print(Fernet.generate_key().decode())")'
        )
    try:
        return Fernet(key.encode())
    except (ValueError, TypeError):
        raise TokenKeyError(
            "PORCH_TOKEN_KEY is not a valid key (32 url-safe base64-encoded bytes)"
        ) from None


class EncryptedInstallationStore(InstallationStore):
    """slack_sdk's SQLAlchemy store on Porch's tables, with every token encrypted at rest."""

    def __init__(self, *, client_id: str, engine: Engine, cipher: Fernet) -> None:
        store = SQLAlchemyInstallationStore(client_id=client_id, engine=engine, logger=logger)
        # Porch's tables (schema.py, migration 0015), not ones of slack_sdk's own MetaData.
        store.installations = slack_installations
        store.bots = slack_bots
        self._store = store
        self._cipher = cipher
        self.client_id = client_id

    @property
    def logger(self) -> logging.Logger:
        return logger

    def save(self, installation: Installation) -> None:
        self._store.save(self._sealed(installation))

    def save_bot(self, bot: Bot) -> None:
        self._store.save_bot(self._sealed(bot))

    def find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        bot = self._store.find_bot(
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=is_enterprise_install,
        )
        return None if bot is None else self._opened(bot)

    def find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        found = self._store.find_installation(
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
            is_enterprise_install=is_enterprise_install,
        )
        return None if found is None else self._opened(found)

    def delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self._store.delete_bot(enterprise_id=enterprise_id, team_id=team_id)

    def delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        self._store.delete_installation(
            enterprise_id=enterprise_id, team_id=team_id, user_id=user_id
        )

    def _sealed(self, entity: Any) -> Any:
        sealed = _copy(entity)
        for name in TOKEN_FIELDS:
            value = getattr(sealed, name, None)
            if value:
                setattr(sealed, name, self._cipher.encrypt(value.encode()).decode())
        return sealed

    def _opened(self, entity: Any) -> Any:
        for name in TOKEN_FIELDS:
            value = getattr(entity, name, None)
            if value:
                try:
                    setattr(entity, name, self._cipher.decrypt(value.encode()).decode())
                except InvalidToken:
                    # Another key (PORCH_TOKEN_KEY changed): the token is unusable, not leaked.
                    logger.error(
                        "a stored %s for workspace %s cannot be decrypted with PORCH_TOKEN_KEY",
                        name,
                        entity.team_id,
                    )
                    setattr(entity, name, None)
        return entity


def _copy(entity: Any) -> Any:
    """A shallow copy, so encrypting for the database never changes the caller's object."""
    copied = object.__new__(type(entity))
    copied.__dict__.update(vars(entity))
    return copied


def installation_store(
    *, client_id: str, engine: Engine, token_key: str | None
) -> EncryptedInstallationStore:
    """The store OAuth mode runs on; TokenKeyError first, before anything is stored, when the
    key is missing or malformed."""
    return EncryptedInstallationStore(
        client_id=client_id, engine=engine, cipher=token_cipher(token_key)
    )


def oauth_flow(
    *,
    client_id: str,
    client_secret: str,
    scopes: list[str],
    redirect_uri: str | None,
    store: InstallationStore,
    engine: Engine,
    api_url: str,
    on_installed: Callable[[Installation], None],
) -> OAuthFlow:
    """Bolt's OAuthFlow for /slack/install and /slack/oauth_redirect, state kept in Porch's
    database (so any edge process can finish a flow another one started), checked against the
    browser's cookie and consumed once."""
    states = SQLAlchemyOAuthStateStore(
        expiration_seconds=STATE_SECONDS, engine=engine, logger=logger
    )
    states.oauth_states = slack_oauth_states
    settings = OAuthSettings(
        client_id=client_id,
        client_secret=client_secret,
        scopes=scopes,
        redirect_uri=redirect_uri,
        installation_store=store,
        state_store=states,
        install_path="/slack/install",
        redirect_uri_path="/slack/oauth_redirect",
        callback_options=_callbacks(on_installed),
        logger=logger,
    )
    client = WebClient(base_url=api_url, timeout=30)
    return OAuthFlow(client=client, settings=settings, logger=logger)


def _callbacks(on_installed: Callable[[Installation], None]) -> CallbackOptions:
    """Bolt's own pages, after recording the workspace (a database write, no Slack call)."""

    def success(args: Any) -> Any:
        on_installed(args.installation)
        return args.default.success(args)

    def failure(args: Any) -> Any:
        logger.warning("a Slack installation did not complete: %s", args.reason)
        return args.default.failure(args)

    return CallbackOptions(success=success, failure=failure)


def authorize_from(store: InstallationStore) -> Callable[..., AuthorizeResult | None]:
    """Bolt's `authorize`: the workspace's bot from the store, no Slack call (Bolt's default
    would call auth.test on every request)."""

    # Bolt passes the arguments a function names (positional-or-keyword names only).
    def authorize(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult | None:
        bot = store.find_bot(enterprise_id=enterprise_id, team_id=team_id)
        if bot is None or not bot.bot_token:
            return None
        return AuthorizeResult(
            enterprise_id=enterprise_id,
            team_id=team_id,
            bot_id=bot.bot_id,
            bot_user_id=bot.bot_user_id,
            bot_token=bot.bot_token,
            bot_scopes=bot.bot_scopes,
        )

    return authorize


def forget(conn: Connection, *, client_id: str, team_id: str, event: DomainEvent, now: Any) -> None:
    """What an uninstall (or a revoked token) changes, in the inbox batch's transaction.

    The rows are deleted through `conn` rather than the store's delete_bot/delete_installation,
    which open a transaction of their own: on SQLite that one would wait on this one's write lock.
    """
    if isinstance(event, TokensRevoked) and not event.bot:
        for user_id in event.users:
            conn.execute(
                slack_installations.update()
                .where(_of(slack_installations, client_id, team_id))
                .where(slack_installations.c.user_id == user_id)
                .values(user_token=None, user_refresh_token=None)
            )
        return
    if not isinstance(event, AppUninstalled | TokensRevoked):
        return
    conn.execute(slack_bots.delete().where(_of(slack_bots, client_id, team_id)))
    conn.execute(slack_installations.delete().where(_of(slack_installations, client_id, team_id)))
    conn.execute(
        update(workspaces).where(workspaces.c.team_id == team_id).values(uninstalled_at=now)
    )
    cancelled = conn.execute(
        update(effects)
        .where(effects.c.team_id == team_id, effects.c.status == effect_queue.PENDING)
        .values(status=effect_queue.CANCELLED)
    ).rowcount
    logger.info(
        "workspace %s uninstalled Porch: its tokens are deleted, its jobs stopped and %d "
        "pending effects cancelled",
        team_id,
        cancelled,
    )


def _of(table: Any, client_id: str, team_id: str) -> Any:
    return and_(
        table.c.client_id == client_id,
        table.c.enterprise_id.is_(None),
        table.c.team_id == team_id,
    )
