"""Who may use manager-only buttons, modals and commands, and the one refusal everyone else
gets: written once here, applied by every Slack surface (actions, views, shortcuts, commands)
to each interaction a feature declares `managers_only`."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from porch.core import effect_queue
from porch.core.config import Config
from porch.core.domain_events import CHANNEL_ID
from porch.core.interactions import (
    TRIGGER_ID,
    Interaction,
    InteractionKind,
    Private,
    Request,
    text_at,
)
from porch.core.templating import Message
from porch.handlers.services import Services

logger = logging.getLogger(__name__)

REFUSAL_TEMPLATE = "managers_only.j2"


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


def of_team(
    porch: Services, team_id: str, kind: InteractionKind, interaction: Interaction
) -> tuple[Services, Interaction]:
    """The workspace's own Porch and its own features' interaction of that id: with many
    workspaces, each answers from its community file (its managers, its templates)."""
    team = porch.for_team(team_id)
    if team is porch:
        return porch, interaction
    for own in team.features.interactions(kind):
        if own.id == interaction.id:
            return team, own
    return team, interaction


def refusal(porch: Services) -> Private:
    """The private answer to someone who is not a manager, the same on every surface."""
    return Private(porch.templates.render(REFUSAL_TEMPLATE))


def allowed(porch: Services, client: WebClient, *, request: Request, what: str) -> bool:
    if is_manager(client=client, config=porch.config, user_id=request.user_id):
        return True
    logger.info("%s refused: %s is not a manager", what, request.user_id)
    return False


def record_private(porch: Services, *, request: Request, message: Message, replace: bool) -> None:
    """The answer to a click, delivered by the worker once per click: to the click's
    response_url when Slack sent one (replacing the clicked message, or as a message only the
    presser sees), else as an ephemeral message in the click's channel."""
    body: Mapping[str, Any] = request.body
    response_url = request.response_url
    channel_id = text_at(body, "channel", "id", pattern=CHANNEL_ID, optional=True)
    click = text_at(body, "trigger_id", pattern=TRIGGER_ID, optional=True) or uuid.uuid4().hex
    key = f"private:{request.user_id}:{click}"
    if response_url:
        kind = "respond"
        # Replacing the message the button was in changes it for everyone who sees it;
        # otherwise the answer is a new message only the presser sees.
        answer: dict[str, Any] = {"text": message.text, "blocks": message.blocks}
        answer.update({"replace_original": True} if replace else {"response_type": "ephemeral"})
        answer.setdefault("replace_original", False)
        payload: dict[str, Any] = {"response_url": response_url, "message": answer}
    elif channel_id:
        kind = "ephemeral"
        payload = {"channel": channel_id, "user": request.user_id, **message.payload()}
    else:
        logger.info("no way to answer %s privately: the payload names no channel", key)
        return
    porch.transaction(
        lambda conn, now: effect_queue.record(
            conn, team_id=request.team_id, key=key, kind=kind, payload=payload, now=now
        )
    )
