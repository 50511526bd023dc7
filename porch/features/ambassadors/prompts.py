"""Ritual prompts suggested by ambassadors: a modal (`/porch ambassador prompt` or the App
Home button), a card in the managers' channel with Approve / Decline (managers only), the
author told once; an approved prompt joins its ritual's rotation (Feature.ritual_prompts, which
the rituals feature reads without naming this one).

A submission is keyed by a hash of its author, ritual and words: sent twice, it is one row and
one card.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select, update

from porch.core.config import Config
from porch.core.interactions import (
    ActionRequest,
    Errors,
    Interaction,
    MalformedPayload,
    Modal,
    Private,
    Request,
    ViewSubmission,
)
from porch.core.posting import post
from porch.core.store.upsert import insert_ignore
from porch.core.templating import Templates, mention
from porch.features.ambassadors.ids import Action, Input, View
from porch.features.ambassadors.tables import ambassador_members, ambassador_prompts

PENDING, APPROVED, DECLINED = "pending", "approved", "declined"
PROMPT_ID = re.compile(r"[0-9a-f]{16}")
MAX_CHARS = 500
MODAL = "ambassadors/prompt_modal.j2"
CARD = "ambassadors/prompt_card.j2"
DECIDED = "ambassadors/prompt_decided.j2"
ANSWER = "ambassadors/answer.j2"


def prompt_id(user_id: str, ritual_id: str, text: str) -> str:
    return hashlib.sha256(f"{user_id}\n{ritual_id}\n{text}".encode()).hexdigest()[:16]


@dataclass(frozen=True, kw_only=True)
class Prompts:
    config: Config
    templates: Templates

    def interactions(self) -> tuple[Interaction, ...]:
        return (
            Interaction("action", Action.AMBASSADOR_SUGGEST_PROMPT, self.open),
            Interaction("view", View.AMBASSADOR_PROMPT, self.submit),
            Interaction(
                "action", Action.AMBASSADOR_PROMPT_APPROVE, self.approve, managers_only=True
            ),
            Interaction(
                "action", Action.AMBASSADOR_PROMPT_DECLINE, self.decline, managers_only=True
            ),
        )

    def is_ambassador(self, conn: Connection, *, team_id: str, user_id: str) -> bool:
        state = conn.execute(
            select(ambassador_members.c.state).where(
                ambassador_members.c.team_id == team_id, ambassador_members.c.user_id == user_id
            )
        ).scalar()
        return state == "accepted"

    def open(self, request: Request) -> Modal | Private:
        """The modal, for an ambassador; anyone else is told who may suggest prompts."""
        allowed = request.read(
            lambda conn: self.is_ambassador(conn, team_id=request.team_id, user_id=request.user_id)
        )
        if not allowed or not self.config.rituals:
            outcome = "not-ambassador" if not allowed else "no-rituals"
            return Private(self.templates.render(ANSWER, outcome=outcome))
        options = [(r.name, r.id) for r in self.config.rituals]
        message = self.templates.render(MODAL, options=options)
        view = {
            "type": "modal",
            "title": {"type": "plain_text", "text": "Suggest a prompt"},
            "submit": {"type": "plain_text", "text": "Send to the team"},
            "close": {"type": "plain_text", "text": "Cancel"},
            "blocks": message.blocks,
        }
        return Modal(view=view, callback_id=View.AMBASSADOR_PROMPT, private_metadata={})

    def submit(self, request: ViewSubmission) -> Errors | None:
        ritual_id = request.selected(Input.AMBASSADOR_PROMPT_RITUAL)
        text = " ".join(request.text(Input.AMBASSADOR_PROMPT_TEXT).split())
        if ritual_id not in {r.id for r in self.config.rituals}:
            return Errors({Input.AMBASSADOR_PROMPT_RITUAL: "Pick the ritual it is for."})
        if not text:
            return Errors({Input.AMBASSADOR_PROMPT_TEXT: "Write the prompt, or press Cancel."})
        if len(text) > MAX_CHARS:
            return Errors({Input.AMBASSADOR_PROMPT_TEXT: f"Keep it under {MAX_CHARS} characters."})
        allowed = request.transaction(
            lambda conn, now: self.record(
                conn,
                team_id=request.team_id,
                user_id=request.user_id,
                ritual_id=ritual_id,
                text=text,
                now=now,
            )
        )
        if not allowed:
            return Errors({Input.AMBASSADOR_PROMPT_TEXT: "Only ambassadors suggest prompts."})
        return None

    def record(
        self,
        conn: Connection,
        *,
        team_id: str,
        user_id: str,
        ritual_id: str,
        text: str,
        now: dt.datetime,
    ) -> bool:
        if not self.is_ambassador(conn, team_id=team_id, user_id=user_id):
            return False
        pid = prompt_id(user_id, ritual_id, text)
        if insert_ignore(
            conn,
            ambassador_prompts,
            team_id=team_id,
            prompt_id=pid,
            user_id=user_id,
            ritual_id=ritual_id,
            text=text,
            state=PENDING,
            submitted_at=now,
        ):
            self._card(conn, team_id=team_id, pid=pid, now=now)
        return True

    def _row(self, conn: Connection, *, team_id: str, pid: str) -> Any:
        return conn.execute(
            select(ambassador_prompts).where(
                ambassador_prompts.c.team_id == team_id, ambassador_prompts.c.prompt_id == pid
            )
        ).first()

    def _context(self, row: Any) -> dict[str, Any]:
        ritual = next((r for r in self.config.rituals if r.id == row.ritual_id), None)
        return {
            "author": mention(row.user_id),
            "ritual": ritual.name if ritual else row.ritual_id,
            "words": row.text,
            "prompt_id": row.prompt_id,
            "state": row.state,
            "decided_by": mention(row.decided_by) if row.decided_by else "",
        }

    def _card(self, conn: Connection, *, team_id: str, pid: str, now: dt.datetime) -> None:
        row = self._row(conn, team_id=team_id, pid=pid)
        post(
            conn,
            config=self.config,
            templates=self.templates,
            team_id=team_id,
            key=f"ambassador-prompt:{pid}",
            template=CARD,
            to={"channel_name": self.config.channels.moderators},
            now=now,
            **self._context(row),
        )

    def approve(self, request: ActionRequest) -> Private:
        return self._decide(request, APPROVED)

    def decline(self, request: ActionRequest) -> Private:
        return self._decide(request, DECLINED)

    def _decide(self, request: ActionRequest, state: str) -> Private:
        pid = request.value_matching(PROMPT_ID)

        def work(conn: Connection, now: dt.datetime) -> Any:
            row = self._row(conn, team_id=request.team_id, pid=pid)
            if row is None:
                raise MalformedPayload(f"no prompt {pid}")
            if row.state == PENDING:
                conn.execute(
                    update(ambassador_prompts)
                    .where(
                        ambassador_prompts.c.team_id == request.team_id,
                        ambassador_prompts.c.prompt_id == pid,
                    )
                    .values(state=state, decided_by=request.user_id, decided_at=now)
                )
                row = self._row(conn, team_id=request.team_id, pid=pid)
                post(
                    conn,
                    config=self.config,
                    templates=self.templates,
                    team_id=request.team_id,
                    key=f"ambassador-prompt-decided:{pid}",
                    template=DECIDED,
                    to={"channel": row.user_id},
                    now=now,
                    **self._context(row),
                )
            return row

        row = request.transaction(work)
        return Private(self.templates.render(CARD, **self._context(row)), replace_original=True)

    def approved(self, conn: Connection, team_id: str, ritual_id: str) -> list[str]:
        """Approved prompts for a ritual, oldest decision first (Feature.ritual_prompts)."""
        return list(
            conn.execute(
                select(ambassador_prompts.c.text)
                .where(
                    ambassador_prompts.c.team_id == team_id,
                    ambassador_prompts.c.ritual_id == ritual_id,
                    ambassador_prompts.c.state == APPROVED,
                )
                .order_by(ambassador_prompts.c.decided_at, ambassador_prompts.c.prompt_id)
            ).scalars()
        )
