"""Answers that stay true for one batch of inbox events, read once per batch.

A batch hands hundreds of events to the features in one transaction, and many of them ask the
store the same question (the workspace's URL for a link, whether anyone asked to be forgotten).
Inside `batch(conn)` such a question is asked once; outside it, every call reads the store.
Only answers that nothing in the batch changes belong here.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import Connection

T = TypeVar("T")

_CACHE = "porch.batch_cache"


@contextmanager
def batch(conn: Connection) -> Iterator[None]:
    conn.info[_CACHE] = {}
    try:
        yield
    finally:
        conn.info.pop(_CACHE, None)


def remember(conn: Connection, key: Hashable, compute: Callable[[], T]) -> T:
    cache = conn.info.get(_CACHE)
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = compute()
    return cache[key]  # type: ignore[no-any-return]
