"""Retention over a declared table (not a worksheet): exactly the rows older than the period
lose their text columns; newer rows and other columns stay."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, select

from porch.core.feature import PersonalData
from porch.core.personal_records import erase, purge_expired
from porch.core.store.schema import members

NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
# Any table with a timestamp and text will do: members' names stand in for a feature's text.
NAMES = PersonalData(
    table="members",
    user_columns=("user_id",),
    purpose="test",
    text_columns=("display_name", "real_name"),
    timestamp_column="joined_at",
    retention="wins",
)


def test_a_declared_table_loses_exactly_its_expired_text(engine: Engine):
    with engine.begin() as conn:
        for user_id, days in (("U0OLD00001", 11), ("U0EDGE0001", 10), ("U0NEW00001", 9)):
            conn.execute(
                members.insert().values(
                    team_id="T1",
                    user_id=user_id,
                    display_name=user_id.lower(),
                    real_name="Someone",
                    joined_at=NOW - dt.timedelta(days=days),
                    updated_at=NOW,
                )
            )
        counts = purge_expired(
            conn, team_id="T1", declarations=[NAMES], retention_days={"wins": 10}, now=NOW
        )
        again = purge_expired(
            conn, team_id="T1", declarations=[NAMES], retention_days={"wins": 10}, now=NOW
        )
        rows = {
            r.user_id: (r.display_name, r.real_name, r.joined_at)
            for r in conn.execute(select(members))
        }

    assert counts == {"members": 1} and again == {"members": 0}
    assert rows["U0OLD00001"][:2] == (None, None) and rows["U0OLD00001"][2] is not None
    assert rows["U0EDGE0001"][:2] == ("u0edge0001", "Someone")  # exactly 10 days: kept
    assert rows["U0NEW00001"][:2] == ("u0new00001", "Someone")


def test_mentions_only_columns_are_cleared_and_the_rows_kept(engine: Engine):
    inviter = PersonalData(
        table="members", user_columns=("inviter_id",), purpose="test", mentions_only=True
    )
    with engine.begin() as conn:
        conn.execute(
            members.insert().values(
                team_id="T1", user_id="U0GUEST001", inviter_id="U0HOST0001", updated_at=NOW
            )
        )
        counts = erase(conn, team_id="T1", user_id="U0HOST0001", declarations=[inviter], now=NOW)
        row = conn.execute(select(members.c.user_id, members.c.inviter_id)).one()
    assert counts == {"members": 1} and tuple(row) == ("U0GUEST001", None)
