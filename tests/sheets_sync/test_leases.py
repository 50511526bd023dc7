"""The lease that lets one replica at a time run the sync cycle."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from porch.core import locks

NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)


def take(engine: Engine, holder: str, *, now: dt.datetime = NOW) -> bool:
    with engine.begin() as conn:
        return locks.acquire(conn, name="job", holder=holder, until=now + 5 * MINUTE, now=now)


def test_one_holder_at_a_time_until_the_lease_expires(engine: Engine) -> None:
    assert take(engine, "a")
    assert not take(engine, "b")
    assert take(engine, "a", now=NOW + MINUTE)  # renewing
    assert not take(engine, "b", now=NOW + 5 * MINUTE)
    assert take(engine, "b", now=NOW + 7 * MINUTE)  # a's lease lapsed
    assert not take(engine, "a", now=NOW + 7 * MINUTE)


def test_release_only_frees_your_own_lease(engine: Engine) -> None:
    assert take(engine, "a")
    with engine.begin() as conn:
        locks.release(conn, name="job", holder="b")
    assert not take(engine, "b")
    with engine.begin() as conn:
        locks.release(conn, name="job", holder="a")
    assert take(engine, "b")
