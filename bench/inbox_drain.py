"""Inbox drain: how many stored events per second the features get through.

The edge only stores events; the inbox processor hands them to the features in batches, one
transaction per batch. This bench fills the inbox with the issue's mix (70 % messages, a third
of them thread replies, 20 % reactions, 10 % joins) from a community that already has members,
then times the production processor draining it (`InboxProcessor.drain`), and, in the same run on
a fresh store with the same events, the baseline: the same processor taking one event per
transaction, which is what handling each event inside its own request amounted to.

Run: `python bench/inbox_drain.py` (5,000 events, SQLite in a temp dir), `--events N`, or
`--database-url postgresql://...` (a throwaway schema is created and dropped). The goal in the
issue: the inbox drained at >= 1,000 events/s on SQLite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import Engine, create_engine, func, select, text

from porch.core import channel_directory, inbox
from porch.core.clock import ManualClock
from porch.core.config import Config
from porch.core.domain_events import (
    ChannelJoined,
    DomainEvent,
    MessagePosted,
    Newcomer,
    ReactionChanged,
    TeamJoined,
)
from porch.core.store import connect, migrate
from porch.core.store.schema import inbox_events, workspaces
from porch.features.registry import build_features, load_config, templates
from porch.runtime.inbox_processor import InboxProcessor

ROOT = Path(__file__).resolve().parents[1]
TEAM = "T0BENCH"
START = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def make_events(config: Config, *, count: int, members: int, seed: int = 7) -> list[DomainEvent]:
    rng = random.Random(seed)
    channel_names = sorted(set(config.channels.model_dump().values()))
    channel_ids = [f"C{i:08d}" for i in range(len(channel_names))]
    posted: list[tuple[str, str]] = []
    events: list[DomainEvent] = []
    joined = 0
    for n in range(count):
        roll = rng.random()
        user = f"U{rng.randrange(members):08d}"
        ts = f"{1_700_000_000 + n}.{n % 1_000_000:06d}"
        if roll < 0.70:
            channel = rng.choice(channel_ids)
            thread = rng.choice(posted)[1] if posted and rng.random() < 1 / 3 else None
            events.append(MessagePosted(user, channel, ts, thread, f"message {n}"))
            if thread is None:
                posted.append((channel, ts))
        elif roll < 0.90 and posted:
            channel, item = rng.choice(posted)
            events.append(ReactionChanged(user, channel, item, rng.choice(["tada", "bulb"]), True))
        else:
            joined += 1
            newcomer = f"W{joined:08d}"
            events.append(TeamJoined(Newcomer(newcomer, f"new{joined}", "", None, *[False] * 3)))
            events.append(ChannelJoined(newcomer, channel_ids[0]))
    return events[:count]


def prepare(engine: Engine, config: Config, *, members: int) -> None:
    migrate(engine)
    names = sorted(set(config.channels.model_dump().values()))
    with engine.begin() as conn:
        conn.execute(
            workspaces.insert().values(
                team_id=TEAM, name="Bench", bot_user_id="U0BOT", installed_at=START, url=None
            )
        )
        channel_directory.remember(
            conn, team_id=TEAM, ids_by_name={name: f"C{i:08d}" for i, name in enumerate(names)}
        )
    features = build_features(config=config, templates=templates())
    users = [
        Newcomer(f"U{i:08d}", f"member{i}", "", None, False, False, False) for i in range(members)
    ]
    with engine.begin() as conn:
        # As `porch members import` records them: no welcome.
        features.reconcile_members(conn, team_id=TEAM, users=users, now=START, welcome=False)


def drain(
    engine: Engine, config: Config, events: list[DomainEvent], *, batch: int
) -> tuple[float, float]:
    """(wall seconds, CPU seconds) to process `events` from a filled inbox."""
    clock = ManualClock(START + dt.timedelta(hours=1))
    with engine.begin() as conn:
        for n, event in enumerate(events):
            inbox.accept(conn, team_id=TEAM, event_id=f"Ev{n:08d}", event=event, now=clock.now())
    processor = InboxProcessor(
        engine=engine,
        features=build_features(config=config, templates=templates()),
        clock=clock,
        batch=batch,
    )
    started, cpu_started = time.perf_counter(), time.process_time()
    processed = processor.drain()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    with engine.connect() as conn:
        left = conn.execute(
            select(func.count()).where(inbox_events.c.status != inbox.DONE)
        ).scalar_one()
    if processed != len(events) or left:
        sys.exit(f"drained {processed} of {len(events)}; {left} not done")
    return seconds, cpu


def fresh_engine(url: str | None, folder: Path, name: str) -> tuple[Engine, callable]:  # type: ignore[valid-type]
    if not url:
        engine = connect(f"sqlite:///{folder / name}.db")
        return engine, engine.dispose
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = connect(url, schema=schema)

    def drop() -> None:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return engine, drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=5_000)
    parser.add_argument("--members", type=int, default=2_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    config = load_config(ROOT / "community.yml")
    events = make_events(config, count=args.events, members=args.members)
    results: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for label, batch in (("batched (Porch)", 200), ("one per transaction", 1)):
            engine, close = fresh_engine(args.database_url, Path(folder), label.split()[0])
            try:
                prepare(engine, config, members=args.members)
                results[label] = drain(engine, config, events, batch=batch)
            finally:
                close()
    store = "PostgreSQL" if args.database_url else "SQLite"
    print(f"inbox drain, {len(events):,} events on {store} ({args.members:,} members)")
    # CPU time is reported too: on a busy machine it says what the work costs, where wall time
    # also counts what other processes took.
    for label, (seconds, cpu) in results.items():
        rate = len(events) / seconds
        print(
            f"  {label:<22} {seconds:7.2f} s  {rate:8,.0f} events/s"
            f"  CPU {1e3 * cpu / len(events):5.2f} ms/event ({len(events) / cpu:,.0f} events/CPU-s)"
        )
    batched, single = results["batched (Porch)"][0], results["one per transaction"][0]
    print(f"  speed-up: {single / batched:.2f}x (goal: >= 1,000 events/s batched)")


if __name__ == "__main__":
    main()
