"""Moderation's cards: a member's message that matches a rule, or that members report, reaches
the moderators as one card (porch.core.message_cards: keyword alerts share the key, so a message
both bring gets one card). An edit is checked again and updates the card; a deletion says so on
it; every report joins it. The card carries the consequence ladder (ladder.py)."""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any

from sqlalchemy import Connection

from porch.core import channel_directory, effect_queue, member_records
from porch.core.config import Config
from porch.core.domain_events import (
    CHANNEL_ID,
    SPOKEN,
    TS,
    USER_ID,
    MessageDeleted,
    MessageEdited,
    MessagePosted,
)
from porch.core.excerpts import excerpt
from porch.core.interactions import ActionRequest, Private, ShortcutRequest, text_at
from porch.core.message_cards import card_key
from porch.core.message_context import MessageContext
from porch.core.permalinks import permalink
from porch.core.posting import post
from porch.core.templating import Mrkdwn, Templates, mention
from porch.features.moderation import cases, record
from porch.features.moderation.cases import ANTI_HARASSMENT, BUTTONS, LADDER, NAMES
from porch.features.moderation.matching import Match, Rules

logger = logging.getLogger(__name__)

CARD = "moderation/card.j2"
THANKS = "moderation/thanks.j2"
NOT_REPORTABLE = "moderation/explain.j2"
EXCERPT_CHARS = 300
KEPT_CHARS = 2000
NOT_A_MEMBER = "Only members' messages can be reported, not an app's or a bot's."
FIRST_POST = "A newcomer's first post, with a link"
# A link as Slack writes it in a message's text (<https://...>).
LINK = re.compile(r"<https?://", re.IGNORECASE)
# Members recorded by `porch members import` were there before Porch: not newcomers.
IMPORT = "import"
CASE = re.compile(r"([CG][A-Z0-9]{1,31}):(\d{1,12}\.\d{1,9})")


class Cards:
    def __init__(self, *, config: Config, templates: Templates, rules: Rules) -> None:
        self.config = config
        self.templates = templates
        self.section = config.moderation
        self.rules = rules

    # ---- what members say ----------------------------------------------------------------

    def watches(self, conn: Connection, *, team_id: str, user_id: str, channel_id: str) -> bool:
        if user_id in self.config.managers.users:
            return False
        name = channel_directory.name_of(conn, team_id=team_id, channel_id=channel_id)
        if name == self.config.channels.moderators:
            return False
        return not self.section.channels or name in self.section.channels

    def on_posted(
        self, conn: Connection, team_id: str, event: MessagePosted, now: dt.datetime
    ) -> None:
        """A rule matches a member's message: a case and its card (once, however often Slack
        delivers it: the case is keyed by the message and so is the card)."""
        if not self.watches(
            conn, team_id=team_id, user_id=event.user_id, channel_id=event.channel_id
        ):
            return
        match = self.rules.match(event.text) if self.rules else None
        if match is not None:
            self.open(
                conn, team_id, event.channel_id, event.ts, event.user_id, event.text, match, now
            )
        elif self.section.first_post_review and LINK.search(event.text):
            member = member_records.get(conn, team_id=team_id, user_id=event.user_id)
            # Onboarding, earlier in ORDER, has just set first_post_at for a first post.
            if member is not None and member.first_post_at == now and member.joined_via != IMPORT:
                self.open(
                    conn,
                    team_id,
                    event.channel_id,
                    event.ts,
                    event.user_id,
                    event.text,
                    None,
                    now,
                    rule=FIRST_POST,
                )

    def on_edited(
        self, conn: Connection, team_id: str, event: MessageEdited, now: dt.datetime
    ) -> None:
        """An edited message is checked again: its card shows the new words and whether a rule
        still matches; an edit that newly matches gets a card."""
        found = cases.case(conn, team_id=team_id, channel_id=event.channel_id, ts=event.ts)
        watched = self.watches(
            conn, team_id=team_id, user_id=event.user_id, channel_id=event.channel_id
        )
        match = self.rules.match(event.text) if watched else None
        if found is None:
            if match is not None:
                self.open(
                    conn, team_id, event.channel_id, event.ts, event.user_id, event.text, match, now
                )
            return
        if (found.excerpt or "") == event.text[:KEPT_CHARS]:
            return  # the same words (Slack redelivered, or only an unfurl changed)
        # A rule's case says when no rule matches any more; a reported or first-post case
        # keeps its reason.
        ruled = found.rule not in (None, FIRST_POST)
        revision = cases.change(
            conn,
            team_id=team_id,
            channel_id=event.channel_id,
            ts=event.ts,
            excerpt=event.text[:KEPT_CHARS],
            rule=match.rule.name if match else (None if ruled else found.rule),
            guideline=match.rule.guideline if match else found.guideline,
            found=match.found if match else None,
        )
        self.show(
            conn,
            team_id=team_id,
            channel_id=event.channel_id,
            ts=event.ts,
            now=now,
            revision=revision,
            edited=True,
            unmatched=ruled and match is None,
        )

    def on_deleted(
        self, conn: Connection, team_id: str, event: MessageDeleted, now: dt.datetime
    ) -> None:
        found = cases.case(conn, team_id=team_id, channel_id=event.channel_id, ts=event.ts)
        if found is None or found.state == "deleted":
            return
        revision = cases.change(
            conn, team_id=team_id, channel_id=event.channel_id, ts=event.ts, state="deleted"
        )
        self.show(
            conn,
            team_id=team_id,
            channel_id=event.channel_id,
            ts=event.ts,
            now=now,
            revision=revision,
        )

    def open(
        self,
        conn: Connection,
        team_id: str,
        channel_id: str,
        ts: str,
        author_id: str,
        text: str,
        match: Match | None,
        now: dt.datetime,
        *,
        show: bool = True,
        rule: str | None = None,
    ) -> bool:
        """The case for a message and its card, in one transaction: a crash before the commit
        leaves neither, and the effect key leaves one card whatever is retried. True when this
        call opened the case."""
        opened = cases.open_case(
            conn,
            team_id=team_id,
            channel_id=channel_id,
            ts=ts,
            author_id=author_id,
            excerpt=text[:KEPT_CHARS],
            rule=match.rule.name if match else rule,
            guideline=match.rule.guideline if match else None,
            found=match.found if match else None,
            now=now,
        )
        if opened and show:
            self.show(conn, team_id=team_id, channel_id=channel_id, ts=ts, now=now, revision=0)
        return opened

    # ---- "Report message" ----------------------------------------------------------------

    def report(self, request: ShortcutRequest) -> Private:
        """Any member reports a message: it joins the message's card (or opens one), the
        reporter is thanked privately, and only managers see who reported."""
        channel_id = text_at(request.body, "channel", "id", pattern=CHANNEL_ID)
        message = request.message
        ts = text_at(message, "ts", pattern=TS)
        if message.get("bot_id") or not message.get("user") or message.get("subtype") not in SPOKEN:
            return Private(self.templates.render(NOT_REPORTABLE, problem=NOT_A_MEMBER))
        author = text_at(message, "user", pattern=USER_ID)
        text = text_at(message, "text", optional=True)

        def work(conn: Connection, now: dt.datetime) -> bool:
            opened = self.open(
                conn, request.team_id, channel_id, ts, author, text, None, now, show=False
            )
            added = cases.add_report(
                conn,
                team_id=request.team_id,
                channel_id=channel_id,
                ts=ts,
                reporter_id=request.user_id,
                now=now,
            )
            if opened or added:
                found = cases.case(conn, team_id=request.team_id, channel_id=channel_id, ts=ts)
                self.show(
                    conn,
                    team_id=request.team_id,
                    channel_id=channel_id,
                    ts=ts,
                    now=now,
                    revision=found.revision,
                )
            return added

        added = request.transaction(work)
        return Private(self.templates.render(THANKS, again=not added))

    def fine(self, request: ActionRequest) -> None:
        """Looks fine (managers only): no step needed; the card says who looked, and the time
        to a first action is recorded."""
        channel_id, ts = CASE.fullmatch(request.value_matching(CASE)).groups()  # type: ignore[union-attr]

        def work(conn: Connection, now: dt.datetime) -> None:
            row = cases.case(conn, team_id=request.team_id, channel_id=channel_id, ts=ts)
            if row is None or row.cleared_by is not None:
                return
            values: dict[str, Any] = {"cleared_by": request.user_id}
            if row.state == "open":
                values["state"] = "cleared"
            if row.first_action_at is None:
                values["first_action_at"] = now
            revision = cases.change(
                conn, team_id=request.team_id, channel_id=channel_id, ts=ts, **values
            )
            self.show(
                conn,
                team_id=request.team_id,
                channel_id=channel_id,
                ts=ts,
                now=now,
                revision=revision,
            )

        request.transaction(work)

    # ---- the card ------------------------------------------------------------------------

    def guideline(self, key: str | None) -> tuple[str, str]:
        """A rule's guideline as (title, text): a guidelines.rules title, or anti_harassment."""
        guidelines = self.config.guidelines
        if key == ANTI_HARASSMENT:
            return "No harassment", guidelines.anti_harassment or ""
        for rule in guidelines.rules:
            if key and rule.title.casefold() == key.casefold():
                return rule.title, rule.detail
        return key or "", ""

    def card_context(self, conn: Connection, *, team_id: str, row: Any) -> dict[str, Any]:
        history = cases.history(
            conn, team_id=team_id, member_id=row.author_id, besides=(row.channel_id, row.ts)
        )
        here = [s for s in history.steps if (s.channel_id, s.ts) == (row.channel_id, row.ts)]
        title, detail = self.guideline(row.guideline)
        suggested = history.suggested(guideline=row.guideline)
        name = channel_directory.name_of(conn, team_id=team_id, channel_id=row.channel_id)
        reporters = cases.reporters(conn, team_id=team_id, channel_id=row.channel_id, ts=row.ts)
        return {
            "author": mention(row.author_id),
            "where": name or row.channel_id,
            "url": permalink(conn, team_id=team_id, channel_id=row.channel_id, ts=row.ts),
            "words": excerpt(row.excerpt or "", limit=EXCERPT_CHARS),
            "rule": row.rule or "",
            "found": row.found or "",
            "guideline": title,
            "guideline_detail": detail,
            "reporters": Mrkdwn(", ".join(mention(r) for r in reporters)),
            "reports": len(reporters),
            "earlier_cases": history.cases,
            "earlier_steps": len(history.steps) - len(here),
            "steps": [
                {"name": NAMES[s.step], "decided_by": s.decided_by, "reason": s.reason}
                for s in here
            ],
            "state": row.state,
            "cleared_by": mention(row.cleared_by) if row.cleared_by else "",
            "edited": False,
            "unmatched": False,
            "suggested": BUTTONS[suggested],
            "suggested_step": suggested,
            "buttons": [(step, label) for step, label, _ in LADDER],
            "channel_id": row.channel_id,
            "ts": row.ts,
        }

    def show(
        self,
        conn: Connection,
        *,
        team_id: str,
        channel_id: str,
        ts: str,
        now: dt.datetime,
        revision: int,
        edited: bool = False,
        unmatched: bool = False,
    ) -> None:
        """The card as the case now stands: posted under the message's card key, or (when a
        card is there already, this feature's or keyword alerts') an update of it."""
        row = cases.case(conn, team_id=team_id, channel_id=channel_id, ts=ts)
        record.queue_row(conn, team_id=team_id, channel_id=channel_id, ts=ts, now=now)
        context = self.card_context(conn, team_id=team_id, row=row)
        context.update(edited=edited, unmatched=unmatched)
        key = card_key(channel_id, ts)
        if post(
            conn,
            config=self.config,
            templates=self.templates,
            team_id=team_id,
            key=key,
            template=CARD,
            to={"channel_name": self.config.channels.moderators},
            now=now,
            **context,
        ):
            return
        # A card is there: the latest revision replaces it, an older pending update is dropped.
        prefix = f"moderation-card:{channel_id}:{ts}:"
        older = [f"{prefix}{n}" for n in range(max(0, revision - 8), revision)]
        effect_queue.cancel_pending(conn, team_id=team_id, keys=older)
        message = self.templates.render(
            CARD,
            **context,
            **MessageContext.load(conn, config=self.config, team_id=team_id).for_member(None),
        )
        effect_queue.record(
            conn,
            team_id=team_id,
            key=f"{prefix}{revision}",
            kind="update",
            payload={"of": key, **message.payload()},
            now=now,
        )
