"""/porch: manager commands."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from handlers.access import is_manager
from porch.core.slack_ids import Command
from porch.runtime.context import Porch

USER_REFERENCE = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


def register(app: App, *, porch: Porch) -> None:
    @app.command(Command.PORCH)
    def porch_command(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
        words = (command.get("text") or "").strip().split(maxsplit=1)
        verb = words[0].lower() if words else "help"
        team_id, user_id = command["team_id"], command["user_id"]

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
                    invocation=command["trigger_id"],
                )
            )
        reply("command_welcome_sent.j2", users=targets, count=len(targets))
