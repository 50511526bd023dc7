"""Benchmark: the full health report (`porch report`) at 100,000 members and 2,000,000 rows.

    .venv/bin/python bench/health.py [--members 100000] [--rows 2000000] [--no-growth]
                                     [--database-url postgresql://…]

A store with `--members` members (a tenth imported at install, the rest joined over the past
year, a third of them invited by someone, 1 % gone) and `--rows` activity rows spread over the
180 days before NOW: a quarter top-level posts (three in ten of them questions), a third thread
replies, the rest reactions, from a skewed population (a few members do most of the talking,
as in real communities). Then, each in a fresh subprocess so its peak RSS is its own:

- Porch: `health_metrics.compute_with_previous`, the last 30 days and the 30 days before read
  in one pass (what `porch report` and `/porch health` print), SQL aggregates doing the work;
- baseline: the same figures in straightforward pure Python over the rows fetched from the
  store (the members, and the activity of the 60 days the two periods need).

Both print their figures; the script checks they agree and prints time, peak RSS (VmHWM: the
subprocess's own, not the builder's it was forked from) and the ratio.
With growth on (the default) it repeats at 1k and 10k members (20 rows per member each time)
to show how the cost grows. SQLite in a temp dir always; PostgreSQL too with --database-url or
TEST_DATABASE_URL (a throwaway schema). Goal: ≤ 2 s and ≤ 300 MB at 100k / 2M on each.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NOW = dt.datetime(2026, 11, 20, 18, 0, tzinfo=dt.UTC)
TEAM = "T1"
SPAN = dt.timedelta(days=180)
PERIOD = dt.timedelta(days=30)
CHANNELS = [f"C{n:03d}" for n in range(20)]
CHUNK = 100_000
FIGURES = (
    "members",
    "mau",
    "wau",
    "returning_engagers",
    "conversations",
    "replies",
    "reactions",
    "questions",
    "answered",
    "joined",
    "referred",
)


def generate_members(count: int, rng: random.Random) -> list[tuple[Any, ...]]:
    rows = []
    for i in range(count):
        if i % 10 == 0:
            joined, via = NOW - dt.timedelta(days=400), "import"
        else:
            joined, via = NOW - dt.timedelta(seconds=rng.random() * 365 * 86400), "team_join"
        inviter = f"U{rng.randrange(count):07d}" if via != "import" and i % 3 == 0 else None
        rows.append((f"U{i:07d}", joined, via, inviter, i % 100 == 99))
    return rows


def generate_activity(count: int, members: int, rng: random.Random):  # type: ignore[no-untyped-def]
    """Chunks of activity rows in time order: (channel, ts, kind, user, thread_ts, at)."""
    start = NOW - SPAN
    step = SPAN / count
    posts: list[tuple[str, str, str]] = []
    chunk: list[tuple[Any, ...]] = []
    for i in range(count):
        at = start + step * i
        user = f"U{int(members * rng.random() ** 3):07d}"
        ts = f"{int(at.timestamp())}.{i:07d}"
        roll = rng.random()
        if roll < 0.25 or not posts:
            channel = rng.choice(CHANNELS)
            kind = "question" if rng.random() < 0.3 else "message"
            chunk.append((channel, ts, kind, user, None, at))
            posts.append((channel, ts, user))
            if len(posts) > 400:
                del posts[:200]
        elif roll < 0.58:
            channel, parent, _ = posts[-1 - int(len(posts) * rng.random() ** 2)]
            chunk.append((channel, ts, "reply", user, parent, at))
        else:
            channel, parent, _ = posts[-1 - int(len(posts) * rng.random() ** 2)]
            chunk.append((channel, parent, f"r:e{i}", user, None, at))
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def build_store(url: str, schema: str | None, *, members: int, rows: int) -> None:
    from porch.core.store import connect, migrate

    engine = connect(url, schema=schema)
    migrate(engine)
    rng = random.Random(members)
    roster = generate_members(members, rng)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "sqlite":

            def stamp(at: dt.datetime) -> str:
                return at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

            cursor.executemany(
                "INSERT INTO members (team_id, user_id, joined_at, joined_via, inviter_id, "
                "is_deleted, is_guest, updated_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?)",
                [(TEAM, u, stamp(j), v, inv, int(d), stamp(NOW)) for u, j, v, inv, d in roster],
            )
            for chunk in generate_activity(rows, members, rng):
                cursor.executemany(
                    "INSERT INTO activity VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [(TEAM, c, ts, k, u, th, stamp(at)) for c, ts, k, u, th, at in chunk],
                )
            raw.commit()
            cursor.execute("ANALYZE")
        else:
            with cursor.copy(
                "COPY members (team_id, user_id, joined_at, joined_via, inviter_id, is_deleted,"
                " is_guest, updated_at) FROM STDIN"
            ) as copy:
                for u, j, v, inv, d in roster:
                    copy.write_row((TEAM, u, j, v, inv, d, False, NOW))
            for chunk in generate_activity(rows, members, rng):
                with cursor.copy(
                    "COPY activity (team_id, channel_id, message_ts, kind, user_id, thread_ts, at)"
                    " FROM STDIN"
                ) as copy:
                    for c, ts, k, u, th, at in chunk:
                        copy.write_row((TEAM, c, ts, k, u, th, at))
            raw.commit()
            cursor.execute("ANALYZE")
            raw.commit()
    finally:
        raw.close()
        engine.dispose()


def measure(mode: str, url: str, schema: str | None) -> dict[str, Any]:
    """One run in this (fresh) process: seconds, peak RSS and the figures."""
    import resource

    from porch.core.store import connect
    from porch.features.health import metrics as health_metrics
    from porch.features.registry import load_config

    config = load_config(ROOT / "community.yml")
    engine = connect(url, schema=schema)
    since = NOW - PERIOD
    usage = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    with engine.connect() as conn:
        if mode == "porch":
            current, _ = health_metrics.compute_with_previous(
                conn, team_id=TEAM, config=config, since=since, until=NOW
            )
            figures = {name: getattr(current, name) for name in FIGURES}
            figures["median_min"] = current.first_response_median_min
        else:
            figures = baseline(conn, config=config, since=since, until=NOW)
            baseline(conn, config=config, since=since - PERIOD, until=since)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime
    rss = peak_rss_mb()
    engine.dispose()
    return {"seconds": seconds, "cpu": cpu, "rss_mb": rss, "figures": figures}


def peak_rss_mb() -> float:
    """This process's peak RSS. ru_maxrss survives fork + exec on Linux (the subprocess would
    report the parent's peak, the store builder's); VmHWM belongs to this program alone."""
    import resource

    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def baseline(conn: Any, *, config: Any, since: dt.datetime, until: dt.datetime) -> dict[str, Any]:
    """The straightforward way: fetch the rows, then loop over them in Python."""
    from sqlalchemy import select

    from porch.core.store.schema import activity, members

    managers = set(config.managers.users)
    roster: dict[str, tuple[Any, ...]] = {}
    joined = referred = 0
    for row in conn.execute(select(members).where(members.c.team_id == TEAM)):
        if since <= row.joined_at < until and row.joined_via != "import":
            joined += 1
            referred += row.inviter_id is not None
        if not row.is_deleted and (row.joined_via == "import" or row.joined_at < until):
            roster[row.user_id] = row
    recent = until - dt.timedelta(days=30)
    rows = conn.execute(
        select(activity).where(
            activity.c.team_id == TEAM, activity.c.at >= min(since, recent), activity.c.at < until
        )
    ).all()
    days: dict[str, set[int]] = defaultdict(set)
    conversations = replies = reactions = 0
    questions: dict[tuple[str, str], tuple[str, dt.datetime]] = {}
    for row in rows:
        if row.user_id not in roster or row.kind == "join":
            continue
        if row.at >= recent:
            days[row.user_id].add(int((until - row.at) / dt.timedelta(days=1)))
        if row.at < since:
            continue
        if row.kind in ("message", "question") and row.user_id not in managers:
            conversations += 1
        replies += row.kind == "reply"
        reactions += row.kind.startswith("r:")
        if row.kind == "question":
            questions[(row.channel_id, row.message_ts)] = (row.user_id, row.at)
    first: dict[tuple[str, str], dt.datetime] = {}
    for row in rows:
        key = (row.channel_id, row.thread_ts)
        if row.kind == "reply" and row.at >= since and key in questions:
            asker, _ = questions[key]
            if row.user_id != asker and (key not in first or row.at < first[key]):
                first[key] = row.at
    waits = sorted((at - questions[key][1]).total_seconds() for key, at in first.items())
    return {
        "members": len(roster),
        "mau": len(days),
        "wau": sum(1 for seen in days.values() if min(seen) < 7),
        "returning_engagers": sum(1 for seen in days.values() if len(seen) >= 2),
        "conversations": conversations,
        "replies": replies,
        "reactions": reactions,
        "questions": len(questions),
        "answered": len(waits),
        "joined": joined,
        "referred": referred,
        "median_min": round(statistics.median(waits) / 60, 1) if waits else None,
    }


def run_measure(mode: str, url: str, schema: str | None) -> dict[str, Any]:
    command = [sys.executable, __file__, "--measure", mode, "--database-url", url]
    if schema:
        command += ["--schema", schema]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def bench(url: str, schema: str | None, *, members: int, rows: int) -> dict[str, Any]:
    started = time.perf_counter()
    build_store(url, schema, members=members, rows=rows)
    built = time.perf_counter() - started
    porch = run_measure("porch", url, schema)
    base = run_measure("baseline", url, schema)
    agree = porch["figures"] == base["figures"]
    if not agree:
        print(f"  figures differ:\n    porch    {porch['figures']}\n    baseline {base['figures']}")
    return {
        "members": members,
        "rows": rows,
        "built": built,
        "porch": porch,
        "base": base,
        "agree": agree,
    }


def _pg_schema(url: str) -> str:
    from sqlalchemy import create_engine, text

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    return schema


def _drop_pg_schema(url: str, schema: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--no-growth", action="store_true")
    parser.add_argument("--database-url", default=os.environ.get("TEST_DATABASE_URL"))
    parser.add_argument("--measure", choices=("porch", "baseline"))
    parser.add_argument("--schema")
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.database_url, args.schema)))
        return
    sizes = [(args.members, args.rows)]
    if not args.no_growth:
        per = args.rows / args.members
        sizes = [(m, math.ceil(m * per)) for m in (1_000, 10_000) if m < args.members] + sizes
    results: list[tuple[str, dict[str, Any]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for members, rows in sizes:
            url = f"sqlite:///{Path(tmp) / f'health_{members}.db'}"
            results.append(("SQLite", bench(url, None, members=members, rows=rows)))
    if args.database_url:
        for members, rows in sizes:
            schema = _pg_schema(args.database_url)
            try:
                result = bench(args.database_url, schema, members=members, rows=rows)
            finally:
                _drop_pg_schema(args.database_url, schema)
            results.append(("PostgreSQL", result))
    report(results)


def report(results: list[tuple[str, dict[str, Any]]]) -> None:
    out = io.StringIO()
    header = (
        f"{'store':<11}{'members':>9}{'rows':>11}{'porch s':>9}{'cpu s':>7}{'porch MB':>10}"
        f"{'baseline s':>12}{'baseline MB':>13}{'speed-up':>10}  figures"
    )
    print(header, file=out)
    print("-" * len(header), file=out)
    for store, r in results:
        porch, base = r["porch"], r["base"]
        print(
            f"{store:<11}{r['members']:>9,}{r['rows']:>11,}{porch['seconds']:>9.2f}{porch['cpu']:>7.2f}"
            f"{porch['rss_mb']:>10.0f}{base['seconds']:>12.2f}{base['rss_mb']:>13.0f}"
            f"{base['seconds'] / porch['seconds']:>9.1f}x  {'agree' if r['agree'] else 'DIFFER'}",
            file=out,
        )
    print(out.getvalue(), end="")
    print(
        "Each time is the full report (what `porch report` prints): the last 30 days and the 30"
        " days before. cpu s: the report process's CPU time (the database's too on SQLite)."
    )


if __name__ == "__main__":
    main()
