"""Drain throughput: do two worker processes get through a backlog faster than one?

Issue 19: replicas sharing one PostgreSQL store should share the work, not wait on each other.
The bench fills the inbox of a fresh store with N events from several workspaces (the mix of
bench/inbox_drain.py for each: 70 % messages, a third of them thread replies, 20 % reactions,
10 % joins, from communities that already have members), interleaved as they would arrive. Then
it starts worker processes, each running the production inbox processor and effect worker
(alternately, in one loop) against the fake Slack Web API through the real slack_sdk client,
and times them from the moment they all start until the inbox is empty and every effect due has
been delivered. The same backlog is drained by 1 worker process, then by 2 (a fresh store each
time), in the same run: the figure is events per second of each, and the ratio (goal: 2 workers
>= 1.6x one).

Only PostgreSQL: SQLite has one writer at a time, so a second process cannot help there.

Run: `python bench/drain_throughput.py --database-url postgresql://...` (or with
TEST_DATABASE_URL set), `--events N` (default 4,000), `--workspaces W` (default 4), `--workers
1,2`, `--repeat R` (default 2: runs interleaved, the best of each counts, since other work on
the machine only ever slows a run down). A throwaway schema is created and dropped for each
run. Exits 1 if an event was not processed exactly once or an effect was left undelivered.
"""

from __future__ import annotations

import argparse
import dataclasses
import multiprocessing
import os
import sys
import time
import uuid
from multiprocessing.synchronize import Event as EventType
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, func, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from inbox_drain import START, make_events

from porch.core import channel_directory, effect_queue, inbox
from porch.core.clock import SystemClock
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
from porch.core.store.schema import effects, inbox_events, workspaces
from porch.features.registry import build_features, load_config, templates
from porch.runtime.inbox_processor import InboxProcessor
from porch.runtime.slack_client import web_client
from porch.runtime.worker import EffectWorker
from porch.sandbox.slack_api import FakeSlack

ROOT = Path(__file__).resolve().parents[1]


@dataclasses.dataclass(frozen=True)
class Community:
    """One workspace of the backlog: its members and its events in arrival order."""

    team_id: str
    members: list[str]
    newcomers: list[str]
    events: list[DomainEvent]


def communities(
    config: Config, fake: FakeSlack, *, count: int, events: int, members: int
) -> list[Community]:
    """`count` workspaces, each with inbox_drain's mix, its own user IDs and the fake's channels.

    The fake holds each top-level post in the introductions channel, with the ts it gave it,
    since Porch reacts to introductions (reactions.add on a message Slack does not have fails).
    """
    names = sorted(set(config.channels.model_dump().values()))
    channel_ids = {name: fake.channel_id(name) for name in names}
    introductions = channel_ids[config.channels.introductions]
    channel_of = {f"C{i:08d}": channel_ids[name] for i, name in enumerate(names)}
    built = []
    for n in range(count):
        team = f"T0BENCH{n:03d}"

        def user(bench_id: str, n: int = n) -> str:
            # inbox_drain's U00000042 / W00000007, made unique per workspace.
            return f"{bench_id[0]}{n:02d}{bench_id[1:]}"

        mapped: list[DomainEvent] = []
        for event in make_events(config, count=events // count, members=members, seed=7 + n):
            if isinstance(event, TeamJoined):
                mapped.append(
                    TeamJoined(dataclasses.replace(event.user, user_id=user(event.user.user_id)))
                )
            elif (
                isinstance(event, MessagePosted)
                and channel_of[event.channel_id] == introductions
                and event.thread_ts is None
            ):
                posted = fake.add_message(introductions, user=user(event.user_id), text=event.text)
                mapped.append(
                    dataclasses.replace(
                        event, user_id=user(event.user_id), channel_id=introductions, ts=posted
                    )
                )
            elif isinstance(event, MessagePosted | ReactionChanged | ChannelJoined):
                mapped.append(
                    dataclasses.replace(
                        event, user_id=user(event.user_id), channel_id=channel_of[event.channel_id]
                    )
                )
            else:
                raise TypeError(f"no mapping for {type(event).__name__}")
        newcomers = [e.user.user_id for e in mapped if isinstance(e, TeamJoined)]
        built.append(
            Community(
                team_id=team,
                members=[user(f"U{i:08d}") for i in range(members)],
                newcomers=newcomers,
                events=mapped,
            )
        )
    return built


def fresh_schema(url: str) -> tuple[str, Engine]:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    return schema, admin


def prepare(
    engine: Engine, config: Config, places: list[Community], *, channel_ids: dict[str, str]
) -> None:
    """The stores of the workspaces as after install and import, then the backlog."""
    migrate(engine)
    features = build_features(config=config, templates=templates())
    now = SystemClock().now()
    with engine.begin() as conn:
        for place in places:
            conn.execute(
                workspaces.insert().values(
                    team_id=place.team_id,
                    name=place.team_id,
                    bot_user_id="U0PORCHBOT",
                    installed_at=START,
                    url=None,
                )
            )
            channel_directory.remember(conn, team_id=place.team_id, ids_by_name=channel_ids)
            users = [Newcomer(u, u.lower(), "", None, False, False, False) for u in place.members]
            features.reconcile_members(
                conn, team_id=place.team_id, users=users, now=START, welcome=False
            )
    # Interleaved as the workspaces' events would arrive: one of each in turn.
    arrivals = [
        (place.team_id, n, place.events[n])
        for n in range(max(len(p.events) for p in places))
        for place in places
        if n < len(place.events)
    ]
    with engine.begin() as conn:
        for team_id, n, event in arrivals:
            inbox.accept(conn, team_id=team_id, event_id=f"Ev{n:08d}", event=event, now=now)


def work(
    url: str, schema: str, api_url: str, token: str, ready: Any, go: EventType, out: Any
) -> None:
    """One worker process: the inbox processor and the effect worker until nothing is left."""
    engine = connect(url, schema=schema)
    config = load_config(ROOT / "community.yml")
    features = build_features(config=config, templates=templates())
    clock = SystemClock()
    processor = InboxProcessor(engine=engine, features=features, clock=clock)
    worker = EffectWorker(
        engine=engine,
        client=web_client(token=token, base_url=api_url, for_effects=True),
        features=features,
        clock=clock,
    )
    with engine.begin() as conn:  # connect before the clock starts
        conn.execute(select(1))
    ready.put(os.getpid())
    go.wait()
    cpu = time.process_time()
    # Wall seconds in each part, to tell where the time went.
    spent = {"inbox": 0.0, "effects": 0.0}
    while True:
        started = time.perf_counter()
        events = processor.run_once()
        between = time.perf_counter()
        delivered = worker.run_once()
        spent["inbox"] += between - started
        spent["effects"] += time.perf_counter() - between
        if events + delivered:
            continue
        if nothing_left(engine):
            break
        time.sleep(0.005)
    out.put((processor.processed, worker.stats.delivered, time.process_time() - cpu, spent))
    engine.dispose()


def nothing_left(engine: Engine) -> bool:
    """The inbox is empty and no effect is due (retries backing off are not waited for)."""
    with engine.begin() as conn:
        if inbox.pending(conn, limit=1):
            return False
        now = SystemClock().now()
        due = conn.execute(
            select(func.count()).where(
                effects.c.status == effect_queue.PENDING, effects.c.not_before <= now
            )
        ).scalar_one()
    return due == 0


def drain(
    url: str, config: Config, places: list[Community], fake: FakeSlack, *, workers: int
) -> dict[str, Any]:
    schema, admin = fresh_schema(url)
    engine = connect(url, schema=schema)
    try:
        channel_ids = {name: fake.channel_id(name) for name in config.channel_names()}
        prepare(engine, config, places, channel_ids=channel_ids)
        context = multiprocessing.get_context("spawn")
        ready, out, go = context.Queue(), context.Queue(), context.Event()
        processes = [
            context.Process(
                target=work, args=(url, schema, fake.api_url, fake.bot_token, ready, go, out)
            )
            for _ in range(workers)
        ]
        for process in processes:
            process.start()
        for _ in processes:
            ready.get(timeout=300)
        started = time.perf_counter()
        go.set()
        results = [out.get(timeout=3600) for _ in processes]
        seconds = time.perf_counter() - started
        for process in processes:
            process.join()
        with engine.begin() as conn:
            statuses = dict(
                conn.execute(
                    select(inbox_events.c.status, func.count()).group_by(inbox_events.c.status)
                ).all()
            )
            effect_statuses = dict(
                conn.execute(
                    select(effects.c.status, func.count()).group_by(effects.c.status)
                ).all()
            )
        return {
            "seconds": seconds,
            "processed": [r[0] for r in results],
            "delivered": [r[1] for r in results],
            "cpu": sum(r[2] for r in results),
            "spent": [r[3] for r in results],
            "statuses": statuses,
            "effects": effect_statuses,
        }
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=4_000)
    parser.add_argument("--workspaces", type=int, default=4)
    parser.add_argument("--members", type=int, default=500, help="per workspace")
    parser.add_argument("--workers", default="1,2", help="worker process counts to compare")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each, best counts")
    parser.add_argument("--database-url", default=os.environ.get("TEST_DATABASE_URL"))
    args = parser.parse_args()
    if not args.database_url or not args.database_url.startswith("postgresql"):
        print("needs PostgreSQL: --database-url postgresql://... or TEST_DATABASE_URL")
        return 2
    config = load_config(ROOT / "community.yml")
    counts = [int(n) for n in args.workers.split(",")]
    failed = False
    runs: dict[int, list[dict[str, Any]]] = {workers: [] for workers in counts}
    with FakeSlack(team_name=config.community.name) as fake:
        for name in sorted(config.channel_names()):
            fake.add_channel(name)
        places = communities(
            config, fake, count=args.workspaces, events=args.events, members=args.members
        )
        for place in places:
            for user_id in [*place.members, *place.newcomers]:
                fake.add_user(user_id, name=user_id.lower())
        total = sum(len(p.events) for p in places)
        # Interleaved (1, 2, 1, 2, ...), so a change in what else the machine runs falls on both.
        for _ in range(args.repeat):
            for workers in counts:
                result = drain(args.database_url, config, places, fake, workers=workers)
                runs[workers].append(result)
                if result["statuses"] != {inbox.DONE: total} or sum(result["processed"]) != total:
                    print(f"  {workers} worker(s): events not handled once: {result['statuses']}")
                    failed = True
                if result["effects"].get(effect_queue.PENDING):
                    print(f"  {workers} worker(s): effects left: {result['effects']}")
                    failed = True
    # The store, the fake Slack and the workers share this machine's CPUs: the load says how
    # much else was running (a second worker cannot help on a machine with no core to spare).
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(
        f"drain throughput, {total:,} events from {args.workspaces} workspaces on PostgreSQL"
        f" ({args.members:,} members each), {os.cpu_count()} CPUs, load average {load}"
    )
    best: dict[int, float] = {}
    for workers, results in runs.items():
        best[workers] = min(r["seconds"] for r in results)
        times = ", ".join(f"{r['seconds']:.2f}" for r in results)
        print(
            f"  {workers} worker process(es)  best {best[workers]:7.2f} s"
            f"  {total / best[workers]:7,.0f} events/s  (runs: {times} s)"
        )
        for result in results:
            spent = "; ".join(
                f"{s['inbox']:.1f} s inbox, {s['effects']:.1f} s effects" for s in result["spent"]
            )
            print(
                f"      events per process {result['processed']}, effects delivered"
                f" {sum(result['delivered'])}, client CPU {result['cpu']:.1f} s ({spent})"
            )
    if 1 in best:
        for workers, seconds in best.items():
            if workers != 1:
                ratio = best[1] / seconds
                print(f"  {workers} workers vs 1 (best of each): {ratio:.2f}x (goal: >= 1.6x)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
