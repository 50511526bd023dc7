"""The showcase's entries in the store: one per submission, keyed by the submission, so a
modal delivered twice makes one entry. Nothing is stored before the member ticks the consent
box (`consented_at` is never empty)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select, update

from porch.core import tracker_queue
from porch.core.message_links import member_name
from porch.core.store.upsert import insert_ignore
from porch.features.showcase.rows import ContentRow
from porch.features.showcase.tables import showcase_entries as entries

PENDING, CHANGES, APPROVED, REJECTED, WITHDRAWN = (
    "pending",
    "changes",
    "approved",
    "rejected",
    "withdrawn",
)
# How each state reads in the tracker, App Home and the cards.
LABELS = {
    PENDING: "Pending review",
    CHANGES: "Changes requested",
    APPROVED: "Approved",
    REJECTED: "Rejected",
    WITHDRAWN: "Withdrawn",
}
# States a manager's decision can still change.
OPEN = (PENDING, CHANGES)


@dataclass(frozen=True)
class Entry:
    team_id: str
    entry_id: str
    author_id: str
    title: str
    url: str
    description: str
    source_channel: str | None
    source_ts: str | None
    status: str
    reviewer_id: str | None
    consented_at: dt.datetime
    submitted_at: dt.datetime
    reviewed_at: dt.datetime | None
    published_at: dt.datetime | None
    withdrawn_at: dt.datetime | None
    updated_at: dt.datetime

    @property
    def label(self) -> str:
        return LABELS.get(self.status, self.status)

    def template_context(self) -> dict[str, Any]:
        return {
            "entry_id": self.entry_id,
            "author_id": self.author_id,
            "title": self.title,
            "url": self.url,
            "description": self.description,
            "status": self.status,
            "label": self.label,
            "reviewer_id": self.reviewer_id or "",
            "withdrawable": self.status in (*OPEN, APPROVED),
        }


def entry_id_for(user_id: str, submission: str) -> str:
    """One entry per modal submission (Slack's view ID), whoever delivers it how often."""
    digest = hashlib.sha256(f"{user_id}:{submission}".encode()).hexdigest()
    return f"sc-{digest[:20]}"


def create(
    conn: Connection,
    *,
    team_id: str,
    entry_id: str,
    author_id: str,
    title: str,
    url: str,
    description: str,
    source: tuple[str, str] | None,
    now: dt.datetime,
) -> bool:
    """Record a submission the author consented to; False when it is already recorded."""
    return insert_ignore(
        conn,
        entries,
        team_id=team_id,
        entry_id=entry_id,
        author_id=author_id,
        title=title,
        url=url,
        description=description,
        source_channel=source[0] if source else None,
        source_ts=source[1] if source else None,
        status=PENDING,
        consented_at=now,
        submitted_at=now,
        updated_at=now,
    )


def get(conn: Connection, *, team_id: str, entry_id: str) -> Entry | None:
    row = conn.execute(
        select(entries).where(entries.c.team_id == team_id, entries.c.entry_id == entry_id)
    ).first()
    return Entry(**row._mapping) if row else None


def change(
    conn: Connection, *, team_id: str, entry_id: str, now: dt.datetime, **values: Any
) -> None:
    conn.execute(
        update(entries)
        .where(entries.c.team_id == team_id, entries.c.entry_id == entry_id)
        .values(updated_at=now, **values)
    )


def of_author(conn: Connection, *, team_id: str, author_id: str) -> list[Entry]:
    rows = conn.execute(
        select(entries)
        .where(entries.c.team_id == team_id, entries.c.author_id == author_id)
        .order_by(entries.c.submitted_at.desc(), entries.c.entry_id)
    )
    return [Entry(**row._mapping) for row in rows]


def published(conn: Connection, *, team_id: str) -> list[Entry]:
    """What the site shows: approved and not withdrawn, newest first (an entry whose words
    the retention period cleared is not shown)."""
    rows = conn.execute(
        select(entries)
        .where(entries.c.team_id == team_id, entries.c.status == APPROVED, entries.c.title != "")
        .order_by(entries.c.published_at.desc(), entries.c.entry_id)
    )
    return [Entry(**row._mapping) for row in rows]


def approved_by_author(
    conn: Connection, *, team_id: str, since: dt.datetime, until: dt.datetime
) -> dict[str, int]:
    """Entries approved in [since, until) and still published, per author (a period figure)."""
    query = (
        select(entries.c.author_id, func.count())
        .where(
            entries.c.team_id == team_id,
            entries.c.status == APPROVED,
            entries.c.published_at >= since,
            entries.c.published_at < until,
        )
        .group_by(entries.c.author_id)
    )
    return {author: int(count) for author, count in conn.execute(query)}


def queue_row(conn: Connection, *, team_id: str, entry_id: str, now: dt.datetime) -> None:
    """Keep the Content worksheet's row for this entry current."""
    entry = get(conn, team_id=team_id, entry_id=entry_id)
    if entry is None:
        return
    row = ContentRow(
        content_id=entry.entry_id,
        submitted=entry.submitted_at,
        member=member_name(conn, team_id=team_id, user_id=entry.author_id),
        type="Link",
        title=entry.title,
        link=entry.url,
        status=entry.label,
        featured=entry.published_at if entry.status == APPROVED else None,
    )
    tracker_queue.put(conn, team_id=team_id, row=row, now=now)
