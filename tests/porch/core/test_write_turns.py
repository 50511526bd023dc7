"""Write turns: threads of one process get SQLite's write lock in the order they asked."""

from __future__ import annotations

import threading
import time

from porch.core.store.write_turns import WriteTurns


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
            time.sleep(0.02)  # so each one is queued before the next arrives
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
    with turns.turn(), turns.turn():  # nested: PostgreSQL needs no turns at all
        pass
