"""The consequence ladder on a moderation card (managers only): Remind, Warn, Recommend
suspension, Recommend removal. A button opens a modal for the reason; its submission records
the step (who decided, why, when), tells the member privately in a kind tone and updates the
card. Porch never removes or deactivates anyone: the last two steps are recommendations a
manager carries out in Slack's own admin tools."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from porch.core.domain_events import CHANNEL_ID, TS
from porch.core.interactions import (
    ActionRequest,
    Errors,
    MalformedPayload,
    Modal,
    Reply,
    ViewSubmission,
    text_at,
)
from porch.core.permalinks import permalink
from porch.core.posting import post
from porch.core.templating import mention
from porch.features.moderation import cases
from porch.features.moderation.cases import NAMES, STEPS
from porch.features.moderation.ids import Input, View

if TYPE_CHECKING:
    from porch.features.moderation.cards import Cards

STEP = "moderation/step.j2"
REASON_MODAL = "moderation/reason_modal.j2"
VALUE = re.compile(r"(remind|warn|suspend|remove):([CG][A-Z0-9]{1,31}):(\d{1,12}\.\d{1,9})")
STEP_TITLES = {"remind": "Remind", "warn": "Warn", "suspend": "Suspension", "remove": "Removal"}


class Ladder:
    def __init__(self, *, cards: Cards) -> None:
        self.cards = cards
        self.config = cards.config
        self.templates = cards.templates

    def chosen(self, request: ActionRequest) -> Reply:
        """A ladder button: the modal asking why, showing what the member will be told."""
        step, channel_id, ts = VALUE.fullmatch(request.value_matching(VALUE)).groups()  # type: ignore[union-attr]
        row = request.read(
            lambda conn: cases.case(conn, team_id=request.team_id, channel_id=channel_id, ts=ts)
        )
        if row is None:
            raise MalformedPayload("the card names no moderation case")
        preview = self.member_message(step=step, row=row, url="")
        view = self.templates.render(
            REASON_MODAL,
            step_name=NAMES[step],
            author=mention(row.author_id),
            preview=preview.text,
        )
        return Modal(
            view={
                "type": "modal",
                "title": {"type": "plain_text", "text": STEP_TITLES[step]},
                "submit": {"type": "plain_text", "text": "Record and send"},
                "close": {"type": "plain_text", "text": "Cancel"},
                "blocks": view.blocks,
            },
            callback_id=View.MODERATION_STEP.value,
            private_metadata={"step": step, "channel": channel_id, "ts": ts},
        )

    def member_message(self, *, step: str, row: object, url: str, context: dict | None = None):
        title, detail = self.cards.guideline(getattr(row, "guideline", None))
        extra = context or {
            "community": self.config.community,
            "links": {"guidelines": self.config.community.site_url.rstrip("/") + "/guidelines/"},
        }
        return self.templates.render(
            STEP,
            step=step,
            who=mention(row.author_id),
            url=url,
            guideline=title or "our community guidelines",
            guideline_detail=detail,
            **extra,
        )

    def submitted(self, request: ViewSubmission) -> Reply:
        """The reason given: the step recorded once per submission, the member told, the card
        updated. The metadata is the sender's to forge: it only names a case, which must exist,
        and only managers reach this (managers_only)."""
        metadata = request.metadata()
        step = text_at(metadata, "step")
        if step not in STEPS:
            raise MalformedPayload("private_metadata.step is not a ladder step")
        channel_id = text_at(metadata, "channel", pattern=CHANNEL_ID)
        ts = text_at(metadata, "ts", pattern=TS)
        reason = request.text(Input.MODERATION_REASON).strip()
        if not reason:
            return Errors({Input.MODERATION_REASON.value: "Say why, for the record."})
        submission = f"{request.user_id}:{text_at(request.view, 'id', optional=True)}"

        def work(conn: Connection, now: dt.datetime) -> Reply:
            row = cases.case(conn, team_id=request.team_id, channel_id=channel_id, ts=ts)
            if row is None:
                return Errors({Input.MODERATION_REASON.value: "This case is no longer kept."})
            self.take(conn, request.team_id, row, step, request.user_id, reason, submission, now)
            return None

        return request.transaction(work)

    def take(
        self,
        conn: Connection,
        team_id: str,
        row: object,
        step: str,
        manager: str,
        reason: str,
        submission: str,
        now: dt.datetime,
    ) -> bool:
        channel_id, ts = row.channel_id, row.ts
        author = row.author_id
        if not cases.record_step(
            conn,
            team_id=team_id,
            member_id=author,
            channel_id=channel_id,
            ts=ts,
            step=step,
            decided_by=manager,
            reason=reason[:1000],
            submission=submission[:128],
            now=now,
        ):
            return False
        title, detail = self.cards.guideline(getattr(row, "guideline", None))
        post(
            conn,
            config=self.config,
            templates=self.templates,
            team_id=team_id,
            key=f"moderation-step:{submission[:150]}",
            template=STEP,
            to={"channel": author},
            now=now,
            step=step,
            who=mention(author),
            url=permalink(conn, team_id=team_id, channel_id=channel_id, ts=ts),
            guideline=title or "our community guidelines",
            guideline_detail=detail,
        )
        values = {"state": "acted"} if row.state == "open" else {}
        if row.first_action_at is None:
            values["first_action_at"] = now
        revision = cases.change(conn, team_id=team_id, channel_id=channel_id, ts=ts, **values)
        self.cards.show(
            conn, team_id=team_id, channel_id=channel_id, ts=ts, now=now, revision=revision
        )
        return True
