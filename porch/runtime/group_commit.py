"""Group commit: the edge's concurrent requests store their events in shared transactions.

A request is answered 200 only once its event is stored for good. One transaction per event
costs a commit per event (a turn at the spool's write lock and a WAL append), and at a burst's
rate the requests then queue behind each other's commits. Here a request that finds no write
under way writes at once; those that arrive meanwhile wait, and the next write takes them all
in one transaction: the first of them leads it, then hands the lead to the next one waiting.
Each request still answers only after the transaction holding its event has committed; when it
fails, every request it held gets the error (and a 5xx), as it would have alone.

A batch that fails for a reason other than the store being unreachable is written again one
event at a time, so one event the store refuses never costs the others their acknowledgement.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from porch.core.store import unreachable

T = TypeVar("T")

# Events written per transaction at most: a burst's queue is rarely longer.
MOST = 500


@dataclass
class _Waiter(Generic[T]):
    item: T
    done: threading.Event = field(default_factory=threading.Event)
    first: bool = False
    error: BaseException | None = None
    # The items this waiter writes when it leads a write (its own first); None while it waits
    # for another's write to hold its item.
    batch: list[_Waiter[T]] | None = None


class GroupCommit(Generic[T]):
    """`submit(item)` from many threads; `write(items)` stores them in one transaction and
    returns, for each, whether it was new (False: a duplicate, already stored). One write is
    under way at a time (the spool, like any SQLite file, has one writer)."""

    def __init__(
        self,
        write: Callable[[Sequence[T]], Sequence[bool]],
        *,
        most: int = MOST,
    ):
        self._write = write
        self._most = most
        self._lock = threading.Lock()
        # Items no write has taken yet, oldest first; only ever waiting while a write is under way.
        self._queue: deque[_Waiter[T]] = deque()
        self._writing = False

    def submit(self, item: T) -> bool:
        """Store `item` (with whatever else is waiting); True when it was not stored before."""
        waiter = _Waiter(item)
        with self._lock:
            self._queue.append(waiter)
            if not self._writing:
                self._writing = True
                waiter.batch = self._take()
        if waiter.batch is None:
            waiter.done.wait()
            if waiter.batch is None:
                return _outcome(waiter)  # another's write held it
        # This thread leads a write of its batch, which starts with its own item.
        batch = waiter.batch
        self._store(batch)
        with self._lock:
            following = self._queue[0] if self._queue else None
            if following is None:
                self._writing = False
            else:
                following.batch = self._take()  # the lead passes to the oldest waiting
        for each in batch:
            if each is not waiter:
                each.done.set()
        if following is not None:
            following.done.set()
        return _outcome(waiter)

    def _take(self) -> list[_Waiter[T]]:
        return [self._queue.popleft() for _ in range(min(self._most, len(self._queue)))]

    def _store(self, batch: list[_Waiter[T]]) -> None:
        try:
            firsts = self._write([w.item for w in batch])
        except Exception as error:
            if len(batch) == 1 or unreachable(error) or isinstance(error, sqlite3.OperationalError):
                for each in batch:
                    each.error = error
                return
            for each in batch:
                self._store([each])
            return
        for each, first in zip(batch, firsts, strict=True):
            each.first = first


def _outcome(waiter: _Waiter[T]) -> bool:
    if waiter.error is not None:
        raise waiter.error
    return waiter.first
