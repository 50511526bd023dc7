"""The program's cadence: each month, on `check_in_day` at `time` (community timezone), one
reminder to the managers per ambassador to check in with them; each quarter (that day of
January, April, July and October) one prompt in the ambassadors channel asking for the
quarter's update. Each is an effect keyed by its period, so restarts, a second replica and a
job run late still send it once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, select

from porch.core.config import Config
from porch.core.posting import post
from porch.core.templating import Templates, mention
from porch.features.ambassadors.tables import ambassador_members

CHECK_IN = "ambassadors/check_in.j2"
QUARTERLY = "ambassadors/quarterly.j2"


@dataclass(frozen=True, kw_only=True)
class Cadence:
    config: Config
    templates: Templates

    def due(self, now: dt.datetime) -> dt.datetime | None:
        """This month's moment once it has come (local), else None."""
        section = self.config.ambassadors
        local = now.astimezone(self.config.community.tz)
        hour, minute = (int(part) for part in section.time.split(":"))
        moment = local.replace(day=section.check_in_day, hour=hour, minute=minute, second=0)
        return moment if local >= moment else None

    def tick(self, engine: Engine, team_id: str, now: dt.datetime) -> dict[str, int]:
        moment = self.due(now)
        if moment is None:
            return {"check_ins": 0, "quarterly": 0}
        month = f"{moment.year}-{moment.month:02d}"
        start = moment.replace(day=1, hour=0, minute=0)
        sent = quarterly = 0
        with engine.begin() as conn:
            rows = conn.execute(
                select(ambassador_members.c.user_id, ambassador_members.c.answered_at).where(
                    ambassador_members.c.team_id == team_id,
                    ambassador_members.c.state == "accepted",
                )
            ).all()
            for row in rows:
                if row.answered_at is not None and row.answered_at >= start:
                    continue  # joined this month: the first check-in is next month's
                sent += post(
                    conn,
                    config=self.config,
                    templates=self.templates,
                    team_id=team_id,
                    key=f"ambassador-check-in:{row.user_id}:{month}",
                    template=CHECK_IN,
                    to={"channel_name": self.config.channels.moderators},
                    now=now,
                    ambassador=mention(row.user_id),
                    month=moment.strftime("%B"),
                )
            if rows and moment.month in (1, 4, 7, 10):
                quarter = f"{moment.year}-Q{(moment.month - 1) // 3 + 1}"
                quarterly += post(
                    conn,
                    config=self.config,
                    templates=self.templates,
                    team_id=team_id,
                    key=f"ambassador-quarterly:{quarter}",
                    template=QUARTERLY,
                    to={"channel_name": self.config.channels.ambassadors},
                    now=now,
                    quarter=quarter,
                )
        return {"check_ins": sent, "quarterly": quarterly}
