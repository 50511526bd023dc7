"""Workers share the work (issue 19): replicas claim different effects at the same moment, the
inbox is leased per workspace (different workspaces in parallel, each in arrival order), and an
inbox batch and a reconciliation on two replicas never deadlock on the members rows."""

from __future__ import annotations

import datetime as dt
import logging
import random
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text

from porch.core import effect_queue, inbox
from porch.core.clock import ManualClock, SystemClock
from porch.core.domain_events import MessagePosted, Newcomer, TeamJoined
from porch.core.feature import Feature
from porch.core.store import migrate
from porch.core.store.schema import effects, inbox_events, members, tracker_rows
from porch.features.registry import Features, build_features, templates
from porch.runtime.inbox_processor import LEASE, InboxProcessor
from tests.conftest import MONDAY_MORNING, empty_store, example_config

NOW = MONDAY_MORNING


@pytest.fixture
def replicas(tmp_path: Path) -> Iterator[tuple[Engine, Engine]]:
    """Two engines on one PostgreSQL store, as two replicas of Porch have."""
    with empty_store("postgresql", tmp_path) as database:
        first, second = database.open(), database.open()
        try:
            migrate(first)
            yield first, second
        finally:
            first.dispose()
            second.dispose()


def recorder(seen: list[tuple[str, int]], guard: threading.Lock, *, pause: float = 0.0) -> Features:
    """Features that only note each message event they get: (workspace, its number)."""

    def note(conn, team_id, event: MessagePosted, now):  # type: ignore[no-untyped-def]
        if pause:
            time.sleep(pause)
        with guard:
            seen.append((team_id, int(event.text)))

    real = build_features(config=example_config(), templates=templates())
    return Features(
        features=[Feature(name="recorder", handles={MessagePosted: note})],
        app_home=real.app_home,
    )


def store_messages(engine: Engine, *, teams: list[str], per_team: int) -> None:
    """`per_team` messages for each workspace, interleaved as they would arrive."""
    with engine.begin() as conn:
        for n in range(per_team):
            for team in teams:
                inbox.accept(
                    conn,
                    team_id=team,
                    event_id=f"Ev{n:06d}",
                    event=MessagePosted("U0MEMBER01", "C0GENERAL1", f"{n}.000100", None, str(n)),
                    now=NOW,
                )


def pending_count(engine: Engine) -> int:
    with engine.begin() as conn:
        return conn.execute(
            select(func.count()).where(inbox_events.c.status == inbox.PENDING)
        ).scalar_one()


# ---- effect claims -----------------------------------------------------------------------------


def record_effects(engine: Engine, count: int, *, kind: str = "post") -> None:
    with engine.begin() as conn:
        for n in range(count):
            effect_queue.record(
                conn,
                team_id="T0TEAM0001",
                key=f"e:{n}",
                kind=kind,  # type: ignore[arg-type]
                payload={"n": n},
                now=NOW - dt.timedelta(seconds=count - n),
            )


@pytest.mark.postgres
def test_two_replicas_claiming_at_once_take_different_effects_without_waiting(replicas):
    first, second = replicas
    record_effects(first, 100)
    lease = dt.timedelta(seconds=30)
    with first.begin() as one:
        taken_first = effect_queue.claim(one, holder="a", now=NOW, lease=lease, limit=50)
        # The first replica has not committed yet: the second must neither wait for it nor
        # come back empty-handed.
        with second.begin() as two:
            two.execute(text("SET LOCAL lock_timeout = '3s'"))
            taken_second = effect_queue.claim(two, holder="b", now=NOW, lease=lease, limit=50)
    first_ids = [e.id for e in taken_first]
    second_ids = [e.id for e in taken_second]
    assert len(first_ids) == len(second_ids) == 50
    assert not set(first_ids) & set(second_ids)
    assert first_ids == sorted(first_ids) and second_ids == sorted(second_ids), "oldest first"
    with first.begin() as conn:
        holders = dict(
            conn.execute(
                select(effects.c.claimed_by, func.count()).group_by(effects.c.claimed_by)
            ).all()
        )
    assert holders == {"a": 50, "b": 50}


def test_a_claim_takes_only_due_unclaimed_effects_of_kinds_not_paused(engine: Engine):
    record_effects(engine, 6)
    with engine.begin() as conn:
        effect_queue.record(
            conn, team_id="T0TEAM0001", key="react", kind="react", payload={}, now=NOW
        )
        effect_queue.record(
            conn,
            team_id="T0TEAM0001",
            key="later",
            kind="post",
            payload={},
            now=NOW,
            not_before=NOW + dt.timedelta(minutes=5),
        )
        ids = dict(conn.execute(select(effects.c.effect_key, effects.c.id)).all())
        # e:0 is someone else's live claim, e:1's claim lapsed, e:2 is already done.
        conn.execute(
            effects.update()
            .where(effects.c.effect_key == "e:0")
            .values(claimed_by="other", claimed_until=NOW + dt.timedelta(seconds=5), attempts=1)
        )
        conn.execute(
            effects.update()
            .where(effects.c.effect_key == "e:1")
            .values(claimed_by="dead", claimed_until=NOW - dt.timedelta(seconds=1), attempts=1)
        )
        conn.execute(
            effects.update().where(effects.c.effect_key == "e:2").values(status=effect_queue.DONE)
        )
        taken = effect_queue.claim(
            conn,
            holder="me",
            now=NOW,
            lease=dt.timedelta(seconds=30),
            limit=3,
            skip_kinds={"react"},
        )
        assert [e.key for e in taken] == ["e:1", "e:3", "e:4"]
        assert [e.attempts for e in taken] == [2, 1, 1]
        assert [e.id for e in taken] == [ids["e:1"], ids["e:3"], ids["e:4"]]
        rest = effect_queue.claim(
            conn, holder="me", now=NOW, lease=dt.timedelta(seconds=30), limit=10
        )
        assert [e.key for e in rest] == ["e:5", "react"]


# ---- the inbox, leased per workspace ---------------------------------------------------------


def test_a_second_processor_takes_another_workspace_while_the_first_holds_its_own(
    engine: Engine,
):
    store_messages(engine, teams=["T0FIRST001", "T0SECOND01"], per_team=5)
    seen: list[tuple[str, int]] = []
    guard = threading.Lock()
    clock = ManualClock(NOW)
    features = recorder(seen, guard)
    first = InboxProcessor(engine=engine, features=features, clock=clock, batch=2)
    second = InboxProcessor(engine=engine, features=features, clock=clock, batch=2)

    assert first.run_once() == 2
    assert seen == [("T0FIRST001", 0), ("T0FIRST001", 1)]
    assert second.run_once() == 2, "the first workspace is leased: the second takes the other"
    assert seen[2:] == [("T0SECOND01", 0), ("T0SECOND01", 1)]
    assert first.run_once() == 2
    assert seen[4:] == [("T0FIRST001", 2), ("T0FIRST001", 3)]

    first.drain()
    second.drain()
    for team in ("T0FIRST001", "T0SECOND01"):
        assert [n for t, n in seen if t == team] == list(range(5))


@pytest.mark.postgres
def test_two_processors_on_two_replicas_handle_each_event_once_in_workspace_order(replicas):
    teams = [f"T0TEAM{n:04d}" for n in range(4)]
    store_messages(replicas[0], teams=teams, per_team=120)
    seen: list[tuple[str, int]] = []
    guard = threading.Lock()
    features = recorder(seen, guard, pause=0.001)
    processors = [
        InboxProcessor(engine=engine, features=features, clock=SystemClock()) for engine in replicas
    ]
    errors: list[BaseException] = []
    start = threading.Barrier(len(processors))

    def work(processor: InboxProcessor) -> None:
        try:
            start.wait()
            deadline = time.monotonic() + 60
            while pending_count(processor.engine) and time.monotonic() < deadline:
                if not processor.run_once():
                    time.sleep(0.005)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(p,)) for p in processors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert pending_count(replicas[0]) == 0
    assert sorted(seen) == sorted((team, n) for team in teams for n in range(120)), "each once"
    for team in teams:
        assert [n for t, n in seen if t == team] == list(range(120)), "arrival order"
    assert all(p.processed > 0 for p in processors), "both replicas did part of the work"


# ---- no deadlock between an inbox batch and a reconciliation --------------------------------


@pytest.mark.postgres
def test_an_inbox_batch_and_a_reconciliation_on_two_replicas_never_deadlock(
    replicas, caplog: pytest.LogCaptureFixture
):
    """The issue's deadlock: one replica's inbox batch (joins, and messages that update their
    senders' records) while another replica reconciles the same members (newcomers recorded,
    departures marked), each writing the members rows in its own order."""
    processing, reconciling = replicas
    team = "T0TEAM0001"
    features = build_features(config=example_config(), templates=templates())
    processor = InboxProcessor(engine=processing, features=features, clock=ManualClock(NOW))
    rng = random.Random(19)
    known = [newcomer(f"U0OLD{n:05d}") for n in range(120)]
    with processing.begin() as conn:
        features.reconcile_members(conn, team_id=team, users=known, now=NOW, welcome=False)
    rounds, per_round = 16, 40
    failures: list[BaseException] = []
    for round_ in range(rounds):
        joining = [newcomer(f"U{round_:02d}NEW{n:04d}") for n in range(per_round)]
        events = [TeamJoined(user) for user in joining] + [
            MessagePosted(rng.choice(known).user_id, "C0GENERAL1", f"{round_}.{n:06d}", None, "hi")
            for n in range(2 * per_round)
        ]
        rng.shuffle(events)
        leaving = rng.sample(known, 20)
        listed = joining + [replace(user, is_deleted=True) for user in leaving]
        rng.shuffle(listed)
        with processing.begin() as conn:
            for n, event in enumerate(events):
                inbox.accept(conn, team_id=team, event_id=f"Ev{round_}-{n}", event=event, now=NOW)
        start = threading.Barrier(2)

        def drain(start: threading.Barrier = start) -> None:
            try:
                start.wait()
                processor.drain()
            except BaseException as exc:
                failures.append(exc)

        def reconcile(listed: list[Newcomer] = listed, start: threading.Barrier = start) -> None:
            try:
                start.wait()
                with reconciling.begin() as conn:
                    features.reconcile_members(
                        conn, team_id=team, users=listed, now=NOW, welcome=True
                    )
            except BaseException as exc:
                failures.append(exc)

        with caplog.at_level(logging.ERROR):
            threads = [threading.Thread(target=drain), threading.Thread(target=reconcile)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        known = [user for user in known if user not in leaving] + joining

    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert not failures, failures
    assert not errors, errors
    with processing.begin() as conn:
        statuses = dict(
            conn.execute(
                select(inbox_events.c.status, func.count()).group_by(inbox_events.c.status)
            ).all()
        )
        member_count = conn.execute(select(func.count()).select_from(members)).scalar_one()
        rows = conn.execute(
            select(func.count()).where(tracker_rows.c.sheet == "Members")
        ).scalar_one()
        departed = conn.execute(
            select(func.count()).where(members.c.is_deleted.is_(True))
        ).scalar_one()
        welcomes = conn.execute(
            select(effects.c.effect_key, func.count())
            .where(effects.c.effect_key.like("welcome:%"))
            .group_by(effects.c.effect_key)
        ).all()
    assert statuses == {inbox.DONE: rounds * 3 * per_round}
    assert member_count == rows == 120 + rounds * per_round, "one record and one row each"
    assert departed == rounds * 20
    assert all(count == 1 for _, count in welcomes)


def newcomer(user_id: str) -> Newcomer:
    return Newcomer(user_id, user_id.lower(), "", None, False, False, False)


def test_the_lease_of_a_workspace_passes_on_once_it_lapses(engine: Engine):
    store_messages(engine, teams=["T0FIRST001"], per_team=3)
    seen: list[tuple[str, int]] = []
    clock = ManualClock(NOW)
    features = recorder(seen, threading.Lock())
    first = InboxProcessor(engine=engine, features=features, clock=clock, batch=1)
    second = InboxProcessor(engine=engine, features=features, clock=clock, batch=1)
    assert first.run_once() == 1
    assert second.run_once() == 0, "the workspace is the first processor's"
    clock.advance(LEASE)
    assert second.run_once() == 1, "its lease lapsed (the first replica died): taken over"
    assert first.run_once() == 0, "and the first cannot take it back while it is renewed"
    assert [n for _, n in seen] == [0, 1]
