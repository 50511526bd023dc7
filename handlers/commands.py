"""/porch: manager commands."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from handlers.access import is_manager
from handlers.payloads import TRIGGER_ID, text_at
from porch.core.domain_events import TEAM_ID, USER_ID
from porch.core.slack_ids import Command
from porch.runtime.context import Porch

USER_REFERENCE = re.compile(r"<@([UW][A-Z0-9]{1,31})(?:\|[^>]*)?>")


def register(app: App, *, porch: Porch) -> None:
    @app.command(Command.PORCH)
    def porch_command(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
        words = text_at(command, "text", optional=True).strip().split(maxsplit=1)
        verb = words[0].lower() if words else "help"
        team_id = text_at(command, "team_id", pattern=TEAM_ID)
        user_id = text_at(command, "user_id", pattern=USER_ID)
        trigger_id = text_at(command, "trigger_id", pattern=TRIGGER_ID)

        def reply(template: str, **context: Any) -> None:
            message = porch.templates.render(template, **context)
            ack(text=message.text, blocks=message.blocks, response_type="ephemeral")

        if verb != "welcome":
            reply("command_help.j2")
            return
        if not is_manager(client=client, config=porch.config, user_id=user_id):
            reply("command_denied.j2")
            return
        targets = USER_REFERENCE.findall(words[1] if len(words) > 1 else "")
        if not targets:
            reply("command_help.j2")
            return
        # trigger_id is unique per invocation: the re-sent welcome is once per command.
        for target in targets:
            porch.transaction(
                lambda conn, now, target=target: porch.features.onboarding.resend_welcome(
                    conn,
                    team_id=team_id,
                    user_id=target,
                    now=now,
                    sent_by=user_id,
                    invocation=trigger_id,
                )
            )
        reply("command_welcome_sent.j2", users=targets, count=len(targets))
