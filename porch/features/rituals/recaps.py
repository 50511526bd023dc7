"""A ritual's recap: a while after it, one reply in its thread and one short post in its channel.

How many members took part (newcomers first) and three featured replies: the most reactions,
where a newcomer's first reply to this ritual outranks a regular's. A wins ritual's featured replies
also become Wins rows in the tracker. Both messages are keyed effects and the occurrence's
`recap_at` is set in the same transaction, so a recap is posted once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, func, select, update

from porch.core import tracker_queue
from porch.core.activity_log import reaction_count
from porch.core.config import Config
from porch.core.message_links import item_key, member_name, permalink
from porch.core.posting import post
from porch.core.templating import Templates
from porch.core.worksheets import WinRow
from porch.features.rituals.tables import ritual_occurrences, ritual_replies
from porch.features.rituals.worksheet import counts, queue_row
from porch.features.rituals.worksheet import newcomers as newcomers_among

if TYPE_CHECKING:
    from porch.features.rituals.schedule import Rituals

FEATURED = 3
# A recap more than this late (Porch was down for days) would be old news: it is dropped.
STALE_AFTER = dt.timedelta(days=2)


@dataclass(frozen=True)
class Featured:
    user_id: str
    name: str
    text: str | None
    link: str
    reactions: int
    newcomer: bool
    channel_id: str
    ts: str
    at: dt.datetime


@dataclass(frozen=True, kw_only=True)
class RitualRecaps:
    config: Config
    templates: Templates
    rituals: Rituals

    def post_due(self, conn: Connection, *, team_id: str, now: dt.datetime) -> int:
        posted = 0
        for ritual in self.config.rituals:
            if ritual.recap_after_hours is None:
                continue
            delay = dt.timedelta(hours=ritual.recap_after_hours)
            due = conn.execute(
                select(ritual_occurrences).where(
                    ritual_occurrences.c.team_id == team_id,
                    ritual_occurrences.c.ritual_id == ritual.id,
                    ritual_occurrences.c.state == "posted",
                    ritual_occurrences.c.recap_at.is_(None),
                    ritual_occurrences.c.slot_at <= now - delay,
                )
            ).all()
            for occurrence in due:
                claimed = conn.execute(
                    update(ritual_occurrences)
                    .where(
                        ritual_occurrences.c.team_id == team_id,
                        ritual_occurrences.c.ritual_id == ritual.id,
                        ritual_occurrences.c.local_date == occurrence.local_date,
                        ritual_occurrences.c.recap_at.is_(None),
                    )
                    .values(recap_at=now)
                ).rowcount
                if not claimed or now - occurrence.slot_at - delay > STALE_AFTER:
                    continue
                self.post_recap(conn, team_id=team_id, occurrence=occurrence, now=now)
                posted += 1
        return posted

    def post_recap(self, conn: Connection, *, team_id: str, occurrence: Any, now: dt.datetime):
        ritual = self.rituals.ritual(occurrence.ritual_id)
        assert ritual is not None
        day = occurrence.local_date
        replies, participants, newcomers = counts(
            conn, team_id=team_id, ritual_id=ritual.id, day=day, since=occurrence.slot_at
        )
        featured = self.featured(conn, team_id=team_id, occurrence=occurrence)
        channel_name = getattr(self.config.channels, ritual.channel)
        context = {
            "ritual": ritual,
            "replies": replies,
            "participants": participants,
            "newcomers": newcomers,
            "featured": featured,
            "thread_link": permalink(
                conn, team_id=team_id, channel_id=occurrence.channel_id, ts=occurrence.thread_ts
            ),
        }
        key = f"ritual-recap:{ritual.id}:{day}"
        post(
            conn,
            config=self.config,
            templates=self.templates,
            team_id=team_id,
            key=key,
            template="rituals/recap.j2",
            to={"thread_of": f"ritual:{ritual.id}:{day}"},
            now=now,
            in_thread=True,
            **context,
        )
        if participants:
            post(
                conn,
                config=self.config,
                templates=self.templates,
                team_id=team_id,
                key=f"{key}:channel",
                template="rituals/recap.j2",
                to={"channel_name": channel_name},
                now=now,
                in_thread=False,
                **context,
            )
        if ritual.kind == "wins":
            for item in featured:
                win = WinRow(
                    win_id=item_key(item.channel_id, item.ts),
                    posted=item.at,
                    member=item.name,
                    win=item.text or "",
                    channel=f"#{channel_name}",
                    link=item.link,
                    reactions=item.reactions,
                )
                tracker_queue.put(conn, team_id=team_id, row=win, now=now)
        queue_row(conn, config=self.config, team_id=team_id, ritual_id=ritual.id, day=day, now=now)

    def featured(self, conn: Connection, *, team_id: str, occurrence: Any) -> list[Featured]:
        """Up to three replies, one per member: a newcomer's first reply to this ritual, then the
        most reactions, then the earliest."""
        rows = conn.execute(
            select(ritual_replies)
            .where(
                ritual_replies.c.team_id == team_id,
                ritual_replies.c.ritual_id == occurrence.ritual_id,
                ritual_replies.c.local_date == occurrence.local_date,
            )
            .order_by(ritual_replies.c.at, ritual_replies.c.ts)
        ).all()
        newcomers = newcomers_among(
            conn, team_id=team_id, user_ids={r.user_id for r in rows}, at=occurrence.slot_at
        )
        candidates: list[tuple[tuple[int, int, dt.datetime], Featured]] = []
        seen: set[str] = set()
        for row in rows:
            if row.user_id in seen:
                continue
            seen.add(row.user_id)
            first = row.user_id in newcomers and self._first_reply(conn, team_id=team_id, row=row)
            reactions = reaction_count(conn, team_id=team_id, channel_id=row.channel_id, ts=row.ts)
            item = Featured(
                user_id=row.user_id,
                name=member_name(conn, team_id=team_id, user_id=row.user_id),
                text=row.text,
                link=permalink(conn, team_id=team_id, channel_id=row.channel_id, ts=row.ts),
                reactions=reactions,
                newcomer=row.user_id in newcomers,
                channel_id=row.channel_id,
                ts=row.ts,
                at=row.at,
            )
            candidates.append(((0 if first else 1, -reactions, row.at), item))
        candidates.sort(key=lambda pair: pair[0])
        return [item for _, item in candidates[:FEATURED]]

    @staticmethod
    def _first_reply(conn: Connection, *, team_id: str, row: Any) -> bool:
        earlier = conn.execute(
            select(func.count()).where(
                ritual_replies.c.team_id == team_id,
                ritual_replies.c.user_id == row.user_id,
                ritual_replies.c.ritual_id == row.ritual_id,
                ritual_replies.c.at < row.at,
            )
        ).scalar_one()
        return earlier == 0
