"""What each member did over a window, counted from the activity table participation records
(who did what where and when; never the text):

- days_active: local calendar days with a post, a reply or a reaction of theirs;
- replies_to_others: replies in a thread someone else started;
- first_answers: the first reply by someone other than the asker to a question (a top-level
  post participation recorded as one), when that reply came in the window;
- reactions_received: reactions someone else added in the window to the member's messages;
- wins_shared: top-level posts in the wins channel;
- tenure_days: days since they joined (the members table).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select

from porch.core import activity_signals
from porch.core.store.schema import members


def count(
    conn: Connection,
    *,
    team_id: str,
    start: dt.datetime,
    end: dt.datetime,
    wins_channel: str,
    tz: ZoneInfo,
) -> dict[str, Counter[str]]:
    """user_id -> counts per signal for activity recorded in [start, end) (tenure aside)."""
    return activity_signals.count_signals(
        conn, team_id=team_id, start=start, end=end, wins_channel=wins_channel, tz=tz
    )


def tenure_days(conn: Connection, *, team_id: str, now: dt.datetime) -> dict[str, int]:
    """Days since each member (still here) joined; members with no join date are left out."""
    rows = conn.execute(
        select(members.c.user_id, members.c.joined_at).where(
            members.c.team_id == team_id,
            members.c.is_deleted.is_(False),
            members.c.joined_at.is_not(None),
        )
    )
    return {row.user_id: max(0, (now - row.joined_at).days) for row in rows}
