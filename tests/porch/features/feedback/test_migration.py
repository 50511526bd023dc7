"""Revision 0014 on a store written before it: acknowledged_at was Porch's own reply, and is
rebuilt from what people did (a reply in the thread by someone other than the author, a
manager's status), in the store and in the Feedback worksheet's queued rows."""

from __future__ import annotations

import datetime as dt

from alembic import command
from sqlalchemy import Engine, insert

from porch.core.store import alembic_config, migrate
from porch.core.store.schema import activity
from porch.core.tracker_queue import get_row
from porch.features.feedback import store as items

TEAM = "T0FEEDBAK1"
GENERAL = "C0GENERAL1"
DANA, ANA, SAM = "U0DANA0001", "U0ANA00001", "U0MANAGER1"
AT = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)


def before_0014(engine: Engine) -> None:
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0013")


def item_as_before(
    engine: Engine,
    item_id: str,
    *,
    ts: str | None,
    closed_at: dt.datetime | None = None,
) -> None:
    """An item as the previous version left it: acknowledged by Porch's reply, seconds in."""
    with engine.begin() as conn:
        items.create(
            conn,
            team_id=TEAM,
            item_id=item_id,
            channel_id=GENERAL if ts else None,
            ts=ts,
            author_id=DANA,
            text="Search misses old threads",
            status="shipped" if closed_at else "open",
            now=AT,
        )
        items.change(
            conn,
            team_id=TEAM,
            item_id=item_id,
            now=AT,
            tags=["bug"],
            acknowledged_at=AT + dt.timedelta(seconds=3),
            closed_at=closed_at,
        )
        items.queue_row(conn, team_id=TEAM, item_id=item_id, now=AT)


def reply(engine: Engine, *, user_id: str, thread_ts: str, at: dt.datetime) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(activity).values(
                team_id=TEAM,
                channel_id=GENERAL,
                message_ts=f"{at.timestamp():.6f}",
                kind="reply",
                user_id=user_id,
                thread_ts=thread_ts,
                at=at,
            )
        )


def test_0014_keeps_only_what_people_did(engine: Engine):
    before_0014(engine)
    replied, quiet, command_item = "1.1", "2.2", "cmd:3.3"
    item_as_before(engine, items.item_id_for(GENERAL, replied), ts=replied)
    reply(engine, user_id=DANA, thread_ts=replied, at=AT + 5 * MINUTE)  # the author
    reply(engine, user_id=ANA, thread_ts=replied, at=AT + 20 * MINUTE)
    reply(engine, user_id=SAM, thread_ts=replied, at=AT + 30 * MINUTE)
    item_as_before(engine, items.item_id_for(GENERAL, quiet), ts=quiet)
    item_as_before(engine, command_item, ts=None, closed_at=AT + 120 * MINUTE)

    migrate(engine)

    with engine.begin() as conn:

        def acknowledged(item_id: str) -> tuple[dt.datetime | None, str]:
            item = items.get(conn, team_id=TEAM, item_id=item_id)
            row = get_row(conn, team_id=TEAM, sheet="Feedback", key=item_id)
            assert item is not None and row is not None
            return item.acknowledged_at, row["Acknowledged"]

        assert acknowledged(items.item_id_for(GENERAL, replied)) == (
            AT + 20 * MINUTE,
            "2026-11-02 09:20",
        )
        assert acknowledged(items.item_id_for(GENERAL, quiet)) == (None, "")
        assert acknowledged(command_item) == (AT + 120 * MINUTE, "2026-11-02 11:00")
