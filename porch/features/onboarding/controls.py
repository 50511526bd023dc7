"""What onboarding answers at once: the buttons in welcomes, follow-ups, App Home and the
managers' warm-welcome card, the personalise modal, and `/porch welcome @member`.

Each is a plain function over a typed request (porch.core.interactions): it records its work in
one transaction and returns what to reply. Who may use the managers' controls is declared
(`managers_only`), not checked here: the Slack adapter gives anyone else the one private refusal.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from porch.core import member_records
from porch.core.domain_events import USER_ID
from porch.core.interactions import (
    TRIGGER_ID,
    ActionRequest,
    CommandRequest,
    Errors,
    Interaction,
    MalformedPayload,
    Modal,
    Private,
    Reply,
    Request,
    Verb,
    ViewSubmission,
    text_at,
)
from porch.core.message_context import MessageContext
from porch.features.onboarding.follow_ups import FollowUps
from porch.features.onboarding.ids import Action, Input, View
from porch.features.onboarding.welcome import Onboarding


def acknowledge(request: ActionRequest) -> Reply:
    """Link buttons still send an action; acknowledging keeps Slack from showing an error."""
    return None


@dataclass(frozen=True, kw_only=True)
class WelcomeControls:
    onboarding: Onboarding
    follow_ups: FollowUps

    def interactions(self) -> list[Interaction]:
        """Onboarding's buttons and modal (the opt-out button is the follow-ups feature's)."""
        return [
            Interaction("action", Action.OPEN_GUIDELINES, self.guidelines_opened),
            Interaction("action", Action.JOIN_CHANNELS, self.join_channels),
            Interaction("action", Action.OPEN_INTRODUCTIONS, acknowledge),
            Interaction("action", Action.OPEN_GETTING_STARTED, acknowledge),
            Interaction("action", Action.WARM_SEND, self.warm_send, managers_only=True),
            Interaction(
                "action", Action.WARM_PERSONALISE, self.warm_personalise, managers_only=True
            ),
            Interaction("view", View.PERSONALISE_WELCOME, self.personalised, managers_only=True),
        ]

    def follow_up_interactions(self) -> list[Interaction]:
        return [Interaction("action", Action.OPT_OUT, self.opt_out)]

    def verbs(self) -> list[Verb]:
        return [Verb("welcome", self.resend, managers_only=True)]

    # ---- a member's own buttons: each ticks something in their record ----------------------

    def guidelines_opened(self, request: ActionRequest) -> Reply:
        request.transaction(
            lambda conn, now: self.onboarding.guidelines_opened(
                conn, team_id=request.team_id, user_id=request.user_id, now=now
            )
        )
        return None

    def join_channels(self, request: ActionRequest) -> Reply:
        request.transaction(
            lambda conn, now: self.onboarding.join_recommended_channels(
                conn, team_id=request.team_id, user_id=request.user_id, now=now
            )
        )
        return None

    def opt_out(self, request: ActionRequest) -> Reply:
        request.transaction(
            lambda conn, now: self.follow_ups.opt_out(
                conn, team_id=request.team_id, user_id=request.user_id, now=now
            )
        )
        return None

    # ---- the managers' warm welcome ----------------------------------------------------------

    def warm_send(self, request: ActionRequest) -> Reply:
        member_id = self._member_in(request, request.action, "value")
        request.transaction(
            lambda conn, now: self.onboarding.send_welcome(
                conn, team_id=request.team_id, user_id=member_id, now=now, sent_by=request.user_id
            )
        )
        return None

    def warm_personalise(self, request: ActionRequest) -> Reply:
        """The modal in which a manager edits a warm welcome before it goes out."""
        member_id = self._member_in(request, request.action, "value")
        if not TRIGGER_ID.fullmatch(request.trigger_id):
            raise MalformedPayload("trigger_id is not a valid Slack value")
        message = request.read(
            lambda conn: self.onboarding.templates.render(
                "onboarding/personalise_modal.j2",
                **self._context(conn, team_id=request.team_id, user_id=member_id),
            )
        )
        return Modal(
            view={
                "type": "modal",
                "title": {"type": "plain_text", "text": "Personal welcome"},
                "submit": {"type": "plain_text", "text": "Send"},
                "close": {"type": "plain_text", "text": "Cancel"},
                "blocks": message.blocks,
            },
            callback_id=View.PERSONALISE_WELCOME,
            private_metadata={"user_id": member_id},
        )

    def personalised(self, request: ViewSubmission) -> Reply:
        """The personalise modal sent: the manager's own words go out, once. Its
        private_metadata is the sender's to forge, so the member it names must be one Porch
        knows."""
        text = request.text(Input.WELCOME_TEXT)
        member_id = self._member_in(request, request.metadata(), "user_id")
        if not text.strip():
            # Slack shows field errors as plain text, which never pings anyone, so the mrkdwn
            # escaping is undone rather than shown as `&lt;`.
            problem = request.read(
                lambda conn: self.onboarding.templates.render(
                    "onboarding/personalise_empty.j2",
                    **self._context(conn, team_id=request.team_id, user_id=member_id),
                )
            )
            return Errors({Input.WELCOME_TEXT: html.unescape(problem.text)})
        request.transaction(
            lambda conn, now: self.onboarding.send_welcome(
                conn,
                team_id=request.team_id,
                user_id=member_id,
                now=now,
                text=text,
                sent_by=request.user_id,
            )
        )
        return None

    # ---- /porch welcome @member ----------------------------------------------------------------

    def resend(self, request: CommandRequest) -> Reply:
        """Send the welcome DM again (e.g. after fixing a profile), once per invocation:
        trigger_id is unique per command."""
        templates = self.onboarding.templates
        targets = request.mentioned_users()
        if not targets:
            return Private(templates.render("command_help.j2"))
        for target in targets:
            request.transaction(
                lambda conn, now, target=target: self.onboarding.resend_welcome(
                    conn,
                    team_id=request.team_id,
                    user_id=target,
                    now=now,
                    sent_by=request.user_id,
                    invocation=request.trigger_id,
                )
            )
        return Private(
            templates.render(
                "onboarding/command_welcome_sent.j2", users=targets, count=len(targets)
            )
        )

    # ---- helpers -----------------------------------------------------------------------------

    def _member_in(self, request: Request, payload: Any, *path: str) -> str:
        """The member a card's button or a modal's private_metadata names. Porch wrote those
        for members it knows, so an ID it does not know is a forged or stale payload."""
        member_id = text_at(payload, *path, pattern=USER_ID)
        known = request.read(
            lambda conn: member_records.get(conn, team_id=request.team_id, user_id=member_id)
        )
        if known is None:
            raise MalformedPayload(f"{'.'.join(path)} names no member Porch knows")
        return member_id

    def _context(self, conn: Connection, *, team_id: str, user_id: str) -> dict[str, Any]:
        member = member_records.get(conn, team_id=team_id, user_id=user_id)
        context = MessageContext.load(conn, config=self.onboarding.config, team_id=team_id)
        return context.for_member(member)
