"""/porch welcome @member: send the welcome DM again."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from handlers.commands import VerbCall as CommandRequest


def welcome(request: CommandRequest) -> None:
    if not request.require_manager():
        return
    targets = request.mentioned_users()
    if not targets:
        request.reply("command_help.j2")
        return
    porch = request.porch
    # trigger_id is unique per invocation: the re-sent welcome is once per command.
    for target in targets:
        porch.transaction(
            lambda conn, now, target=target: porch.features.onboarding.resend_welcome(
                conn,
                team_id=request.team_id,
                user_id=target,
                now=now,
                sent_by=request.user_id,
                invocation=request.trigger_id,
            )
        )
    request.reply("command_welcome_sent.j2", users=targets, count=len(targets))


VERBS = {"welcome": welcome}
