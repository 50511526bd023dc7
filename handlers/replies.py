"""Turning a feature's `Reply` into Slack's answer: the acknowledgement, a modal, or a private
message. Shared by the surfaces (actions, views, shortcuts, commands)."""

from __future__ import annotations

import html
import json
import logging
from collections.abc import Mapping
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from porch.core.interactions import Errors, Modal, Private, Reply, Request
from porch.handlers.access import record_private
from porch.handlers.services import Services

logger = logging.getLogger(__name__)


def open_modal(client: WebClient, *, trigger_id: str, modal: Modal) -> None:
    """views.open must happen within the trigger's 3 seconds, so it is the one Web API call
    made inside a request. An expired or replayed trigger: the request is answered, the modal
    does not open."""
    view: dict[str, Any] = dict(modal.view)
    if modal.callback_id is not None:
        view["callback_id"] = modal.callback_id
    if modal.private_metadata is not None:
        view["private_metadata"] = json.dumps(modal.private_metadata)
    try:
        client.views_open(trigger_id=trigger_id, view=view)
    except SlackApiError as exc:
        logger.warning("could not open a modal: %s", exc.response.get("error"))


def explanation_modal(title: str, private: Private) -> Modal:
    """A private message as a modal, where Slack offers no message to answer with (a message
    shortcut)."""
    return Modal(
        view={
            "type": "modal",
            "title": {"type": "plain_text", "text": title[:24]},
            "close": {"type": "plain_text", "text": "OK"},
            "blocks": private.message.blocks,
        }
    )


def first_input(view: Mapping[str, Any]) -> str:
    """The block_id of a submitted modal's first input: where a refusal is shown."""
    blocks = view.get("blocks")
    for block in blocks if isinstance(blocks, list) else ():
        if isinstance(block, Mapping) and block.get("type") == "input" and block.get("block_id"):
            return str(block["block_id"])
    state = view.get("state", {}).get("values") if isinstance(view.get("state"), Mapping) else {}
    return next(iter(state), "") if isinstance(state, Mapping) else ""


def answer_click(porch: Services, client: WebClient, *, request: Request, reply: Reply) -> None:
    """After a button's acknowledgement: a modal now, a private message through the worker."""
    if isinstance(reply, Modal):
        open_modal(client, trigger_id=request.trigger_id, modal=reply)
    elif isinstance(reply, Private):
        record_private(
            porch, request=request, message=reply.message, replace=reply.replace_original
        )
    elif isinstance(reply, Errors):
        logger.warning("a button's listener answered with modal errors; ignored")


def errors_for(view: Mapping[str, Any], reply: Private) -> dict[str, str]:
    """A private message shown under a submitted modal's first input."""
    return {first_input(view): html.unescape(reply.message.text)}
