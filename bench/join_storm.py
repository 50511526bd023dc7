"""Join storm: hundreds of members join within a minute while Slack rate-limits Porch.

The issue's promise: 500 joins inside a minute, against a Web API that answers 429 with
Retry-After, and every member is welcomed exactly once, with at most 2 Web API calls per welcomed
member, and the last welcome lands within 1.1x of the earliest moment the rate limits allow.

Everything on the delivery path is the production one: signed `team_join` events go over HTTP
to Porch's real Bolt endpoint (from a few sender threads, spread evenly over the storm), the
edge stores each in the inbox, the inbox processor records the welcome, and the effect worker
runs in its own thread, woken on each commit, calling the fake Slack Web API through the real
slack_sdk client (which retries nothing: a 429 pauses that kind of effect). The clock runs in
real time from a Monday morning, as SystemClock would, so back-offs and leases come due as in
production.

What the limits model. Slack counts calls per method and workspace in one-minute windows. The
defaults keep Slack's *rates* but shorten the windows to 10 s, so that a Retry-After lasts at most
10 s and the bench a few minutes. Every window boundary costs a client that sleeps out 429s some
time, so short windows are the harsher test, not a kinder one.

- chat.postMessage (the welcome DM): Slack allows about one message a second per channel, which
  a DM storm never hits (every DM is its own channel), and "several hundred messages per minute"
  per workspace. 50 per 10 s is 300 a minute, the low end of that ceiling and below the storm's
  500 a minute, so the limit binds: 500 welcomes need at least 90-100 s.
- views.publish (the App Home view): Tier 4, "100+ per minute"; 17 per 10 s is 102 a minute.
  Porch now publishes App Home only when a member opens the tab (and afterwards on changes), so
  a storm of newcomers who have not opened it makes no views.publish calls; the limit is kept
  so that any that are made are limited as Slack would.

The floor is the earliest moment the last welcome could be accepted, given when each join arrived
and the chat.postMessage windows: a perfect client that posts each welcome the instant its join
arrives, in arrival order (`FakeSlack.rate_limit_floor` over the join send times). The floor over
the worker's own first attempts would hide a worker that starts late, so it is only a diagnostic.
Drain time runs from the first join sent to the last welcome accepted; the goal is
drain / floor <= 1.1.

"Calls per welcomed member" counts every request Porch made during the storm, 429s included. The
goal (<= 2) is about the calls a welcome needs: chat.postMessage, plus the history look-ups of a
recovered post had there been any. App Home publishes are counted and shown separately.

Run: `python bench/join_storm.py` (500 joins over 60 s, SQLite in a temp dir), or e.g.
`--joins 100 --seconds 10` for a quick look, `--database-url postgresql://...` for PostgreSQL
(a throwaway schema is created and dropped). Exits 1 if a member was not welcomed exactly once.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import logging
import math
import os
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, func, select, text

from porch.core.clock import ManualClock
from porch.core.effect_queue import PENDING
from porch.core.store import connect, migrate
from porch.core.store.schema import effects
from porch.features.registry import load_config
from porch.sandbox import slack_requests as slack
from porch.sandbox.slack_api import Call, FakeSlack, fixed_window_floor
from porch.sandbox.workspace import SIGNING_SECRET, SandboxWorkspace

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_CONFIG = ROOT / "community.yml"
# A Monday, 10:00 in Berlin (as in tests/conftest.py): inside waking hours.
MONDAY_MORNING = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
POST, HOME = "chat.postMessage", "views.publish"
# Methods a welcome needs: the DM, and the look-ups of a retried post (porch/runtime/worker.py).
WELCOME_METHODS = {POST, "conversations.open", "conversations.history"}
SENDERS = 4


class RunningClock(ManualClock):
    """Real time from a chosen start: production's SystemClock, moved to a Monday morning.

    The workspace's ManualClock stands still, so a retry back-off or an expired lease would never
    come due; the worker must see time pass as it does in production.
    """

    def __init__(self, start: dt.datetime) -> None:
        super().__init__(start)
        self._origin = time.monotonic()

    def now(self) -> dt.datetime:
        return super().now() + dt.timedelta(seconds=time.monotonic() - self._origin)


@dataclass(frozen=True)
class Join:
    user_id: str
    sent: float
    """Epoch seconds when the signed event left the sender."""
    acked: float
    status: int


@dataclass(frozen=True)
class Limits:
    post: int
    home: int
    window: float


# ---- the storm -------------------------------------------------------------------------------


@contextmanager
def fresh_store(database_url: str | None, workdir: Path) -> Iterator[Engine]:
    """A migrated, empty store: SQLite in `workdir`, or a throwaway PostgreSQL schema."""
    if not database_url:
        engine = connect(f"sqlite:///{workdir / 'porch.db'}")
        try:
            migrate(engine)
            yield engine
        finally:
            engine.dispose()
        return
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = connect(database_url, schema=schema)
    try:
        migrate(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def send_storm(workspace: SandboxWorkspace, user_ids: list[str], *, seconds: float) -> list[Join]:
    """One signed team_join per member, evenly spread over `seconds`, from SENDERS threads.

    Sends are scheduled on absolute times, so a slow answer delays only its own sender and the
    storm keeps its shape. Each thread has its own HTTP session (sessions are not thread-safe).
    """
    url = f"{workspace.url}/slack/events"
    spacing = seconds / (len(user_ids) - 1) if len(user_ids) > 1 else 0.0
    start = time.monotonic() + 0.2
    joins: list[Join] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def sender(lane: int) -> None:
        with slack.SlackSender(url=url, signing_secret=SIGNING_SECRET) as client:
            for index in range(lane, len(user_ids), SENDERS):
                delay = start + index * spacing - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                envelope = slack.event_callback(
                    team_id=workspace.fake.team_id,
                    event=slack.team_join(workspace.fake.user(user_ids[index])),
                )
                sent = time.time()
                try:
                    response = client.event(envelope)
                except Exception as exc:
                    with lock:
                        failures.append(exc)
                    continue
                with lock:
                    joins.append(Join(user_ids[index], sent, time.time(), response.status_code))

    threads = [threading.Thread(target=sender, args=(lane,)) for lane in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(f"{len(failures)} joins could not be sent: {failures[0]!r}")
    return sorted(joins, key=lambda j: j.sent)


def wait_until(condition: Callable[[], bool], *, timeout: float, poll: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(poll)
    return condition()


def accepted_welcomes(fake: FakeSlack, joiners: set[str]) -> dict[str, list[Call]]:
    """Welcome DMs Slack accepted, by member (Porch posts a DM with channel=<user id>)."""
    out: dict[str, list[Call]] = defaultdict(list)
    for call in fake.calls(POST):
        if call.ok and call.params.get("channel") in joiners:
            out[call.params["channel"]].append(call)
    return out


def pending_effects(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(
            select(func.count()).select_from(effects).where(effects.c.status == PENDING)
        ).scalar_one()


def effect_statuses(engine: Engine, prefix: str) -> dict[str, int]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(effects.c.status, func.count())
            .where(effects.c.effect_key.like(prefix + "%"))
            .group_by(effects.c.status)
        ).all()
    return {status: count for status, count in rows}


# ---- analysis --------------------------------------------------------------------------------


def lost_capacity(
    accepted: list[float], joins: list[float], *, limit: int, window: float
) -> tuple[int, int]:
    """Windows that closed with welcomes still waiting and slots unused, and the slots lost.

    The floor's perfect client fills every window while a join is waiting, so each unused slot
    in such a window is capacity Porch left on the table (window / limit seconds of drain each).
    """
    if not accepted:
        return 0, 0
    used = Counter(math.floor(t / window) for t in accepted)
    windows = slots = 0
    for w in range(math.floor(min(joins) / window), math.floor(max(accepted) / window) + 1):
        end = (w + 1) * window
        waiting = sum(1 for t in joins if t < end) - sum(1 for t in accepted if t < end)
        if waiting > 0 and used[w] < limit:
            windows += 1
            slots += min(limit - used[w], waiting)
    return windows, slots


def window_usage(calls: list[Call], *, method: str, window: float, start: float) -> str:
    """Accepted calls per window, in order, from the window holding `start` (compact)."""
    used = Counter(math.floor(c.time / window) for c in calls if c.method == method and c.ok)
    if not used:
        return "-"
    counts = [used[w] for w in range(math.floor(start / window), max(used) + 1)]
    shown = " ".join(str(n) for n in counts[:40])
    return shown + (f" ... ({len(counts)} windows)" if len(counts) > 40 else "")


def gaps_after_429(calls: list[Call], *, method: str, window: float) -> tuple[float, float]:
    """Seconds from each 429 of `method` to Porch's next call, summed, and the part of that after
    the window had reopened (Retry-After is rounded up to whole seconds, and slack_sdk adds up to
    a second of jitter). With one worker thread that sleeps out 429s, these are its naps."""
    gap = late = 0.0
    for previous, following in itertools.pairwise(sorted(calls, key=lambda c: c.time)):
        if previous.method != method or previous.status != 429:
            continue
        gap += following.time - previous.time
        reopened = (math.floor(previous.time / window) + 1) * window
        late += max(0.0, following.time - reopened)
    return gap, late


def percentile(values: list[float], q: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


# ---- main ------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    limits = Limits(post=args.limit, home=args.home_limit, window=args.window)
    config = load_config(EXAMPLE_CONFIG)
    user_ids = [f"U0STORM{i:05d}" for i in range(args.joins)]
    previous_cwd = Path.cwd()
    with tempfile.TemporaryDirectory(prefix="porch-join-storm-") as tmp:
        # Porch may write files (a local tracker folder) relative to the working directory.
        os.chdir(tmp)
        try:
            with fresh_store(args.database_url, Path(tmp)) as engine:
                workspace = SandboxWorkspace(
                    config=config, engine=engine, start=MONDAY_MORNING, config_path=EXAMPLE_CONFIG
                )
                workspace.clock = RunningClock(MONDAY_MORNING)
                workspace.start()
                try:
                    return storm(workspace, args, limits, user_ids)
                finally:
                    # Lift the limits first, or stopping waits for the worker's Retry-After naps.
                    workspace.fake.clear_rate_limit(POST)
                    workspace.fake.clear_rate_limit(HOME)
                    workspace.runtime.inbox.stop()
                    workspace.runtime.worker.stop()
                    workspace.stop()
        finally:
            os.chdir(previous_cwd)


def storm(
    workspace: SandboxWorkspace, args: argparse.Namespace, limits: Limits, user_ids: list[str]
) -> int:
    fake, engine = workspace.fake, workspace.engine
    joiners = set(user_ids)
    for number, user_id in enumerate(user_ids):
        workspace.add_user(user_id, f"member{number}", f"Member {number}")
    fake.set_rate_limit(POST, limit=limits.post, window_seconds=limits.window)
    fake.set_rate_limit(HOME, limit=limits.home, window_seconds=limits.window)
    fake.reset_calls()  # start-up calls (auth.test, conversations.list) are not the storm's
    # As in `porch serve`: the edge stores each join, the inbox processor and the worker act.
    workspace.runtime.inbox.start()
    workspace.runtime.worker.start()

    print(
        f"join storm: {len(user_ids)} joins over {args.seconds:g} s, {SENDERS} senders; limits "
        f"{POST} {limits.post}/{limits.window:g} s, {HOME} {limits.home}/{limits.window:g} s; "
        f"store {engine.dialect.name}",
        flush=True,
    )
    joins = send_storm(workspace, user_ids, seconds=args.seconds)
    first_join = joins[0].sent
    print(f"  joins sent in {joins[-1].sent - first_join:.1f} s; waiting for welcomes", flush=True)
    all_welcomed = wait_until(
        lambda: len(accepted_welcomes(fake, joiners)) >= len(joiners),
        timeout=args.timeout,
        poll=0.2,
    )
    print("  welcomes done; waiting for the App Home publishes to drain", flush=True)
    # The full cost of a join includes the App Home publishes still queued after its welcome.
    settled = wait_until(lambda: pending_effects(engine) == 0, timeout=args.timeout, poll=0.5)
    settled_at = time.time()

    calls = [c for c in fake.calls() if c.time >= first_join]
    welcomes = accepted_welcomes(fake, joiners)
    dm_counts = {u: len(fake.dm_messages(u)) for u in user_ids}
    welcomed = sum(1 for n in dm_counts.values() if n >= 1)
    twice = sum(1 for n in dm_counts.values() if n > 1)
    duplicates = sum(n - 1 for n in dm_counts.values() if n > 1)
    bad_acks = [j for j in joins if j.status != 200]

    by_method: dict[str, Counter[str]] = defaultdict(Counter)
    for call in calls:
        outcome = "429" if call.status == 429 else ("ok" if call.ok else "error")
        by_method[call.method][outcome] += 1
        by_method[call.method]["all"] += 1

    def per_member(n: int) -> float:
        return n / welcomed if welcomed else math.nan

    welcome_calls = sum(by_method[m]["all"] for m in WELCOME_METHODS if m in by_method)
    limited = sum(c["429"] for c in by_method.values())

    join_times = [j.sent for j in joins]
    accepted = sorted(min(c.time for c in cs) for cs in welcomes.values())
    last_welcome = accepted[-1] if accepted else math.nan
    drain = last_welcome - first_join
    floor = fake.rate_limit_floor(POST, arrivals=join_times) - first_join
    ratio = drain / floor if floor > 0 else math.nan
    first_attempts = [
        min(c.time for c in calls if c.method == POST and c.params.get("channel") == user)
        for user in welcomes
    ]
    attempt_floor = (
        fixed_window_floor(first_attempts, limit=limits.post, window_seconds=limits.window)
        - first_join
    )
    latency = [
        min(c.time for c in welcomes[j.user_id]) - j.sent for j in joins if j.user_id in welcomes
    ]
    lost_windows, lost_slots = lost_capacity(
        accepted, join_times, limit=limits.post, window=limits.window
    )
    post_gap, post_late = gaps_after_429(calls, method=POST, window=limits.window)
    home_gap, home_late = gaps_after_429(calls, method=HOME, window=limits.window)
    homes_before_last = sum(1 for c in calls if c.method == HOME and c.time <= last_welcome)
    ack_ms = [(j.acked - j.sent) * 1000 for j in joins]
    stats = workspace.runtime.worker.stats

    print()
    print(
        f"joins                  {len(joins)}  (answered non-200: {len(bad_acks)}; ack p50/p95/"
        f"max {percentile(ack_ms, 0.5):.0f}/{percentile(ack_ms, 0.95):.0f}/{max(ack_ms):.0f} ms)"
    )
    print(f"welcomed               {welcomed}{'' if all_welcomed else '  (TIMED OUT)'}")
    print(f"duplicates             {duplicates}  (members with two or more welcome DMs: {twice})")
    print(
        f"effects in the store   welcome {effect_statuses(engine, 'welcome:')}, App Home "
        f"{effect_statuses(engine, 'home:')}{'' if settled else ' (TIMED OUT)'}"
    )
    print(f"Web API calls          {len(calls)}, of which {limited} answered 429")
    for method in sorted(by_method):
        counts = by_method[method]
        print(
            f"  {method:<20} {counts['all']:>5}  (ok {counts['ok']}, 429 {counts['429']}, "
            f"error {counts['error']})  {per_member(counts['all']):.2f} / member"
        )
    print(
        f"calls / welcomed member  welcome ({', '.join(sorted(WELCOME_METHODS))}) "
        f"{per_member(welcome_calls):.2f}  goal <= 2: {verdict(per_member(welcome_calls) <= 2)}"
    )
    print(f"                         all methods {per_member(len(calls)):.2f}")
    print(
        f"welcome latency        p50 {percentile(latency, 0.5):.1f} s, p95 "
        f"{percentile(latency, 0.95):.1f} s, max {max(latency, default=math.nan):.1f} s"
    )
    print(f"drain time             {drain:.1f} s  (first join -> last welcome accepted)")
    print(
        f"floor                  {floor:.1f} s  ({POST} {limits.post}/{limits.window:g} s "
        f"over the join arrival times)"
    )
    print(f"drain / floor          {ratio:.3f}  goal <= 1.1: {verdict(ratio <= 1.1)}")
    print("diagnostics")
    print(f"  floor over the worker's first {POST} attempts: {attempt_floor:.1f} s")
    print(
        f"  {POST} windows left part-empty while welcomes waited: {lost_windows} "
        f"({lost_slots} slots = {lost_slots * limits.window / limits.post:.1f} s of drain)"
    )
    for method in (POST, HOME):
        usage = window_usage(calls, method=method, window=limits.window, start=first_join)
        print(f"  {method} accepted per window: {usage}")
    print(
        f"  from a 429 to the next call: {POST} {post_gap:.1f} s ({post_late:.1f} s after "
        f"the window reopened), {HOME} {home_gap:.1f} s ({home_late:.1f} s after)"
    )
    print(
        f"  {HOME} calls before the last welcome: {homes_before_last}; every effect "
        f"done {settled_at - first_join:.1f} s after the first join"
    )
    print(
        f"  worker: delivered {stats.delivered}, failed {stats.failed}, recovered {stats.recovered}"
    )
    exactly_once = all_welcomed and welcomed == len(user_ids) and duplicates == 0
    return 0 if exactly_once and not bad_acks else 1


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--joins", type=int, default=500, help="members joining (500)")
    parser.add_argument("--seconds", type=float, default=60.0, help="storm length in s (60)")
    parser.add_argument(
        "--limit", type=int, default=50, help=f"{POST} calls per window (50, i.e. 300/min)"
    )
    parser.add_argument("--window", type=float, default=10.0, help="rate-limit window in s (10)")
    parser.add_argument(
        "--home-limit", type=int, default=17, help=f"{HOME} calls per window (17, i.e. 102/min)"
    )
    parser.add_argument(
        "--timeout", type=float, default=600.0, help="longest wait for each phase in s (600)"
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="PostgreSQL URL (a throwaway schema is used); SQLite in a temp dir otherwise",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return run(parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
