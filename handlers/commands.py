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

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from handlers import (
    feedback_commands,
    health_commands,
    privacy_commands,
    ritual_commands,
    welcome_commands,
)
from handlers.access import is_manager
from handlers.payloads import TRIGGER_ID, MalformedPayload, text_at
from porch.core.domain_events import TEAM_ID, USER_ID
from porch.core.slack_ids import Command
from porch.runtime.context import Porch

USER_REFERENCE = re.compile(r"<@([UW][A-Z0-9]{1,31})(?:\|[^>]*)?>")


@dataclass(frozen=True)
class CommandRequest:
    """One `/porch <verb> <args>` invocation, already validated."""

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


Verb = Callable[[CommandRequest], None]

# Handler modules whose VERBS are /porch verbs.
VERB_MODULES = (
    welcome_commands,
    ritual_commands,
    feedback_commands,
    health_commands,
    privacy_commands,
)


def verbs(attribute: str = "VERBS") -> dict[str, Verb]:
    table: dict[str, Verb] = {}
    for module in VERB_MODULES:
        for name, verb in getattr(module, attribute, {}).items():
            if name in table:
                raise ValueError(f"/porch {name} is defined twice")
            table[name] = verb
    return table


def register(app: App, *, porch: Porch) -> None:
    table = verbs()
    later = verbs("LAZY_VERBS")

    def parse(ack: Ack, command: dict[str, Any], client: WebClient) -> tuple[str, CommandRequest]:
        words = text_at(command, "text", optional=True).strip().split(maxsplit=1)
        request = CommandRequest(
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

    def answer(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
        verb, request = parse(ack, command, client)
        handler = table.get(verb)
        if handler is None:
            request.reply("command_help.j2")
            return
        handler(request)

    def follow_up(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
        # Bolt starts this for every /porch, even one the acknowledgement refused as malformed
        # (a 400 already went back): most verbs have nothing to do later, and a malformed
        # command is left alone here rather than logged twice.
        try:
            verb, request = parse(ack, command, client)
        except MalformedPayload:
            return
        work = later.get(verb)
        if work is not None:
            work(request)

    app.command(Command.PORCH)(ack=answer, lazy=[follow_up])
