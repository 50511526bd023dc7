"""Turns at SQLite's one write lock for the threads of one process, first come, first served.

SQLite lets one writer at a time; the others wait in its busy handler, which sleeps in growing
steps (up to 100 ms) and tries again. Under load the inbox processor, which writes batch after
batch, then wins the lock over and over while the requests storing events sleep, and Slack
waits seconds for acknowledgements. Taking a turn here first, in arrival order, hands the lock
to the longest-waiting thread the moment it is free. Other processes still queue in SQLite's
busy handler; on PostgreSQL, which has row locks, nothing waits here.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager


class WriteTurns:
    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self._guard = threading.Lock()
        self._held = False
        self._waiting: deque[threading.Event] = deque()

    @contextmanager
    def turn(self) -> Iterator[None]:
        if not self.enabled:
            yield
            return
        self._acquire()
        try:
            yield
        finally:
            self._release()

    def _acquire(self) -> None:
        with self._guard:
            if not self._held:
                self._held = True
                return
            mine = threading.Event()
            self._waiting.append(mine)
        mine.wait()  # the releasing thread hands the turn over: it is ours when this returns

    def _release(self) -> None:
        with self._guard:
            if self._waiting:
                self._waiting.popleft().set()
            else:
                self._held = False
