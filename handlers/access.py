"""Who may use manager-only buttons and commands."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from porch.core.config import Config

logger = logging.getLogger(__name__)


def is_manager(*, client: WebClient, config: Config, user_id: str) -> bool:
    if user_id in config.managers.users:
        return True
    if not config.managers.usergroup:
        return False
    try:
        response = client.usergroups_users_list(usergroup=config.managers.usergroup)
    except SlackApiError:
        logger.exception("could not read the managers user group")
        return False
    return user_id in response.get("users", [])
