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


def test_processed_events_are_purged_after_their_keeping_time_and_pending_ones_never(engine):
    with engine.begin() as conn:
        for n in range(4):
            inbox.accept(conn, team_id="T1", event_id=f"Ev{n}", event=HELLO, now=NOW)
        inbox.accept(conn, team_id="T2", event_id="Ev9", event=HELLO, now=NOW)
        first, second, third, _ = inbox.pending(conn, limit=10, team_id="T1")
        inbox.mark_done(conn, ids=[first.id, second.id], now=NOW)
        inbox.mark_failed(conn, event_id=third.id, error="boom", now=NOW)
        [other_team] = inbox.pending(conn, limit=10, team_id="T2")
        inbox.mark_done(conn, ids=[other_team.id], now=NOW)

    with engine.begin() as conn:
        assert inbox.purge(conn, team_id="T1", now=NOW + inbox.KEEP_DONE / 2) == 0
        assert inbox.purge(conn, team_id="T1", now=NOW + inbox.KEEP_DONE * 2) == 2
        assert inbox.purge(conn, team_id="T1", now=NOW + inbox.KEEP_FAILED * 2) == 1
        # The pending event and the other workspace's row are still there.
        assert inbox.counts(conn) == {"pending": 1, "done": 1}
