"""The replies inbox's rows: finding a conversation and its messages, and the conversation's
row in the tracker's Inbox worksheet."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, Row, select

from porch.core import member_records, tracker_queue
from porch.core.message_links import permalink
from porch.core.store.schema import workspaces
from porch.features.modmail.tables import inbox_conversations, inbox_messages
from porch.features.modmail.worksheet import InboxRow


def queue_row(conn: Connection, *, team_id: str, conversation: Row[Any], now: dt.datetime) -> None:
    """The conversation's row in the Inbox worksheet, as it is now."""
    member = member_records.get(conn, team_id=team_id, user_id=conversation.user_id)
    answerer = None
    if conversation.first_answered_by:
        answerer = member_records.get(conn, team_id=team_id, user_id=conversation.first_answered_by)
    minutes = None
    if conversation.first_answered_at is not None:
        waited = conversation.first_answered_at - conversation.opened_at
        minutes = max(0, round(waited.total_seconds() / 60))
    card = ""
    if conversation.card_ts:
        card = permalink(
            conn, team_id=team_id, channel_id=conversation.card_channel_id, ts=conversation.card_ts
        )
    row = InboxRow(
        conversation=str(conversation.id),
        member=member_name(member) if member is not None else conversation.user_id,
        opened=conversation.opened_at,
        first_answered=conversation.first_answered_at,
        answered_by=(
            member_name(answerer) if answerer is not None else conversation.first_answered_by or ""
        ),
        minutes_to_answer=minutes,
        closed=conversation.closed_at,
        status=conversation.state,
        card=card,
    )
    tracker_queue.put(conn, team_id=team_id, row=row, now=now)


def open_for(conn: Connection, *, team_id: str, user_id: str) -> Row[Any] | None:
    return conn.execute(
        select(inbox_conversations).where(
            inbox_conversations.c.team_id == team_id,
            inbox_conversations.c.user_id == user_id,
            inbox_conversations.c.open_slot == "open",
        )
    ).first()


def conversation_by_id(conn: Connection, *, team_id: str, conversation_id: int) -> Row[Any] | None:
    return conn.execute(
        select(inbox_conversations).where(
            inbox_conversations.c.team_id == team_id,
            inbox_conversations.c.id == conversation_id,
        )
    ).first()


def stored(conn: Connection, *, team_id: str, channel_id: str, ts: str) -> bool:
    return (
        conn.execute(
            select(inbox_messages.c.ts).where(
                inbox_messages.c.team_id == team_id,
                inbox_messages.c.channel_id == channel_id,
                inbox_messages.c.ts == ts,
            )
        ).first()
        is not None
    )


def bot_user(conn: Connection, team_id: str) -> str | None:
    return conn.execute(
        select(workspaces.c.bot_user_id).where(workspaces.c.team_id == team_id)
    ).scalar()


def member_name(member: Any) -> str:
    if member is None:
        return ""
    return member.display_name or member.real_name or member.user_id
