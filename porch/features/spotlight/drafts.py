"""The monthly spotlight: last month's top contributors, thanked in public once a manager agrees.

On the configured day of the month Porch scores the previous calendar month (see
scores.py) and drafts one card to the managers' channel with the evidence and Approve /
Edit / Skip. Nothing reaches members until a manager approves: the public post is then recorded
once, keyed by the month, in the same transaction that moves the draft from "drafted" to
"approved", so a double click or a retried request finds nothing left to do.

Managers are never candidates: they run the community, and the spotlight is for its members.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update

from porch.core import effect_queue
from porch.core.config import Config
from porch.core.message_context import MessageContext
from porch.core.posting import post
from porch.core.store.schema import members
from porch.core.store.upsert import insert_ignore
from porch.core.templating import Message, Templates, mention
from porch.features.spotlight.scores import (
    SIGNALS,
    count_signals,
    month_bounds,
    previous_month,
    rank,
)
from porch.features.spotlight.tables import spotlight_picks, spotlights

DRAFTED, APPROVED, SKIPPED, EMPTY = "drafted", "approved", "skipped", "empty"
MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
# A draft that could not be made on its day (Porch was down) is still made within this window;
# later, a spotlight for an old month would surprise more than it thanks.
CATCH_UP = dt.timedelta(days=7)
# Slack shows at most 3,000 characters in a section; the words share it with the title.
NOTE_LIMIT = 2000
DRAFT_TEMPLATE = "spotlight/draft.j2"


def draft_key(month: str) -> str:
    return f"spotlight-draft:{month}"


@dataclass(frozen=True, kw_only=True)
class Spotlight:
    config: Config
    templates: Templates

    def tick(self, engine: Engine, team_id: str, now: dt.datetime) -> dict[str, int]:
        with engine.begin() as conn:
            return {"drafted": int(self.draft_if_due(conn, team_id=team_id, now=now))}

    # ---- the draft ---------------------------------------------------------------------------

    def due_at(self, now: dt.datetime) -> dt.datetime:
        """This local month's drafting moment (the configured day and time), in UTC."""
        settings = self.config.recognition.spotlight
        tz = self.config.community.tz
        day = now.astimezone(tz).date().replace(day=settings.day)
        at = dt.datetime.combine(day, dt.time.fromisoformat(settings.time), tzinfo=tz)
        return at.astimezone(dt.UTC)

    def draft_if_due(self, conn: Connection, *, team_id: str, now: dt.datetime) -> bool:
        slot = self.due_at(now)
        if not slot <= now < slot + CATCH_UP:
            return False
        return self.draft(
            conn, team_id=team_id, month=previous_month(now, self.config.community.tz), now=now
        )

    def draft(self, conn: Connection, *, team_id: str, month: str, now: dt.datetime) -> bool:
        """Score `month` and send the managers its draft; once per month (False after that, or
        when nobody scored)."""
        if self._row(conn, team_id=team_id, month=month) is not None:
            return False
        settings = self.config.recognition.spotlight
        start, end = month_bounds(month, self.config.community.tz)
        counts = count_signals(
            conn, team_id=team_id, start=start, end=end, wins_channel=self.config.channels.wins
        )
        gone = set(
            conn.scalars(
                select(members.c.user_id).where(
                    members.c.team_id == team_id,
                    members.c.user_id.in_(list(counts)),
                    members.c.is_deleted.is_(True),
                )
            )
        )
        picks = rank(
            counts,
            weights=settings.weights,
            size=settings.size,
            excluded=set(self.config.managers.users) | gone,
        )
        # A month nobody scored in is remembered too, so it is not scored again every tick.
        state = DRAFTED if picks else EMPTY
        if not insert_ignore(
            conn, spotlights, team_id=team_id, month=month, state=state, edits=0, created_at=now
        ):
            return False
        for position, pick in enumerate(picks, start=1):
            conn.execute(
                insert(spotlight_picks).values(
                    team_id=team_id,
                    month=month,
                    user_id=pick.user_id,
                    rank=position,
                    score=pick.score,
                    evidence=dict(pick.counts),
                )
            )
        if not picks:
            return False
        post(
            conn,
            config=self.config,
            templates=self.templates,
            team_id=team_id,
            key=draft_key(month),
            template=DRAFT_TEMPLATE,
            to={"channel_name": self.config.channels.moderators},
            now=now,
            **self._context(conn, team_id=team_id, month=month),
        )
        return True

    # ---- what managers decide ----------------------------------------------------------------

    def approve(
        self, conn: Connection, *, team_id: str, month: str, manager_id: str, now: dt.datetime
    ) -> bool:
        """Post the spotlight publicly, once: False when it was already approved or skipped."""
        if not self._decide(
            conn, team_id=team_id, month=month, state=APPROVED, by=manager_id, now=now
        ):
            return False
        settings = self.config.recognition.spotlight
        post(
            conn,
            config=self.config,
            templates=self.templates,
            team_id=team_id,
            key=f"spotlight-post:{month}",
            template="spotlight/post.j2",
            to={"channel_name": getattr(self.config.channels, settings.channel)},
            now=now,
            **self._context(conn, team_id=team_id, month=month),
        )
        self._update_card(conn, team_id=team_id, month=month, change="approved", now=now)
        return True

    def skip(
        self, conn: Connection, *, team_id: str, month: str, manager_id: str, now: dt.datetime
    ) -> bool:
        if not self._decide(
            conn, team_id=team_id, month=month, state=SKIPPED, by=manager_id, now=now
        ):
            return False
        self._update_card(conn, team_id=team_id, month=month, change="skipped", now=now)
        return True

    def edit_view(self, conn: Connection, *, team_id: str, month: str) -> dict[str, Any] | None:
        """The modal in which a manager rewrites the thank-you words; None once decided."""
        row = self._row(conn, team_id=team_id, month=month)
        if row is None or row.state != DRAFTED:
            return None
        message = self._render(conn, "spotlight/edit_modal.j2", team_id=team_id, month=month)
        return {
            "type": "modal",
            "title": {"type": "plain_text", "text": "Edit the spotlight"},
            "submit": {"type": "plain_text", "text": "Save"},
            "close": {"type": "plain_text", "text": "Cancel"},
            "blocks": message.blocks,
        }

    def save_note(
        self,
        conn: Connection,
        *,
        team_id: str,
        month: str,
        note: str,
        manager_id: str,
        now: dt.datetime,
    ) -> bool:
        """Keep a manager's words for the public post; False once the draft was decided."""
        changed = conn.execute(
            update(spotlights)
            .where(*self._draft(team_id, month))
            .values(
                note=note.strip()[:NOTE_LIMIT], edits=spotlights.c.edits + 1, edited_by=manager_id
            )
        )
        if changed.rowcount != 1:
            return False
        edits = self._row(conn, team_id=team_id, month=month).edits
        self._update_card(conn, team_id=team_id, month=month, change=f"edit-{edits}", now=now)
        return True

    def state_of(self, conn: Connection, *, team_id: str, month: str) -> str | None:
        row = self._row(conn, team_id=team_id, month=month)
        return row.state if row is not None else None

    # ---- helpers -------------------------------------------------------------------------------

    @staticmethod
    def _draft(team_id: str, month: str) -> tuple[Any, ...]:
        return (
            spotlights.c.team_id == team_id,
            spotlights.c.month == month,
            spotlights.c.state == DRAFTED,
        )

    def _decide(
        self, conn: Connection, *, team_id: str, month: str, state: str, by: str, now: dt.datetime
    ) -> bool:
        """Move a draft to `state` (compare-and-set: only one decision ever wins)."""
        changed = conn.execute(
            update(spotlights)
            .where(*self._draft(team_id, month))
            .values(state=state, decided_by=by, decided_at=now)
        )
        return changed.rowcount == 1

    @staticmethod
    def _row(conn: Connection, *, team_id: str, month: str) -> Any:
        return conn.execute(
            select(spotlights).where(spotlights.c.team_id == team_id, spotlights.c.month == month)
        ).first()

    def _update_card(
        self, conn: Connection, *, team_id: str, month: str, change: str, now: dt.datetime
    ) -> None:
        card = self._render(conn, DRAFT_TEMPLATE, team_id=team_id, month=month)
        effect_queue.record(
            conn,
            team_id=team_id,
            key=f"{draft_key(month)}:{change}",
            kind="update",
            payload={"of": draft_key(month), **card.payload()},
            now=now,
        )

    def _render(self, conn: Connection, template: str, *, team_id: str, month: str) -> Message:
        """A spotlight template with everything a message template may use (as post() does)."""
        context = MessageContext.load(conn, config=self.config, team_id=team_id).for_member(None)
        return self.templates.render(
            template, **context, **self._context(conn, team_id=team_id, month=month)
        )

    def _context(self, conn: Connection, *, team_id: str, month: str) -> dict[str, Any]:
        """What the spotlight templates show: the month, the picks with their evidence, and
        where the draft stands. Names stay plain text: templates escape them."""
        row = self._row(conn, team_id=team_id, month=month)
        picks = conn.execute(
            select(spotlight_picks, members.c.display_name, members.c.real_name)
            .outerjoin(
                members,
                (members.c.team_id == spotlight_picks.c.team_id)
                & (members.c.user_id == spotlight_picks.c.user_id),
            )
            .where(spotlight_picks.c.team_id == team_id, spotlight_picks.c.month == month)
            .order_by(spotlight_picks.c.rank)
        ).all()
        tz = self.config.community.tz
        settings = self.config.recognition.spotlight
        return spotlight_context(
            month=month,
            picks=[
                {
                    "user_id": pick.user_id,
                    "name": pick.display_name or pick.real_name or pick.user_id,
                    "score": pick.score,
                    "counts": pick.evidence,
                }
                for pick in picks
            ],
            state=row.state,
            note=row.note,
            edited_by=row.edited_by,
            decided_by=row.decided_by,
            decided_at=row.decided_at.astimezone(tz) if row.decided_at else None,
            channel=getattr(self.config.channels, settings.channel),
            weights=settings.weights.model_dump(),
        )


def spotlight_context(
    *,
    month: str,
    picks: list[dict[str, Any]],
    state: str,
    note: str | None,
    edited_by: str | None,
    decided_by: str | None,
    decided_at: dt.datetime | None,
    channel: str,
    weights: dict[str, float],
) -> dict[str, Any]:
    """The spotlight templates' variables from plain data (the preview builds them too)."""
    year, number = (int(part) for part in month.split("-"))
    return {
        "month": month,
        "month_label": dt.date(year, number, 1).strftime("%B %Y"),
        "picks": [{**pick, "mention": mention(pick["user_id"])} for pick in picks],
        "signals": SIGNALS,
        "weights": weights,
        "state": state,
        "note": note,
        "edited_by": mention(edited_by) if edited_by else None,
        "decided_by": mention(decided_by) if decided_by else None,
        "decided_at": decided_at.strftime("%-d %B, %H:%M") if decided_at else None,
        "target_channel": channel,
    }
