"""Slash commands: `/porch <verb> <args>`, one command with the verbs features declare, and
each command a feature declares of its own (e.g. `/feedback`).

The command is parsed once into a CommandRequest; an unknown verb, or none, gets the help. A
manager-only verb refuses anyone else with the one private refusal (handlers/access.py). A verb
whose work outlasts the 3 seconds Slack waits declares it as its Verb's `later`: Bolt runs that
as a lazy listener, in its own thread once the command is acknowledged (with
process_before_response, a listener's own work would hold the answer back).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from porch.core.domain_events import TEAM_ID, USER_ID
from porch.core.interactions import (
    TRIGGER_ID,
    CommandRequest,
    Interaction,
    MalformedPayload,
    Modal,
    Private,
    Reply,
    text_at,
)
from porch.core.slack_ids import Command
from porch.handlers.access import allowed, is_manager, of_team, refusal
from porch.handlers.replies import open_modal
from porch.handlers.services import Services

HELP = "command_help.j2"


def _verbs(porch: Services) -> dict[str, Any]:
    declared = {}
    for verb in porch.features.verbs:
        if verb.name in declared:
            raise ValueError(f"/porch {verb.name} is defined twice")
        declared[verb.name] = verb
    return declared


def register(app: App, *, porch: Services) -> None:
    default = porch
    _verbs(default)  # a verb defined twice stops the start

    def parse(porch: Services, command: dict[str, Any], *, text: str) -> CommandRequest:
        return CommandRequest(
            team_id=text_at(command, "team_id", pattern=TEAM_ID),
            user_id=text_at(command, "user_id", pattern=USER_ID),
            trigger_id=text_at(command, "trigger_id", pattern=TRIGGER_ID),
            body=command,
            store=porch,
            command=command,
            args=text,
        )

    def split(command: dict[str, Any]) -> tuple[Services, str, CommandRequest]:
        # The workspace's own Porch (its community file): its verbs, managers and templates.
        porch = default.for_team(text_at(command, "team_id", pattern=TEAM_ID))
        words = text_at(command, "text", optional=True).strip().split(maxsplit=1)
        name = words[0].lower() if words else "help"
        return porch, name, parse(porch, command, text=words[1] if len(words) > 1 else "")

    def answer(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
        porch, name, request = split(command)
        verb = _verbs(porch).get(name)
        if verb is None:
            answer_command(ack, Private(porch.templates.render(HELP)))
            return
        if verb.managers_only and not allowed(
            porch, client, request=request, what=f"/porch {name}"
        ):
            answer_command(ack, refusal(porch))
            return
        answer_command(ack, verb.handle(request), client=client, request=request)

    def follow_up(command: dict[str, Any], client: WebClient) -> None:
        # Bolt starts this for every /porch, even one the acknowledgement refused as malformed
        # (a 400 already went back): most verbs have nothing to do later, and a malformed
        # command is left alone here rather than logged twice.
        try:
            porch, name, request = split(command)
        except MalformedPayload:
            return
        verb = _verbs(porch).get(name)
        if verb is None or verb.later is None:
            return
        if verb.managers_only and not is_manager(
            client=client, config=porch.config, user_id=request.user_id
        ):
            return
        verb.later(request)

    app.command(Command.PORCH)(ack=answer, lazy=[follow_up])

    for interaction in default.features.interactions("command"):
        app.command(interaction.id)(_slash_command(default, interaction, parse))


def _slash_command(
    default: Services, declared: Interaction, parse: Callable[..., CommandRequest]
) -> Callable[..., None]:
    """A slash command of its own (e.g. /feedback): the whole text is its `args`."""

    def answer(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
        team_id = text_at(command, "team_id", pattern=TEAM_ID)
        porch, interaction = of_team(default, team_id, "command", declared)
        request = parse(porch, command, text=text_at(command, "text", optional=True).strip())
        if interaction.managers_only and not allowed(
            porch, client, request=request, what=interaction.id
        ):
            answer_command(ack, refusal(porch))
            return
        answer_command(ack, interaction.handle(request), client=client, request=request)

    return answer


def answer_command(
    ack: Ack,
    reply: Reply,
    *,
    client: WebClient | None = None,
    request: CommandRequest | None = None,
) -> None:
    """A command's answer is its acknowledgement: an ephemeral message, or a modal opened."""
    if isinstance(reply, Private):
        ack(text=reply.message.text, blocks=reply.message.blocks, response_type="ephemeral")
        return
    ack()
    if isinstance(reply, Modal) and client is not None and request is not None:
        open_modal(client, trigger_id=request.trigger_id, modal=reply)
