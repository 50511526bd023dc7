"""Group commit at the edge: requests arriving together share one transaction, each answers
only once its event is stored, a duplicate is told so, and one bad event costs nobody else."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from porch.core.domain_events import Newcomer, TeamJoined
from porch.runtime.group_commit import GroupCommit
from porch.runtime.spool import EventSpool

NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def joined(user_id: str) -> TeamJoined:
    return TeamJoined(
        user=Newcomer(
            user_id=user_id,
            display_name=user_id.lower(),
            real_name=user_id,
            tz=None,
            is_bot=False,
            is_guest=False,
            is_deleted=False,
        )
    )


def in_threads(count: int, work) -> None:  # type: ignore[no-untyped-def]
    threads = [threading.Thread(target=work, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)


def test_requests_that_arrive_during_a_write_share_the_next_one():
    stored: set[int] = set()
    batches: list[int] = []

    def write(items: Sequence[int]) -> list[bool]:
        time.sleep(0.01)  # a commit's time: others arrive meanwhile
        batches.append(len(items))
        firsts = []
        for item in items:
            firsts.append(item not in stored)
            stored.add(item)
        return firsts

    group = GroupCommit(write)
    answers: dict[int, bool] = {}

    def request(n: int) -> None:
        answers[n] = group.submit(n % 40)  # every event delivered twice

    in_threads(80, request)
    assert stored == set(range(40))
    assert sum(answers.values()) == 40  # each event new exactly once, the other a duplicate
    assert len(batches) < 40 and max(batches) > 1


def test_a_failed_write_fails_the_requests_it_held_and_one_bad_event_only_its_own():
    def write(items: Sequence[str]) -> list[bool]:
        time.sleep(0.005)
        if "bad" in items:
            raise ValueError("refused")
        return [True] * len(items)

    group = GroupCommit(write)
    outcomes: dict[int, object] = {}

    def request(n: int) -> None:
        try:
            outcomes[n] = group.submit("bad" if n == 3 else f"ok{n}")
        except ValueError as error:
            outcomes[n] = error

    in_threads(20, request)
    assert isinstance(outcomes.pop(3), ValueError)
    assert set(outcomes.values()) == {True}


def test_the_spool_stores_concurrent_deliveries_once_each(tmp_path: Path):
    spool = EventSpool(path=tmp_path / "porch.db.spool")
    firsts: list[bool] = []

    def request(n: int) -> None:
        event_id = f"Ev{n % 50:04d}"
        firsts.append(
            spool.accept(team_id="T1", event_id=event_id, event=joined(f"U{n % 50}"), now=NOW)
        )

    in_threads(100, request)
    assert sum(firsts) == 50
    assert spool.waiting()[0] == 50
    spool.dispose()
