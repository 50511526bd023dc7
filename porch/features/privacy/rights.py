"""What Porch does with a member's data: their copy (my-data, export), forget-me, deactivated
accounts and retention.

It knows no other feature: what Porch holds is whatever the features and the infrastructure
declare as PersonalData (porch.core.personal_records reads those). Erasing deletes the member's
rows, scrubs their ID from the working copies (effects, inbox, tracker queue) and lists the
Sheet rows to blank at the next sync; activity rows go too, so weekly Health rows already
computed keep their counts while future recomputations count the member no more. A keyed hash
of the user ID (porch.core.forget_marks) stops reconciliation and imports bringing them back.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, select

from porch.core import forget_marks, member_records, personal_records
from porch.core.config import Config
from porch.core.domain_events import UserChanged
from porch.core.feature import PersonalData
from porch.core.store.schema import members

logger = logging.getLogger(__name__)

# The member row's fields my-data shows as their profile, in this order.
PROFILE_FIELDS = (
    "display_name",
    "real_name",
    "tz",
    "joined_at",
    "joined_via",
    "welcomed_at",
    "introduced_at",
    "first_post_at",
    "last_active_at",
    "opted_out_at",
)


def label(declared: PersonalData) -> str:
    """What a member calls a kind of data (my-data, the privacy page)."""
    return declared.label or declared.worksheet or declared.table.replace("_", " ").capitalize()


@dataclass(frozen=True, kw_only=True)
class Privacy:
    config: Config
    # Everything that holds personal data: each feature's declarations and the infrastructure's.
    declarations: Sequence[PersonalData]

    @property
    def retention_days(self) -> dict[str, int]:
        return dict(self.config.privacy.retention.model_dump())

    # ---- a member's copy -------------------------------------------------------------------

    def my_data(self, conn: Connection, *, team_id: str, user_id: str) -> dict[str, Any]:
        """Everything Porch holds about the member, JSON-ready (my-data and export)."""
        row = member_records.get(conn, team_id=team_id, user_id=user_id)
        profile = {}
        if row is not None:
            for name in PROFILE_FIELDS:
                value = getattr(row, name)
                if value is not None and value != "":
                    profile[name] = value.isoformat() if isinstance(value, dt.datetime) else value
        data = personal_records.gather(
            conn,
            team_id=team_id,
            user_id=user_id,
            declarations=self.declarations,
            retention_days=self.retention_days,
        )
        return {"user_id": user_id, "team_id": team_id, "profile": profile, "data": data}

    # ---- erasure ---------------------------------------------------------------------------

    def forget(
        self, conn: Connection, *, team_id: str, user_id: str, now: dt.datetime
    ) -> dict[str, int]:
        """Erase the member everywhere and leave the keyed hash; counts by table."""
        counts = self.anonymize(conn, team_id=team_id, user_id=user_id, now=now)
        forget_marks.mark(conn, team_id=team_id, user_id=user_id, now=now)
        return counts

    def anonymize(
        self, conn: Connection, *, team_id: str, user_id: str, now: dt.datetime
    ) -> dict[str, int]:
        """Erase the member's data without the marker: a reactivated account starts afresh."""
        counts = personal_records.erase(
            conn, team_id=team_id, user_id=user_id, declarations=self.declarations, now=now
        )
        logger.info("erased a member's data: %s", counts)
        return counts

    # ---- deactivated accounts --------------------------------------------------------------

    def on_user_changed(
        self, conn: Connection, team_id: str, event: UserChanged, now: dt.datetime
    ) -> None:
        result = conn.execute(
            member_records.where(team_id, event.user_id)
            .where(members.c.is_deleted.is_(False))
            .values(is_deleted=True, updated_at=now)
        )
        if result.rowcount == 0:
            return  # unknown to Porch, or already marked deactivated
        policy = self.config.privacy
        if policy.deactivated == "anonymize":
            self.anonymize(conn, team_id=team_id, user_id=event.user_id, now=now)
        elif policy.deactivated == "erase" and policy.erase_after_days == 0:
            self.forget(conn, team_id=team_id, user_id=event.user_id, now=now)
        else:
            member_records.queue_row(conn, team_id=team_id, user_id=event.user_id, now=now)

    def erase_deactivated(self, conn: Connection, *, team_id: str, now: dt.datetime) -> int:
        """With `deactivated: erase`, forget the accounts deactivated long enough ago."""
        policy = self.config.privacy
        if policy.deactivated != "erase":
            return 0
        cutoff = now - dt.timedelta(days=policy.erase_after_days)
        due = conn.execute(
            select(members.c.user_id).where(
                members.c.team_id == team_id,
                members.c.is_deleted.is_(True),
                members.c.updated_at <= cutoff,
            )
        ).scalars()
        erased = 0
        for user_id in list(due):
            self.forget(conn, team_id=team_id, user_id=user_id, now=now)
            erased += 1
        return erased

    # ---- the daily job ---------------------------------------------------------------------

    def daily(self, engine: Engine, team_id: str, now: dt.datetime) -> dict[str, int]:
        """Clear member text past its retention period, from the store and (through the
        tracker queue) the Sheet; erase deactivated accounts whose time has come."""
        with engine.begin() as conn:
            purged = self.purge(conn, team_id=team_id, now=now)
            erased = self.erase_deactivated(conn, team_id=team_id, now=now)
        return {**{f"purged:{name}": count for name, count in purged.items()}, "erased": erased}

    def purge(self, conn: Connection, *, team_id: str, now: dt.datetime) -> dict[str, int]:
        return personal_records.purge_expired(
            conn,
            team_id=team_id,
            declarations=self.declarations,
            retention_days=self.retention_days,
            now=now,
        )
