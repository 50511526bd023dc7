"""`/feedback <text>` (any member) and `/porch feedback digest [YYYY-MM]` (managers)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App

from handlers.payloads import TRIGGER_ID, text_at
from handlers.services import Services as Porch
from porch.core.domain_events import TEAM_ID, USER_ID
from porch.core.markdown_report import render_blocks
from porch.core.slack_ids import Command
from porch.features.feedback_digest import month_bounds, previous_month

if TYPE_CHECKING:
    from handlers.commands import VerbCall as CommandRequest

MONTH = re.compile(r"\d{4}-\d{2}")


def register(app: App, *, porch: Porch) -> None:
    @app.command(Command.FEEDBACK)
    def feedback_command(ack: Ack, command: dict[str, Any]) -> None:
        team_id = text_at(command, "team_id", pattern=TEAM_ID)
        user_id = text_at(command, "user_id", pattern=USER_ID)
        trigger_id = text_at(command, "trigger_id", pattern=TRIGGER_ID)
        text = text_at(command, "text", optional=True).strip()
        if not text:
            message = porch.templates.render(
                "feedback_empty.j2",
                problem="Add your feedback after the command, e.g. `/feedback the search "
                "misses old threads`.",
            )
            ack(text=message.text, blocks=message.blocks, response_type="ephemeral")
            return
        porch.transaction(
            lambda conn, now: porch.features.feedback.submit(
                conn, team_id=team_id, user_id=user_id, text=text, invocation=trigger_id, now=now
            )
        )
        message = porch.templates.render(
            "feedback_submitted.j2", response_hours=porch.config.feedback.response_hours
        )
        ack(text=message.text, blocks=message.blocks, response_type="ephemeral")


def feedback(request: CommandRequest) -> None:
    """/porch feedback digest [YYYY-MM]: last month's (or that month's) digest, just for you."""
    if not request.require_manager():
        return
    words = request.args.split()
    if not words or words[0].lower() != "digest" or len(words) > 2:
        request.reply("command_help.j2")
        return
    porch = request.porch
    tz = porch.config.community.tz
    month = words[1] if len(words) == 2 else previous_month(porch.clock.now(), tz)
    try:
        if not MONTH.fullmatch(month):
            raise ValueError(month)
        month_bounds(month, tz)
    except ValueError:
        request.reply("feedback_empty.j2", problem=f"`{month}` is not a month: use YYYY-MM.")
        return
    source = porch.transaction(
        lambda conn, now: porch.features.feedback.digests.build(
            conn, team_id=request.team_id, month=month
        )
    )
    request.ack(
        text=f"Feedback digest for {month}", blocks=render_blocks(source), response_type="ephemeral"
    )


VERBS = {"feedback": feedback}
