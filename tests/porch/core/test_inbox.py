"""The inbox: one row per (workspace, event), whatever Slack redelivers; typed events round-trip."""

from __future__ import annotations

import datetime as dt

from porch.core import inbox
from porch.core.domain_events import MessagePosted, Newcomer, TeamJoined

NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
HELLO = MessagePosted(user_id="U1", channel_id="C1", ts="1.000001", thread_ts=None, text="hi")


def test_an_event_is_stored_once_per_workspace(engine):
    with engine.begin() as conn:
        first = inbox.accept(conn, team_id="T1", event_id="Ev1", event=HELLO, now=NOW)
        again = inbox.accept(conn, team_id="T1", event_id="Ev1", event=HELLO, now=NOW)
        other_team = inbox.accept(conn, team_id="T2", event_id="Ev1", event=HELLO, now=NOW)
    assert (first, again, other_team) == (True, False, True)


def test_pending_events_come_back_typed_in_arrival_order_until_done(engine):
    joined = TeamJoined(
        user=Newcomer("U2", "Ana", "Ana Lima", "Europe/Lisbon", False, False, False)
    )
    with engine.begin() as conn:
        inbox.accept(conn, team_id="T1", event_id="Ev1", event=joined, now=NOW)
        inbox.accept(conn, team_id="T1", event_id="Ev2", event=HELLO, now=NOW)
    with engine.begin() as conn:
        stored = inbox.pending(conn, limit=10)
        assert [s.event for s in stored] == [joined, HELLO]
        inbox.mark_done(conn, ids=[stored[0].id], now=NOW)
        inbox.mark_failed(conn, event_id=stored[1].id, error="boom", now=NOW)
    with engine.begin() as conn:
        assert inbox.pending(conn, limit=10) == []
        assert inbox.counts(conn) == {"done": 1, "failed": 1}
