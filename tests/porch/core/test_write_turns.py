"""Write turns: threads of one process get SQLite's write lock in the order they asked."""

from __future__ import annotations

import threading
import time

from porch.core.store.write_turns import WriteTurns


def wait_for(condition, *, seconds: float = 5) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.001)
    return True


def test_waiting_threads_get_their_turn_in_arrival_order():
    turns = WriteTurns(enabled=True)
    order: list[int] = []
    started = []

    def writer(n: int) -> None:
        with turns.turn():
            order.append(n)

    with turns.turn():  # a long batch holds the lock while five requests line up
        for n in range(5):
            thread = threading.Thread(target=writer, args=(n,))
            thread.start()
            started.append(thread)
            # Each one is queued before the next arrives.
            assert wait_for(lambda n=n: len(turns._waiting) == n + 1)
    for thread in started:
        thread.join(timeout=5)

    assert order == [0, 1, 2, 3, 4]


def test_a_turn_is_released_when_the_work_fails():
    turns = WriteTurns(enabled=True)
    try:
        with turns.turn():
            raise RuntimeError("the transaction failed")
    except RuntimeError:
        pass
    done = threading.Event()
    thread = threading.Thread(target=lambda: (turns.turn().__enter__(), done.set()))
    thread.start()
    assert done.wait(timeout=2), "the next writer is not stuck behind a failed one"


def test_disabled_turns_never_wait():
    turns = WriteTurns(enabled=False)
    holding, release, entered = threading.Event(), threading.Event(), threading.Event()

    def holder() -> None:
        with turns.turn():
            holding.set()
            release.wait(timeout=5)

    def other() -> None:
        with turns.turn(), turns.turn():  # nested too: PostgreSQL needs no turns at all
            entered.set()

    first = threading.Thread(target=holder, daemon=True)
    first.start()
    assert holding.wait(timeout=5)
    second = threading.Thread(target=other, daemon=True)
    second.start()
    try:
        # With turns enabled this thread would wait until the holder let go.
        assert entered.wait(timeout=5), "a disabled turn waited for another thread's"
        assert not release.is_set() and first.is_alive()
    finally:
        release.set()
        first.join(timeout=5)
        second.join(timeout=5)
