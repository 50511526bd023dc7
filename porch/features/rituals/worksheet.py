"""The Rituals worksheet: one row per posted occurrence, with who took part.

Counted from the recorded replies whenever one arrives and at the recap, so the row is current
without a sweep. A newcomer is a member in their first NEWCOMER_DAYS (the onboarding month
that check-ins cover), counted at the ritual's moment; members imported at install are not.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import ClassVar

from sqlalchemy import Connection, func, select

from porch.core import tracker_queue
from porch.core.config import Config
from porch.core.message_links import permalink
from porch.core.store.schema import members
from porch.core.worksheets import SheetRow, column
from porch.features.rituals.tables import ritual_occurrences, ritual_replies

NEWCOMER_DAYS = 30


@dataclass(frozen=True, kw_only=True)
class RitualRow(SheetRow):
    SHEET: ClassVar[str] = "Rituals"

    occurrence: str = field(metadata=column("Occurrence"))
    ritual: str = field(metadata=column("Ritual"))
    date: dt.datetime | None = field(metadata=column("Date", "datetime"))
    channel: str = field(metadata=column("Channel"))
    link: str = field(metadata=column("Link", "link"))
    replies: int = field(metadata=column("Replies", "int"))
    participants: int = field(metadata=column("Participants", "int"))
    newcomers: int = field(metadata=column("Newcomers", "int"))
    participation_pct: float = field(metadata=column("Participation %", "pct"))


def occurrence_key(ritual_id: str, day: dt.date | str) -> str:
    """The post effect's key and the Rituals worksheet's row key."""
    return f"ritual:{ritual_id}:{day}"


def counts(
    conn: Connection, *, team_id: str, ritual_id: str, day: str, since: dt.datetime
) -> tuple[int, int, int]:
    """(replies, participants, newcomers among them) for one occurrence."""
    where = (
        ritual_replies.c.team_id == team_id,
        ritual_replies.c.ritual_id == ritual_id,
        ritual_replies.c.local_date == day,
    )
    replies = conn.execute(select(func.count()).where(*where)).scalar_one()
    people = set(conn.execute(select(ritual_replies.c.user_id).where(*where)).scalars())
    return replies, len(people), len(newcomers(conn, team_id=team_id, user_ids=people, at=since))


def newcomers(conn: Connection, *, team_id: str, user_ids: set[str], at: dt.datetime) -> set[str]:
    """Those of `user_ids` who joined within NEWCOMER_DAYS before `at`."""
    if not user_ids:
        return set()
    return set(
        conn.execute(
            select(members.c.user_id).where(
                members.c.team_id == team_id,
                members.c.user_id.in_(user_ids),
                members.c.joined_at >= at - dt.timedelta(days=NEWCOMER_DAYS),
                # Imported members were here before Porch: their joined_at is the import's.
                members.c.joined_via != "import",
            )
        ).scalars()
    )


def queue_row(
    conn: Connection, *, config: Config, team_id: str, ritual_id: str, day: str, now: dt.datetime
) -> None:
    """The occurrence's row in the Rituals worksheet, current with its replies."""
    occurrence = conn.execute(
        select(ritual_occurrences).where(
            ritual_occurrences.c.team_id == team_id,
            ritual_occurrences.c.ritual_id == ritual_id,
            ritual_occurrences.c.local_date == day,
        )
    ).first()
    if occurrence is None or occurrence.thread_ts is None:
        return
    ritual = next((r for r in config.rituals if r.id == ritual_id), None)
    replies, participants, new = counts(
        conn, team_id=team_id, ritual_id=ritual_id, day=day, since=occurrence.slot_at
    )
    total = conn.execute(
        select(func.count()).where(members.c.team_id == team_id, members.c.is_deleted.is_(False))
    ).scalar_one()
    channel_name = getattr(config.channels, ritual.channel) if ritual else ""
    row = RitualRow(
        occurrence=occurrence_key(ritual_id, day),
        ritual=ritual.name if ritual else ritual_id,
        date=occurrence.slot_at,
        channel=f"#{channel_name}",
        link=permalink(
            conn, team_id=team_id, channel_id=occurrence.channel_id, ts=occurrence.thread_ts
        ),
        replies=replies,
        participants=participants,
        newcomers=new,
        participation_pct=round(100 * participants / total, 1) if total else 0.0,
    )
    tracker_queue.put(conn, team_id=team_id, row=row, now=now)
