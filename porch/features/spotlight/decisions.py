"""Approve / Edit / Skip on the monthly spotlight draft, and the Edit modal's submission.

All four are the managers' (declared managers_only: the Slack adapter gives anyone else the one
private refusal before these run). Each records the decision and its effects in one transaction
(drafts.py); the worker posts. A button naming a month no draft has is a forged or stale
payload: MalformedPayload, which the adapter answers with a 400.
"""

from __future__ import annotations

from dataclasses import dataclass

from porch.core.interactions import (
    ActionRequest,
    Errors,
    Interaction,
    MalformedPayload,
    Modal,
    ViewSubmission,
    text_at,
)
from porch.features.spotlight.drafts import MONTH, Spotlight
from porch.features.spotlight.ids import Action, Input, View

NO_WORDS = "Write a few words, or press Cancel."
TOO_LATE = "This spotlight was already approved or skipped."


@dataclass(frozen=True, kw_only=True)
class Decisions:
    spotlight: Spotlight

    def interactions(self) -> tuple[Interaction, ...]:
        return (
            Interaction("action", Action.SPOTLIGHT_APPROVE, self.approve, managers_only=True),
            Interaction("action", Action.SPOTLIGHT_EDIT, self.edit, managers_only=True),
            Interaction("action", Action.SPOTLIGHT_SKIP, self.skip, managers_only=True),
            Interaction("view", View.EDIT_SPOTLIGHT, self.save_words, managers_only=True),
        )

    def _month(self, request: ActionRequest) -> str:
        """The draft's month the button carries (a 400 when no draft has it)."""
        month = request.value_matching(MONTH)
        team_id = request.team_id
        if request.read(lambda conn: self.spotlight.state_of(conn, team_id=team_id, month=month)):
            return month
        raise MalformedPayload(f"no spotlight was drafted for {month}")

    def approve(self, request: ActionRequest) -> None:
        month = self._month(request)
        request.transaction(
            lambda conn, now: self.spotlight.approve(
                conn, team_id=request.team_id, month=month, manager_id=request.user_id, now=now
            )
        )

    def skip(self, request: ActionRequest) -> None:
        month = self._month(request)
        request.transaction(
            lambda conn, now: self.spotlight.skip(
                conn, team_id=request.team_id, month=month, manager_id=request.user_id, now=now
            )
        )

    def edit(self, request: ActionRequest) -> Modal | None:
        """The modal for the thank-you words; nothing once decided (the card already says so)."""
        month = self._month(request)
        view = request.read(
            lambda conn: self.spotlight.edit_view(conn, team_id=request.team_id, month=month)
        )
        if view is None:
            return None
        return Modal(view=view, callback_id=View.EDIT_SPOTLIGHT, private_metadata={"month": month})

    def save_words(self, request: ViewSubmission) -> Errors | None:
        """Keep the words for the public post; refused once the draft was decided."""
        month = text_at(request.metadata(), "month", pattern=MONTH)
        note = request.text(Input.SPOTLIGHT_NOTE)
        if not note.strip():
            return Errors({Input.SPOTLIGHT_NOTE: NO_WORDS})
        saved = request.transaction(
            lambda conn, now: self.spotlight.save_note(
                conn,
                team_id=request.team_id,
                month=month,
                note=note,
                manager_id=request.user_id,
                now=now,
            )
        )
        return None if saved else Errors({Input.SPOTLIGHT_NOTE: TOO_LATE})
