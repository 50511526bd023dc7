"""/porch: one slash command, many verbs.

Each verb is a function in a handler module's `VERBS` mapping (verb -> function taking a
`CommandRequest`); this module parses the command once, finds the verb and answers `help` or an
unknown verb with the help text. A feature's verbs live beside its other listeners, so adding a
verb touches no other feature's code.

A verb whose work outlasts the 3 seconds Slack waits also has an entry in its module's
`LAZY_VERBS`: Bolt runs that function as a lazy listener, in its own thread once the command is
acknowledged (with process_before_response, a listener's own work would hold the answer back).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from handlers import (
    health_commands,
    privacy_commands,
    ritual_commands,
    welcome_commands,
)
from handlers.access import allowed, is_manager, refusal
from handlers.replies import open_modal
from handlers.services import Services as Porch
from porch.core.domain_events import TEAM_ID, USER_ID
from porch.core.interactions import (
    TRIGGER_ID,
    USER_REFERENCE,
    CommandRequest,
    Interaction,
    MalformedPayload,
    Modal,
    Private,
    Reply,
    text_at,
)
from porch.core.slack_ids import Command


@dataclass(frozen=True)
class VerbCall:
    """One `/porch <verb> <args>` invocation, already validated (the verbs not yet declared
    by a feature; those get a porch.core.interactions.CommandRequest)."""

    porch: Porch
    client: WebClient
    ack: Ack
    team_id: str
    user_id: str
    trigger_id: str
    # The words after the verb, unparsed.
    args: str
    command: Mapping[str, Any]

    def reply(self, template: str, **context: Any) -> None:
        """Answer with an ephemeral message rendered from templates/."""
        message = self.porch.templates.render(template, **context)
        self.ack(text=message.text, blocks=message.blocks, response_type="ephemeral")

    def is_manager(self) -> bool:
        return is_manager(client=self.client, config=self.porch.config, user_id=self.user_id)

    def require_manager(self) -> bool:
        """True for a manager; otherwise answers with the refusal and returns False."""
        if self.is_manager():
            return True
        self.reply("command_denied.j2")
        return False

    def mentioned_users(self) -> list[str]:
        return USER_REFERENCE.findall(self.args)


LegacyVerb = Callable[[VerbCall], None]

# Handler modules whose VERBS are /porch verbs.
VERB_MODULES = (
    welcome_commands,
    ritual_commands,
    health_commands,
    privacy_commands,
)


def verbs(attribute: str = "VERBS") -> dict[str, LegacyVerb]:
    table: dict[str, LegacyVerb] = {}
    for module in VERB_MODULES:
        for name, verb in getattr(module, attribute, {}).items():
            if name in table:
                raise ValueError(f"/porch {name} is defined twice")
            table[name] = verb
    return table


def register(app: App, *, porch: Porch) -> None:
    table = verbs()
    later = verbs("LAZY_VERBS")
    declared = {verb.name: verb for verb in porch.features.verbs}
    if clash := set(declared) & set(table):
        raise ValueError(f"/porch {sorted(clash)[0]} is defined twice")

    def parse(ack: Ack, command: dict[str, Any], client: WebClient) -> tuple[str, VerbCall]:
        words = text_at(command, "text", optional=True).strip().split(maxsplit=1)
        request = VerbCall(
            porch=porch,
            client=client,
            ack=ack,
            team_id=text_at(command, "team_id", pattern=TEAM_ID),
            user_id=text_at(command, "user_id", pattern=USER_ID),
            trigger_id=text_at(command, "trigger_id", pattern=TRIGGER_ID),
            args=words[1] if len(words) > 1 else "",
            command=command,
        )
        return (words[0].lower() if words else "help"), request

    def typed(call: VerbCall) -> CommandRequest:
        return CommandRequest(
            team_id=call.team_id,
            user_id=call.user_id,
            trigger_id=call.trigger_id,
            body=call.command,
            store=porch,
            command=call.command,
            args=call.args,
        )

    def answer(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
        name, call = parse(ack, command, client)
        verb = declared.get(name)
        if verb is not None:
            request = typed(call)
            if verb.managers_only and not allowed(
                porch, client, request=request, what=f"/porch {name}"
            ):
                answer_command(ack, refusal(porch))
                return
            answer_command(ack, verb.handle(request), client=client, request=request)
            return
        handler = table.get(name)
        if handler is None:
            call.reply("command_help.j2")
            return
        handler(call)

    def follow_up(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
        # Bolt starts this for every /porch, even one the acknowledgement refused as malformed
        # (a 400 already went back): most verbs have nothing to do later, and a malformed
        # command is left alone here rather than logged twice.
        try:
            name, call = parse(ack, command, client)
        except MalformedPayload:
            return
        verb = declared.get(name)
        if verb is not None and verb.later is not None:
            if not verb.managers_only or is_manager(
                client=client, config=porch.config, user_id=call.user_id
            ):
                verb.later(typed(call))
            return
        work = later.get(name)
        if work is not None:
            work(call)

    app.command(Command.PORCH)(ack=answer, lazy=[follow_up])

    for interaction in porch.features.interactions("command"):
        app.command(interaction.id)(_slash_command(porch, interaction))


def _slash_command(porch: Porch, interaction: Interaction) -> Callable[..., None]:
    """A slash command of its own (e.g. /feedback): the whole text is its `args`."""

    def answer(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
        request = CommandRequest(
            team_id=text_at(command, "team_id", pattern=TEAM_ID),
            user_id=text_at(command, "user_id", pattern=USER_ID),
            trigger_id=text_at(command, "trigger_id", pattern=TRIGGER_ID),
            body=command,
            store=porch,
            command=command,
            args=text_at(command, "text", optional=True).strip(),
        )
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
