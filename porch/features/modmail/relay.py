"""The replies inbox (modmail): a member's DM to Porch reaches the managers, and their answer
reaches the member, each exactly once.

A member's DM opens a conversation: one card in the managers' channel (who, when they joined,
how far onboarding got, the text and a Close button), and their later DMs go into the card's
thread while the conversation is open. A reply in that thread goes back to the member as a DM
from Porch, unless its first line starts with `inbox.internal_prefix` ("//"): then it stays
among the managers, entirely. Anyone who can write in the managers' channel is staff, so any
person's reply there is an answer. Closing (the card's button, managers only) ends the
conversation; the member's next DM opens a new one with a new card.

Exactly once: every message is stored under its Slack identity (channel, ts) before anything is
relayed, so a redelivered DM or reply is recognised and does nothing, and every relay is an
effect keyed by the message it carries. No loop is possible: the edge only makes a
DirectMessage or MessagePosted of a person's message (anything with a bot_id or a bot subtype is
dropped), everything Porch posts is a bot message, and Slackbot and Porch's own user are refused
here as well.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Row, select, update

from porch.core import channel_directory, effect_queue, member_records
from porch.core.config import Config
from porch.core.domain_events import DirectMessage, MessagePosted
from porch.core.excerpts import chunks, excerpt
from porch.core.feature import Delivery, Feature, PersonalData
from porch.core.interactions import ActionRequest, Interaction, MalformedPayload, Reply
from porch.core.message_context import MessageContext
from porch.core.posting import post
from porch.core.store.upsert import insert_ignore
from porch.core.templating import Mrkdwn, Templates, mention
from porch.features.modmail.demo import SCENES
from porch.features.modmail.ids import Action
from porch.features.modmail.previews import samples
from porch.features.modmail.rows import (
    bot_user,
    conversation_by_id,
    member_name,
    open_for,
    queue_row,
    stored,
)
from porch.features.modmail.tables import inbox_conversations, inbox_messages

logger = logging.getLogger(__name__)

OPEN, ANSWERED, CLOSED = "Open", "Answered", "Closed"
IN, OUT, INTERNAL = "in", "out", "internal"
SLACKBOT = "USLACKBOT"
# A section holds 3,000 characters; the rest of the card's text fits in what is left.
EXCERPT_CHARS = 2_500
REPLY_SECTION_CHARS = 2_900
CARD_POSTED = "inbox_card_posted"
CONVERSATION_ID = re.compile(r"[0-9]{1,12}")


def card_key(conversation_id: int) -> str:
    return f"inbox-card:{conversation_id}"


@dataclass(frozen=True, kw_only=True)
class Modmail:
    config: Config
    templates: Templates

    def feature(self) -> Feature:
        return Feature(
            name="modmail",
            handles={
                DirectMessage: self.on_direct_message,
                MessagePosted: self.on_message_posted,
            },
            worksheets=("Inbox",),
            effect_callbacks={CARD_POSTED: self.on_card_posted},
            personal_data=(
                PersonalData(
                    table="inbox_conversations",
                    user_columns=("user_id", "first_answered_by", "closed_by"),
                    purpose="When you wrote to the community team in a direct message and when a "
                    "manager answered, so the team sees that every message gets an answer.",
                    timestamp_column="opened_at",
                ),
                PersonalData(
                    table="inbox_messages",
                    user_columns=("member_id", "author_id"),
                    purpose="What you wrote to the community team in a direct message and what the "
                    "managers answered, so each message reaches the other side once.",
                    text_columns=("text",),
                    timestamp_column="at",
                    retention="inbox_text",
                ),
                PersonalData(
                    table="tracker_rows",
                    worksheet="Inbox",
                    user_columns=("Member",),
                    purpose="When you wrote to the community team and how soon a manager answered, "
                    "in the tracker, so the team keeps its answer times short.",
                    timestamp_column="Opened",
                ),
            ),
            interactions=(
                Interaction(
                    kind="action",
                    id=Action.INBOX_CLOSE,
                    handle=self.close_clicked,
                    managers_only=True,
                ),
            ),
            previews=lambda: samples(config=self.config),
            demo_scenes=SCENES,
        )

    # ---- a member writes -------------------------------------------------------------------

    def on_direct_message(
        self, conn: Connection, team_id: str, event: DirectMessage, now: dt.datetime
    ) -> None:
        self.member_wrote(conn, team_id=team_id, event=event, now=now)

    def member_wrote(
        self, conn: Connection, *, team_id: str, event: DirectMessage, now: dt.datetime
    ) -> str:
        """Relay one DM to the managers; what happened, for tests and logs."""
        if event.user_id == SLACKBOT or event.user_id == bot_user(conn, team_id):
            return "ignored: not a member"
        if stored(conn, team_id=team_id, channel_id=event.channel_id, ts=event.ts):
            return "already relayed"
        conversation, opened = self._open_conversation(conn, team_id=team_id, event=event, now=now)
        insert_ignore(
            conn,
            inbox_messages,
            team_id=team_id,
            channel_id=event.channel_id,
            ts=event.ts,
            conversation_id=conversation.id,
            member_id=conversation.user_id,
            direction=IN,
            author_id=event.user_id,
            text=event.text,
            at=now,
        )
        if opened:
            self._post(
                conn,
                team_id=team_id,
                key=card_key(conversation.id),
                template="modmail/card.j2",
                to={"channel_name": self.config.channels.moderators},
                then={"op": CARD_POSTED, "conversation_id": conversation.id},
                now=now,
                **self.card_context(conn, team_id=team_id, conversation=conversation),
            )
            if self.config.inbox.acknowledge:
                self._post(
                    conn,
                    team_id=team_id,
                    key=f"inbox-ack:{conversation.id}",
                    template="modmail/ack.j2",
                    to={"channel": event.channel_id},
                    now=now,
                )
            queue_row(conn, team_id=team_id, conversation=conversation, now=now)
            return "card queued"
        name = member_name(member_records.get(conn, team_id=team_id, user_id=event.user_id))
        self._post(
            conn,
            team_id=team_id,
            key=f"inbox-relay:{event.channel_id}:{event.ts}",
            template="modmail/relay.j2",
            to={"thread_of": card_key(conversation.id)},
            now=now,
            member_name=name,
            excerpt=excerpt(event.text, limit=EXCERPT_CHARS),
        )
        return "added to the thread"

    def _open_conversation(
        self, conn: Connection, *, team_id: str, event: DirectMessage, now: dt.datetime
    ) -> tuple[Row[Any], bool]:
        """The member's open conversation, opened now if there is none (True)."""
        existing = open_for(conn, team_id=team_id, user_id=event.user_id)
        if existing is not None:
            return existing, False
        created = insert_ignore(
            conn,
            inbox_conversations,
            team_id=team_id,
            user_id=event.user_id,
            dm_channel_id=event.channel_id,
            open_slot="open",
            state=OPEN,
            opened_at=now,
        )
        conversation = open_for(conn, team_id=team_id, user_id=event.user_id)
        assert conversation is not None  # just inserted, or inserted by a concurrent replica
        return conversation, created

    # ---- a manager answers -----------------------------------------------------------------

    def on_message_posted(
        self, conn: Connection, team_id: str, event: MessagePosted, now: dt.datetime
    ) -> None:
        if not event.is_reply:
            return
        name = channel_directory.name_of(conn, team_id=team_id, channel_id=event.channel_id)
        if name != self.config.channels.moderators:
            return
        self.manager_replied(conn, team_id=team_id, event=event, now=now)

    def manager_replied(
        self, conn: Connection, *, team_id: str, event: MessagePosted, now: dt.datetime
    ) -> str:
        """Relay a reply in a card's thread to the member, once; what happened."""
        conversation = conn.execute(
            select(inbox_conversations).where(
                inbox_conversations.c.team_id == team_id,
                inbox_conversations.c.card_channel_id == event.channel_id,
                inbox_conversations.c.card_ts == event.thread_ts,
            )
        ).first()
        if conversation is None:
            return "not a conversation"
        internal = is_internal(event.text, prefix=self.config.inbox.internal_prefix)
        stored = insert_ignore(
            conn,
            inbox_messages,
            team_id=team_id,
            channel_id=event.channel_id,
            ts=event.ts,
            conversation_id=conversation.id,
            member_id=conversation.user_id,
            direction=INTERNAL if internal else OUT,
            author_id=event.user_id,
            text=event.text,
            at=now,
        )
        if not stored:
            return "already relayed"
        if internal or not event.text.strip():
            return "kept internal"
        # The manager's text goes as Slack sent it: their own formatting, links and mentions,
        # written by staff, in the member's DM.
        self._post(
            conn,
            team_id=team_id,
            key=f"inbox-reply:{event.channel_id}:{event.ts}",
            template="modmail/reply.j2",
            to={"channel": conversation.dm_channel_id},
            now=now,
            parts=[Mrkdwn(part) for part in chunks(event.text, limit=REPLY_SECTION_CHARS)],
            manager=mention(event.user_id),
        )
        if conversation.first_answered_at is None:
            answered = update(inbox_conversations).where(
                inbox_conversations.c.id == conversation.id,
                inbox_conversations.c.first_answered_at.is_(None),
            )
            state = CLOSED if conversation.closed_at is not None else ANSWERED
            conn.execute(
                answered.values(first_answered_at=now, first_answered_by=event.user_id, state=state)
            )
            self._update_card(conn, team_id=team_id, conversation_id=conversation.id, now=now)
        return "answer queued"

    # ---- a manager closes ------------------------------------------------------------------

    def close(
        self, conn: Connection, *, team_id: str, conversation_id: int, by: str, now: dt.datetime
    ) -> bool:
        """Close the conversation (the card's button); False when it was closed already."""
        closed = conn.execute(
            update(inbox_conversations)
            .where(
                inbox_conversations.c.team_id == team_id,
                inbox_conversations.c.id == conversation_id,
                inbox_conversations.c.closed_at.is_(None),
            )
            .values(closed_at=now, closed_by=by, state=CLOSED, open_slot=None)
        )
        if not closed.rowcount:
            return False
        self._update_card(conn, team_id=team_id, conversation_id=conversation_id, now=now)
        return True

    def close_clicked(self, request: ActionRequest) -> Reply:
        """The card's Close button (managers only: the Slack adapter checks)."""
        conversation_id = int(request.value_matching(CONVERSATION_ID))

        def close(conn: Connection, now: dt.datetime) -> None:
            known = conversation_by_id(
                conn, team_id=request.team_id, conversation_id=conversation_id
            )
            if known is None:
                raise MalformedPayload("value names no conversation Porch knows")
            self.close(
                conn,
                team_id=request.team_id,
                conversation_id=conversation_id,
                by=request.user_id,
                now=now,
            )

        request.transaction(close)
        return None

    # ---- the card --------------------------------------------------------------------------

    def on_card_posted(self, delivery: Delivery) -> None:
        """Remember where the card is: replies in its thread are answers to this member."""
        conn, team_id, then = delivery.conn, delivery.team_id, delivery.then
        result, error, now = delivery.result, delivery.error, delivery.now
        if error or not result:
            logger.warning("inbox card %s was not posted: %s", then["conversation_id"], error)
            return
        conn.execute(
            update(inbox_conversations)
            .where(
                inbox_conversations.c.team_id == team_id,
                inbox_conversations.c.id == then["conversation_id"],
            )
            .values(card_channel_id=result["channel"], card_ts=result["ts"])
        )
        conversation = conversation_by_id(
            conn, team_id=team_id, conversation_id=then["conversation_id"]
        )
        if conversation is not None:
            queue_row(conn, team_id=team_id, conversation=conversation, now=now)

    def card_context(
        self, conn: Connection, *, team_id: str, conversation: Row[Any]
    ) -> dict[str, Any]:
        """What modmail/card.j2 shows, from the conversation as it is now."""
        tz = ZoneInfo(self.config.community.timezone)
        member = member_records.get(conn, team_id=team_id, user_id=conversation.user_id)
        first = conn.execute(
            select(inbox_messages.c.text)
            .where(
                inbox_messages.c.team_id == team_id,
                inbox_messages.c.conversation_id == conversation.id,
                inbox_messages.c.direction == IN,
            )
            .order_by(inbox_messages.c.at, inbox_messages.c.ts)
            .limit(1)
        ).scalar()
        onboarding = None
        if member is not None:
            view = member_records.member_view(member)
            status = member_records.member_row(member).status
            onboarding = f"{status}, checklist {view['done_count']} of {len(view['checklist'])}"
        return {
            "conversation_id": conversation.id,
            "member_name": member_name(member) if member is not None else conversation.user_id,
            "profile": member_records.profile_link(
                workspace_url=member_records.workspace_url(conn, team_id=team_id),
                user_id=conversation.user_id,
            ),
            "joined": _local(member.joined_at, tz, "%d %b %Y") if member is not None else None,
            "onboarding": onboarding,
            "excerpt": excerpt(first or "", limit=EXCERPT_CHARS),
            "opened": _local(conversation.opened_at, tz),
            "answered_by": _mention(conversation.first_answered_by),
            "answered_at": _local(conversation.first_answered_at, tz),
            "closed_by": _mention(conversation.closed_by),
            "closed_at": _local(conversation.closed_at, tz),
        }

    def _update_card(
        self, conn: Connection, *, team_id: str, conversation_id: int, now: dt.datetime
    ) -> None:
        """Show the card's new state: one update per change (answered, closed), each keyed."""
        conversation = conversation_by_id(conn, team_id=team_id, conversation_id=conversation_id)
        assert conversation is not None
        change = "closed" if conversation.closed_at is not None else "answered"
        if conversation.closed_at is not None and conversation.first_answered_at is not None:
            change = "answered-closed"
        message = self.templates.render(
            "modmail/card.j2",
            **self._template_globals(conn, team_id=team_id),
            **self.card_context(conn, team_id=team_id, conversation=conversation),
        )
        effect_queue.record(
            conn,
            team_id=team_id,
            key=f"inbox-card-{change}:{conversation_id}",
            kind="update",
            payload={"of": card_key(conversation_id), **message.payload()},
            now=now,
        )
        queue_row(conn, team_id=team_id, conversation=conversation, now=now)

    # ---- helpers ---------------------------------------------------------------------------

    def _template_globals(self, conn: Connection, *, team_id: str) -> dict[str, Any]:
        return MessageContext.load(conn, config=self.config, team_id=team_id).for_member(None)

    def _post(self, conn: Connection, **kwargs: Any) -> bool:
        return post(conn, config=self.config, templates=self.templates, **kwargs)


def is_internal(text: str, *, prefix: str) -> bool:
    """A reply whose first line starts with the prefix is a note among managers, entirely."""
    return text.lstrip().startswith(prefix)


def _mention(user_id: str | None) -> Mrkdwn | None:
    return mention(user_id) if user_id else None


def _local(moment: dt.datetime | None, tz: ZoneInfo, pattern: str = "%d %b %Y, %H:%M") -> str:
    return moment.astimezone(tz).strftime(pattern) if moment is not None else ""
