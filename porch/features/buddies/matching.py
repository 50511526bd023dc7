"""Who may be a newcomer's buddy, and which one: shared interests first, then the lightest load.

Pure functions over what pairing.py reads from the store, so the choice is tested on its own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Choice:
    buddy_id: str
    shared: tuple[str, ...]


def choose(
    newcomer_id: str,
    *,
    candidates: Collection[str],
    loads: Mapping[str, int],
    max_at_once: int,
    interests: Mapping[str, Sequence[str]],
) -> Choice | None:
    """The candidate sharing most of the newcomer's interests, then the one with fewest
    newcomers now, then by ID (the same answer on every replica); None when all are full."""
    mine = set(interests.get(newcomer_id, ()))
    best: tuple[int, int, str] | None = None
    for candidate in candidates:
        if candidate == newcomer_id or loads.get(candidate, 0) >= max_at_once:
            continue
        shared = len(mine & set(interests.get(candidate, ())))
        rank = (-shared, loads.get(candidate, 0), candidate)
        if best is None or rank < best:
            best = rank
    if best is None:
        return None
    buddy = best[2]
    theirs = set(interests.get(buddy, ()))
    return Choice(buddy, tuple(i for i in interests.get(newcomer_id, ()) if i in theirs))


def starter(questions: Sequence[str], newcomer_id: str) -> str:
    """One of the starter questions, the same for a newcomer however often it is asked."""
    digest = hashlib.blake2b(newcomer_id.encode(), digest_size=4).digest()
    return questions[int.from_bytes(digest, "big") % len(questions)]


def check_in_due(paired_at: dt.datetime, *, days: int, tz: ZoneInfo) -> dt.datetime:
    """`days` later at the same wall-clock time in the community's timezone (a week that
    crosses a DST change is 167 or 169 hours), in UTC."""
    local = paired_at.astimezone(tz)
    later = (local.replace(tzinfo=None) + dt.timedelta(days=days)).replace(tzinfo=tz)
    return later.astimezone(dt.UTC)
