"""The program's buttons and its `/porch ambassador` verb.

Invite is the managers' (declared managers_only: the Slack adapter refuses anyone else). Accept
and Decline are the invited member's own: the button carries the invitation's number, and a
click by anyone else, or on an older invitation, changes nothing. `/porch ambassador` applies;
`/porch ambassador prompt` (an ambassador's) opens the prompt modal (prompts.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from porch.core.domain_events import USER_ID
from porch.core.interactions import (
    ActionRequest,
    CommandRequest,
    Interaction,
    Modal,
    Private,
    Reply,
    Verb,
)
from porch.core.templating import mention
from porch.features.ambassadors.ids import Action
from porch.features.ambassadors.program import Program
from porch.features.ambassadors.prompts import Prompts

ANSWER = "ambassadors/answer.j2"
NUMBER = re.compile(r"[0-9]{1,6}")


@dataclass(frozen=True, kw_only=True)
class ProgramControls:
    program: Program
    prompts: Prompts

    def interactions(self) -> tuple[Interaction, ...]:
        return (
            Interaction("action", Action.AMBASSADOR_INVITE, self.invite, managers_only=True),
            Interaction("action", Action.AMBASSADOR_ACCEPT, self.accept),
            Interaction("action", Action.AMBASSADOR_DECLINE, self.decline),
            *self.prompts.interactions(),
        )

    def verbs(self) -> tuple[Verb, ...]:
        return (
            Verb(
                name="ambassador",
                handle=self.command,
                summary="`/porch ambassador`: apply to the ambassador program "
                "(ambassadors: `/porch ambassador prompt` suggests a ritual prompt)",
            ),
        )

    def say(self, outcome: str, **extra: object) -> Private:
        return Private(self.program.templates.render(ANSWER, outcome=outcome, **extra))

    def invite(self, request: ActionRequest) -> Private | Modal:
        user_id = request.value_matching(USER_ID)
        outcome = request.transaction(
            lambda conn, now: self.program.invite(
                conn, team_id=request.team_id, user_id=user_id, by=request.user_id, now=now
            )
        )
        answer = self.say(outcome, who=mention(user_id), cap=self.program.section.max_ambassadors)
        if request.channel_id:
            return answer
        # From App Home: Slack gives no message to answer in, so the answer is a modal.
        view = {
            "type": "modal",
            "title": {"type": "plain_text", "text": "Ambassador program"},
            "close": {"type": "plain_text", "text": "OK"},
            "blocks": answer.message.blocks,
        }
        return Modal(view=view)

    def accept(self, request: ActionRequest) -> Private:
        return self._answer(request, accept=True)

    def decline(self, request: ActionRequest) -> Private:
        return self._answer(request, accept=False)

    def _answer(self, request: ActionRequest, *, accept: bool) -> Private:
        number = int(request.value_matching(NUMBER))
        outcome = request.transaction(
            lambda conn, now: self.program.answer(
                conn,
                team_id=request.team_id,
                user_id=request.user_id,
                number=number,
                accept=accept,
                now=now,
            )
        )
        replace = outcome in ("accepted", "declined")
        message = self.program.templates.render(
            ANSWER,
            outcome=outcome,
            channel_name=self.program.config.channels.ambassadors,
            page=self.program.page,
        )
        return Private(message, replace_original=replace)

    def command(self, request: CommandRequest) -> Reply:
        words = request.args.split()
        if words and words[0] == "prompt":
            return self.prompts.open(request)
        outcome = request.transaction(
            lambda conn, now: self.program.apply(
                conn, team_id=request.team_id, user_id=request.user_id, now=now
            )
        )
        return self.say(outcome, page=self.program.page)
