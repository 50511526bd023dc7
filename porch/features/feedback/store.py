"""Feedback items in the store: one row per message (or /feedback submission), and its
tracker row.

An item is keyed by the message it is about ("<channel>:<ts>"), so tagging a message again,
with the same emoji or another one, from the shortcut or a reaction, updates the same item.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select, update

from porch.core import channel_directory, tracker_queue
from porch.core.message_links import member_name, permalink
from porch.core.store.upsert import insert_ignore
from porch.features.feedback.tables import feedback_items
from porch.features.feedback.worksheet import FeedbackRow

# Statuses before a manager has triaged the item.
NEW = "new"  # a post in the feedback channel nobody has tagged yet
OPEN = "open"  # tagged, waiting for a manager
WITHDRAWN = "withdrawn"  # every tag was taken back
IGNORED = "ignored"  # a bot's or a deleted message: never feedback, however often tagged
# Praise alone (config `feedback.praise_tags`): thanked in its thread and closed at once, as
# there is nothing to triage; tagged with anything else as well, it is open like any request.
THANKED = "thanked"
UNTRIAGED = (NEW, OPEN, WITHDRAWN, THANKED)
# Items that are not feedback (yet, or any more): left out of the digest.
NOT_FEEDBACK = (NEW, WITHDRAWN, IGNORED)
# How much of a member's message an item keeps: enough to recognise it, not a copy.
EXCERPT_CHARS = 280


def item_id_for(channel_id: str, ts: str) -> str:
    """A message's item: stable across retries, edits and re-tagging."""
    return f"{channel_id}:{ts}"


def is_praise(tags: list[str], praise_tags: list[str]) -> bool:
    """Only thanks, nothing asked: not a request (untagged /feedback is one)."""
    return bool(tags) and all(tag in praise_tags for tag in tags)


def excerpt_of(text: str) -> str:
    """A bounded excerpt, cut at a word boundary with an ellipsis rather than mid-word."""
    text = " ".join(text.split())
    if len(text) <= EXCERPT_CHARS:
        return text
    cut = text[: EXCERPT_CHARS - 1]
    if " " in cut[EXCERPT_CHARS // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip() + "…"


@dataclass(frozen=True)
class Item:
    team_id: str
    item_id: str
    channel_id: str | None
    message_ts: str | None
    author_id: str | None
    excerpt: str
    summary: str
    tags: list[str]
    area: str
    votes: int
    status: str
    created_at: dt.datetime
    acknowledged_at: dt.datetime | None
    closed_at: dt.datetime | None

    @property
    def is_message(self) -> bool:
        return self.channel_id is not None and self.message_ts is not None

    def template_context(self) -> dict[str, Any]:
        return {
            "id": self.item_id,
            "author_id": self.author_id,
            "excerpt": self.excerpt,
            "summary": self.summary,
            "tags": self.tags,
            "area": self.area,
            "votes": self.votes,
            "status": self.status,
            "channel_id": self.channel_id,
            "created_at": self.created_at,
            "created_epoch": int(self.created_at.timestamp()),
        }


def untriaged(
    item: Item, *, tags: list[str], praise: list[str], now: dt.datetime
) -> dict[str, Any]:
    """The status of an item no manager has triaged yet, by its tags: praise alone is thanked
    and closed (since it was first thanked), anything else open for the team."""
    if is_praise(tags, praise):
        return {"status": THANKED, "closed_at": item.closed_at or now}
    return {"status": OPEN, "closed_at": None}


def get(conn: Connection, *, team_id: str, item_id: str) -> Item | None:
    row = conn.execute(
        select(feedback_items).where(
            feedback_items.c.team_id == team_id, feedback_items.c.item_id == item_id
        )
    ).first()
    return _item(row) if row is not None else None


def _item(row: Any) -> Item:
    return Item(
        team_id=row.team_id,
        item_id=row.item_id,
        channel_id=row.channel_id,
        message_ts=row.message_ts,
        author_id=row.author_id,
        excerpt=row.excerpt,
        summary=row.summary,
        tags=list(row.tags or []),
        area=row.area,
        votes=row.votes,
        status=row.status,
        created_at=row.created_at,
        acknowledged_at=row.acknowledged_at,
        closed_at=row.closed_at,
    )


def create(
    conn: Connection,
    *,
    team_id: str,
    item_id: str,
    channel_id: str | None,
    ts: str | None,
    author_id: str | None,
    text: str,
    status: str,
    now: dt.datetime,
) -> bool:
    """Insert the item once; False when it exists already."""
    return insert_ignore(
        conn,
        feedback_items,
        team_id=team_id,
        item_id=item_id,
        channel_id=channel_id,
        message_ts=ts,
        author_id=author_id,
        excerpt=excerpt_of(text),
        summary="",
        tags=[],
        area="",
        votes=0,
        status=status,
        created_at=now,
        updated_at=now,
    )


def change(conn: Connection, *, team_id: str, item_id: str, now: dt.datetime, **values: Any):
    conn.execute(
        update(feedback_items)
        .where(feedback_items.c.team_id == team_id, feedback_items.c.item_id == item_id)
        .values(**values, updated_at=now)
    )


def open_items(conn: Connection, *, team_id: str, limit: int = 20) -> list[Item]:
    """Items waiting for a manager, oldest first."""
    rows = conn.execute(
        select(feedback_items)
        .where(feedback_items.c.team_id == team_id, feedback_items.c.status == OPEN)
        .order_by(feedback_items.c.created_at, feedback_items.c.item_id)
        .limit(limit)
    ).all()
    return [_item(row) for row in rows]


def queue_row(conn: Connection, *, team_id: str, item_id: str, now: dt.datetime) -> None:
    """Keep the Feedback worksheet's row for this item current."""
    item = get(conn, team_id=team_id, item_id=item_id)
    if item is None:
        return
    channel = ""
    link = ""
    if item.channel_id and item.message_ts:
        name = channel_directory.name_of(conn, team_id=team_id, channel_id=item.channel_id)
        channel = f"#{name}" if name else item.channel_id
        link = permalink(conn, team_id=team_id, channel_id=item.channel_id, ts=item.message_ts)
    elif item.channel_id is None:
        channel = "/feedback"
    row = FeedbackRow(
        feedback_id=item.item_id,
        received=item.created_at,
        sender=member_name(conn, team_id=team_id, user_id=item.author_id) if item.author_id else "",
        tag=", ".join(item.tags),
        feedback=item.summary or item.excerpt,
        channel=channel,
        link=link,
        status=item.status.capitalize(),
        acknowledged=item.acknowledged_at,
        closed=item.closed_at,
        votes=item.votes,
    )
    tracker_queue.put(conn, team_id=team_id, row=row, now=now)
