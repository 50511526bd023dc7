"""Benchmark: what a tracker sync cycle costs at 100,000 members, local tracker.

    .venv/bin/python bench/tracker_cycle.py [--members 100000] [--events 200000]

A SQLite store with `--members` members (their Members rows already queued) and `--events`
messages over eight weeks; the local tracker (tracker.xlsx) written once in full. Then, each
against a baseline doing the same job in the same run:

- idle cycle (nothing queued): Porch's `sync_once` against what a cycle did before: recompute
  this and last week's Health and rewrite the whole workbook;
- one changed member reaching tracker.xlsx (from queueing the row to the patched file renamed
  into place), for existing members (each cycle also with new activity, so Health is
  recomputed when due, after the rows are written; the whole cycle is shown too) and for a new
  member: the patch in place against the full rewrite of the workbook;
- queueing a row (`put_row`, store side only): the typed, checked put_row against the old one
  (merge the given values into the stored row, no check), 2,000 changed rows.

Prints each figure, the baseline and the ratio. About three minutes at the defaults, most of
it the baselines' (and the first write's) full rewrites.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from porch.core import tracker_queue  # noqa: E402
from porch.core.store import connect, migrate  # noqa: E402
from porch.core.store.schema import activity, members, tracker_rows, workspaces  # noqa: E402
from porch.core.worksheets import MemberRow  # noqa: E402
from porch.features.health import weeks as health  # noqa: E402
from porch.features.registry import load_config  # noqa: E402
from porch.runtime.settings import Settings  # noqa: E402
from porch.runtime.tracker_sync import sync_once  # noqa: E402
from porch.sheets_sync.local import LocalTracker  # noqa: E402

NOW = dt.datetime(2026, 11, 20, 18, 0, tzinfo=dt.UTC)
TEAM = "T1"


def member(i: int, *, status: str = "Welcomed", at: dt.datetime | None = None) -> MemberRow:
    joined = NOW - dt.timedelta(weeks=8) + dt.timedelta(seconds=i)
    return MemberRow(
        user_id=f"U{i:07d}",
        name=f"Member {i}",
        profile="",
        joined=joined,
        joined_via="team_join",
        welcomed=joined,
        introduced=None,
        first_post=None,
        last_active=at,
        status=status,
    )


def seed(engine: Engine, count: int, events: int) -> None:
    """Members, their queued rows and activity, inserted in bulk (setup, not measured)."""
    rng = random.Random(7)
    with engine.begin() as conn:
        conn.execute(insert(workspaces).values(team_id=TEAM, name="Bench", installed_at=NOW))
        rows = [member(i) for i in range(count)]
        conn.execute(
            insert(members),
            [
                {
                    "team_id": TEAM,
                    "user_id": row.user_id,
                    "display_name": row.name,
                    "is_guest": False,
                    "is_deleted": False,
                    "joined_at": row.joined,
                    "joined_via": "team_join",
                    "updated_at": row.joined,
                }
                for row in rows
            ],
        )
        conn.execute(
            insert(tracker_rows),
            [
                {
                    "team_id": TEAM,
                    "sheet": "Members",
                    "row_key": row.user_id,
                    "row_values": row.cells(),
                    "version": 1,
                    "synced_version": 0,
                    "updated_at": row.joined,
                }
                for row in rows
            ],
        )
        span = dt.timedelta(weeks=8).total_seconds()
        conn.execute(
            insert(activity),
            [
                {
                    "team_id": TEAM,
                    "channel_id": "C1",
                    "message_ts": f"{n}.0",
                    "kind": "message",
                    "user_id": f"U{rng.randrange(count):07d}",
                    "at": NOW - dt.timedelta(seconds=rng.uniform(60, span)),
                }
                for n in range(events)
            ],
        )


def timed(job: Callable[[], Any]) -> float:
    started = time.perf_counter()
    job()
    return time.perf_counter() - started


def old_put_row(
    conn: Connection, *, sheet: str, key: str, values: Mapping[str, Any], now: dt.datetime
) -> None:
    """put_row as it was: merge whatever values were given into the stored row."""
    where = (
        tracker_rows.c.team_id == TEAM,
        tracker_rows.c.sheet == sheet,
        tracker_rows.c.row_key == key,
    )
    existing = conn.execute(
        select(tracker_rows.c.row_values, tracker_rows.c.version).where(*where)
    ).first()
    assert existing is not None
    merged = {**existing.row_values, **values}
    if merged != existing.row_values:
        conn.execute(
            update(tracker_rows)
            .where(*where)
            .values(row_values=merged, version=tracker_rows.c.version + 1, updated_at=now)
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    config = load_config(ROOT / "community.yml")
    config = config.model_copy(
        update={"tracker": config.tracker.model_copy(update={"sheet": None})}
    )
    tz = config.community.tz

    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        engine = connect(f"sqlite:///{tmp / 'porch.db'}")
        migrate(engine)
        settings = Settings(config_path=tmp / "community.yml", database_url=str(engine.url))
        tracker = LocalTracker(folder=tmp / "tracker", tz=tz, feedback_tags=[])
        setup = timed(lambda: seed(engine, args.members, args.events))
        minute = dt.timedelta(minutes=1)
        clock = [NOW]

        landed: list[float] = []

        def cycle() -> Any:
            clock[0] += minute
            return sync_once(
                engine=engine,
                config=config,
                settings=settings,
                now=clock[0],
                tracker=tracker,
                progress=lambda done, total: landed.append(time.perf_counter()),
            )

        first = timed(cycle)
        size = tracker.path.stat().st_size
        print(
            f"tracker_cycle: {args.members:,} members, {args.events:,} messages "
            f"(setup {setup:.1f} s); first full write of tracker.xlsx "
            f"({size / 1e6:.1f} MB) {first:.1f} s"
        )

        # ---- idle ------------------------------------------------------------------------
        idle = [timed(cycle) for _ in range(args.repeat * 4)]

        def old_idle() -> None:
            with engine.begin() as conn:
                weeks = health.weeks_between(clock[0] - dt.timedelta(days=7), clock[0], tz)
                health.weekly_health(
                    conn,
                    team_id=TEAM,
                    weeks=weeks,
                    tz=tz,
                    now=clock[0],
                    healthy_score=60,
                    stagnant_score=40,
                )
            tracker._rewrite(
                engine, team_id=TEAM, now=clock[0], rebuild=False, progress=None, changed=0
            )

        idle_base = timed(old_idle)
        report(
            "idle cycle (nothing queued)",
            statistics.median(idle),
            idle_base,
            "Health recomputed + workbook rewritten",
        )

        # ---- one changed member ----------------------------------------------------------
        def change(i: int) -> tuple[float, float]:
            """(seconds until the row is in tracker.xlsx, seconds for the whole cycle)."""
            landed.clear()
            started = time.perf_counter()
            with engine.begin() as conn:
                tracker_queue.put(
                    conn, team_id=TEAM, row=member(i, status="Introduced"), now=clock[0]
                )
            cycle()
            return landed[0] - started, time.perf_counter() - started

        # Every cycle has new activity, as in a busy community: Health is due every fifth.
        changes = []
        for n in range(args.repeat * 2):
            with engine.begin() as conn:
                conn.execute(
                    insert(activity).values(
                        team_id=TEAM,
                        channel_id="C2",
                        message_ts=f"{n}.1",
                        kind="message",
                        user_id=f"U{n:07d}",
                        at=clock[0],
                    )
                )
            changes.append(change(1000 + 7 * n))
        added = change(args.members + 1)

        def old_change() -> None:
            with engine.begin() as conn:
                tracker_queue.put(conn, team_id=TEAM, row=member(5, status="Left"), now=clock[0])
            tracker._rewrite(
                engine, team_id=TEAM, now=clock[0], rebuild=False, progress=None, changed=1
            )

        change_base = timed(old_change)
        reached = [first for first, _ in changes]
        report(
            "one changed member reaches tracker.xlsx",
            statistics.median(reached),
            change_base,
            "full rewrite",
        )
        report("  slowest of them", max(reached), change_base, "full rewrite")
        report(
            "  whole cycle, median",
            statistics.median(whole for _, whole in changes),
            change_base,
            "full rewrite",
        )
        report(
            "  whole cycle, slowest (Health due)",
            max(whole for _, whole in changes),
            change_base,
            "full rewrite",
        )
        report("one new member reaches tracker.xlsx", added[0], change_base, "full rewrite")

        # ---- queueing --------------------------------------------------------------------
        count = 2000
        at = [NOW + dt.timedelta(minutes=n) for n in range(count)]

        def typed() -> None:
            with engine.begin() as conn:
                for n in range(count):
                    row = member(n, at=at[n])
                    tracker_queue.put_row(
                        conn, team_id=TEAM, sheet="Members", key=row.user_id, values=row, now=NOW
                    )

        def untyped() -> None:
            with engine.begin() as conn:
                for n in range(count):
                    last = (at[n] + dt.timedelta(seconds=30)).isoformat()
                    old_put_row(
                        conn,
                        sheet="Members",
                        key=f"U{n:07d}",
                        values={"Last active": last},
                        now=NOW,
                    )

        new_queue = timed(typed) / count
        old_queue = timed(untyped) / count
        report("put_row, per changed row", new_queue, old_queue, "old merging put_row")
        engine.dispose()


def report(what: str, porch: float, baseline: float, how: str) -> None:
    def show(seconds: float) -> str:
        return f"{seconds * 1000:,.1f} ms" if seconds < 1 else f"{seconds:,.2f} s"

    print(
        f"  {what:<42} Porch {show(porch):>10}   baseline ({how}) {show(baseline):>10}   "
        f"ratio {baseline / porch:,.1f}x"
    )


if __name__ == "__main__":
    main()
