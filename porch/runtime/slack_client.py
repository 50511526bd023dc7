"""The Slack Web API client Porch uses everywhere: retries on 429, 5xx and dropped connections."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.oauth.installation_store import InstallationStore

from porch.core.config import Config

logger = logging.getLogger(__name__)


def web_client(*, token: str, base_url: str, for_effects: bool = False) -> WebClient:
    """A WebClient with slack_sdk's retry handlers.

    Reads and interactive calls retry on 429 (after Retry-After), on 5xx and on dropped
    connections. The effect worker's client (`for_effects`) retries nothing itself: a 5xx or a
    dropped connection may come after Slack already posted the message, and a blind repeat would
    post it twice, so the worker looks the message up by its metadata key first; and a 429 slept
    out inside the client would stall every other kind of effect behind one limited method, so
    the worker pauses just that kind (porch/runtime/worker.py).
    """
    client = WebClient(token=token, base_url=base_url, timeout=30)
    if for_effects:
        client.retry_handlers[:] = []
    else:
        # Many tries on 429: a join storm can keep a method limited for a while.
        client.retry_handlers.extend(
            [
                RateLimitErrorRetryHandler(max_retry_count=50),
                ServerErrorRetryHandler(max_retry_count=3),
            ]
        )
    return client


def resolve_channels(client: WebClient, config: Config) -> dict[str, str]:
    """Map the configured channel names to IDs (conversations.list, paginated)."""
    wanted = config.channel_names()
    found: dict[str, str] = {}
    for page in client.conversations_list(
        types="public_channel,private_channel", exclude_archived=True, limit=200
    ):
        for channel in page["channels"]:
            if channel["name"] in wanted:
                found[channel["name"]] = channel["id"]
    missing = sorted(wanted - found.keys())
    if missing:
        logger.warning(
            "channels named in community.yml were not found (or the app cannot see them): %s",
            ", ".join("#" + name for name in missing),
        )
    return found


class SlackClients:
    """The Web API client for each workspace Porch serves; runtime code asks here, by team.

    With one bot token (SLACK_BOT_TOKEN) that is one client, good for the one workspace it was
    issued in. In OAuth mode (`installed`) each workspace's token is read from the installation
    store when asked for, so an uninstalled workspace has no client from the moment its token
    is deleted, in every process.
    """

    def __init__(
        self,
        *,
        team_id: str | None = None,
        client: WebClient | None = None,
        installations: InstallationStore | None = None,
        base_url: str = "",
        for_effects: bool = False,
    ) -> None:
        self._team_id = team_id
        self._client = client
        self._installations = installations
        self._base_url = base_url
        self._for_effects = for_effects
        # team_id -> (token, client): a client is built again only when the token changed.
        self._made: dict[str, tuple[str, WebClient]] = {}

    @classmethod
    def installed(
        cls, *, installations: InstallationStore, base_url: str, for_effects: bool = False
    ) -> SlackClients:
        """A client per installed workspace, from the installation store."""
        return cls(installations=installations, base_url=base_url, for_effects=for_effects)

    def client_for(self, team_id: str) -> WebClient | None:
        """The client for `team_id`, or None when Porch holds no token for that workspace.

        None rather than some other client: a store shared with an earlier installation may
        list other workspaces, and asking Slack about them with this token would answer for the
        wrong team.
        """
        if self._installations is None:
            return self._client if team_id == self._team_id else None
        bot = self._installations.find_bot(enterprise_id=None, team_id=team_id)
        if bot is None or not bot.bot_token:
            self._made.pop(team_id, None)
            return None
        made = self._made.get(team_id)
        if made is None or made[0] != bot.bot_token:
            client = web_client(
                token=bot.bot_token, base_url=self._base_url, for_effects=self._for_effects
            )
            made = self._made[team_id] = (bot.bot_token, client)
        return made[1]
