"""Ack latency: how fast `porch serve` acknowledges Events API deliveries under open-loop load.

Slack waits 3 seconds for the HTTP answer to an event, then counts a failure and redelivers, and
turns the app's event subscriptions off after enough failures. So what matters is the time from
the moment Slack sends an event to Porch's 2xx, at the rates a busy community produces, and what
each acknowledged event costs in CPU.

Two servers take the same traffic in the same run, each started as its own process:

- Porch: the real CLI, `porch serve --host 127.0.0.1 --port N --threads T`, with the repo's
  community.yml, a SQLite file in a temp dir (or a throwaway PostgreSQL schema) and SLACK_API_URL
  pointing at a FakeSlack Web API that this script runs (porch/sandbox/slack_api.py). The effect
  worker and the scheduler run as in production.
- The baseline: a bare Bolt app with no-op listeners for the same event types, behind the same
  server (waitress with the same thread count, Bolt's WSGI adapter, the same signing secret and
  request verification, process_before_response as Porch), started by this script in bare-server
  mode. It is the floor any Bolt app on this machine can reach.

Traffic is open loop: requests leave on a fixed schedule (rate r: one every 1/r s) whether or not
earlier ones were answered, so a slow server builds a queue as Slack's would, and latency runs
from the *scheduled* send time to the end of the answer (queueing in the client, the kernel's
listen backlog and waitress all count). Each request is a fresh connection with
`Connection: close`, signed like Slack (v0 HMAC, current timestamp), built and signed before the
phase starts so the generator spends its time sending. The mix: 70 % `message` in the channels of
community.yml (30 % of them thread replies), 20 % `reaction_added` on those messages, 10 %
`team_join`. Every event has its own event_id; within a phase every event has its own user.
Messages and reactions come from existing members, recorded with `porch members import` before
`porch serve` starts (as at install, so each message takes Porch's member path: last active, the
Members row for the tracker, an App Home refresh); joiners are new people, present in the fake
workspace so Porch's welcome DMs succeed. The bench does not redeliver past the deadline as Slack
would; redeliveries would only add load to a server that is already late.

Per rate and server it prints p50/p95/p99/max ack latency, answers past Slack's 3 s deadline,
non-2xx answers (no answer within --request-timeout counts as non-2xx and as past the deadline),
the whole server's CPU seconds per acknowledged event, the Porch / bare ratios, and the
generator's own lag behind its schedule (if that grows, the client, not the server, is the
bottleneck).

CPU is the whole server's: utime + stime from /proc of the server process and every process
below it (`porch serve` runs its background work in worker processes), plus what its reaped
children used, read from the phase's start until the server has settled: every request
answered and, for Porch, every due effect delivered and the inbox drained, so work deferred past
the ack is charged to the events that caused it. For Porch it is also split: the ack path is the
serving process's own CPU (less its background threads' when `--workers 0` runs them inside it,
as reported in GET /healthz), the figure to hold against the bare app's; the background is the
rest (the features acting on events, Slack calls, jobs). Each phase starts once the server has
gone idle (under 5 % of a core for a second), so Porch's start-up reconcile and the previous
phase's tail are not counted.

`--busy N` keeps N other processes spinning on the CPU for the whole run, as a busy machine's
neighbours would.

Drain: when the store has an `inbox_events` table that the phase filled (events stored before the
ack, processed afterwards), the bench polls it read-only after the last scheduled send until no
row is 'pending', and prints how long that took and the drain rate (rows leaving 'pending' per
second). Without such a table, or when nothing was written to it (Porch processes events before
acking), the drain is "n/a"; the time from the last send to the last answer is shown either way.

Run: `python bench/ack_latency.py` (50, 100, 200, 400 events/s, 10 s each, about 2-3 minutes),
`--rates 100,200 --seconds 5` for a quick look, `--json out.json` to keep the figures,
`--database-url postgresql://...` for PostgreSQL (a throwaway schema, dropped afterwards). Only
127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import hashlib
import hmac
import json
import logging
import math
import multiprocessing
import os
import random
import resource
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, func, inspect, select, text

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_CONFIG = ROOT / "community.yml"
SIGNING_SECRET = "bench-signing-secret"
EVENT_TYPES = ("message", "reaction_added", "team_join")
MIX = {"message": 0.7, "reaction_added": 0.2, "team_join": 0.1}
THREAD_REPLY_SHARE = 0.3
DEADLINE = 3.0
REACTIONS = ("bug", "bulb", "question", "heart", "tada", "+1", "eyes", "wave")


# ---- bare-server mode (the baseline's own process) -------------------------------------------


def serve_bare(*, port: int, threads: int) -> None:
    """A Bolt app that acknowledges the bench's event types and does nothing else.

    Configured like Porch's app (app.py) and served like `porch serve` (waitress, Bolt's WSGI
    adapter, GET /healthz), so the difference between the two is Porch's own work.
    """
    import waitress
    from slack_bolt import App
    from slack_bolt.adapter.wsgi import SlackRequestHandler
    from slack_sdk import WebClient

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    client = WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"])
    app = App(
        client=client,
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        process_before_response=True,
        request_verification_enabled=True,
    )

    def ignore() -> None:
        """No-op: the baseline only acknowledges."""

    for event_type in EVENT_TYPES:
        app.event(event_type)(ignore)
    slack = SlackRequestHandler(app, path="/slack/events")

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("PATH_INFO") == "/healthz":
            start_response("200 OK", [("Content-Type", "application/json")])
            return [b'{"ok": true}']
        return slack(environ, start_response)

    waitress.serve(application, host="127.0.0.1", port=port, threads=threads)


# ---- traffic ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    kind: str
    raw: bytes
    """The whole HTTP request, headers and signed body."""


SEED_POSTS = 3
"""Top-level messages per channel before a phase, so early replies and reactions have a target."""


class Traffic:
    """Builds the event mix for one phase: Slack-shaped, signed, unique ids and users.

    Messages and reactions come from `authors`, members of the workspace that Porch already
    knows (imported at install, as the README asks), each used once; joiners are new people.
    Messages and reactions are also seeded in the fake workspace, and joiners added to it, so
    whatever Porch later asks the Web API about them (or posts in reply) finds them there.
    """

    def __init__(
        self, *, fake: Any, config: Any, authors: Iterator[str], tag: str, seed: int
    ) -> None:
        from porch.sandbox import slack_requests

        self.slack = slack_requests
        self.fake = fake
        self.authors = authors
        self.tag = tag
        self.rng = random.Random(seed)
        self.channels = [
            fake.channel_id(name) for name in sorted(set(config.channels.model_dump().values()))
        ]
        self.counter = 0
        self.top_level: dict[str, list[tuple[str, str]]] = {c: [] for c in self.channels}
        self.posted: list[tuple[str, str, str]] = []
        for channel in self.channels:
            for _ in range(SEED_POSTS):
                self._post(channel, thread=False)

    def _post(self, channel: str, *, thread: bool) -> dict[str, Any]:
        self.counter += 1
        user = next(self.authors)
        parents = self.top_level[channel]
        if thread and parents:
            thread_ts, parent_user = self.rng.choice(parents[-50:])
            text = f"Replying in the thread, {self.counter}"
            ts = self.fake.add_message(channel, user=user, text=text, thread_ts=thread_ts)
            event = self.slack.message(
                user=user, channel=channel, text=text, ts=ts, thread_ts=thread_ts,
                parent_user_id=parent_user, team=self.fake.team_id,
            )  # fmt: skip
        else:
            text = f"Shipped step {self.counter} of the launch plan today"
            ts = self.fake.add_message(channel, user=user, text=text)
            event = self.slack.message(
                user=user, channel=channel, text=text, ts=ts, team=self.fake.team_id
            )
            parents.append((ts, user))
        self.posted.append((channel, ts, user))
        return event

    def event(self, kind: str) -> dict[str, Any]:
        if kind == "message":
            channel = self.rng.choice(self.channels)
            return self._post(channel, thread=self.rng.random() < THREAD_REPLY_SHARE)
        if kind == "reaction_added":
            channel, ts, author = self.rng.choice(self.posted[-200:])
            user, name = next(self.authors), self.rng.choice(REACTIONS)
            self.fake.add_reaction(channel, ts, name, user=user)
            return self.slack.reaction_added(
                user=user, reaction=name, item_user=author, channel=channel, ts=ts
            )
        self.counter += 1
        user_id = f"U0J{self.tag}{self.counter:07d}"
        user = self.fake.add_user(
            user_id, name=f"maker{user_id.lower()}", real_name=f"Maker {self.counter}"
        )
        return self.slack.team_join(user)

    def requests(self, *, count: int, port: int) -> list[Request]:
        kinds = [kind for kind, share in MIX.items() for _ in range(round(count * share))]
        kinds = (kinds + ["message"] * count)[:count]
        self.rng.shuffle(kinds)
        out = []
        for kind in kinds:
            envelope = self.slack.event_callback(
                team_id=self.fake.team_id,
                event=self.event(kind),
                event_id=f"Ev{uuid.uuid4().hex[:16].upper()}",
            )
            out.append(Request(kind, http_request(envelope, port=port)))
        return out


def http_request(envelope: dict[str, Any], *, port: int) -> bytes:
    """A POST of `envelope` to /slack/events with Slack's headers and v0 signature."""
    body = json.dumps(envelope).encode()
    timestamp = str(int(time.time()))
    base = b"v0:" + timestamp.encode() + b":" + body
    signature = "v0=" + hmac.new(SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest()
    head = (
        f"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        "User-Agent: Slackbot 1.0 (+https://api.slack.com/robots)\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        f"X-Slack-Request-Timestamp: {timestamp}\r\nX-Slack-Signature: {signature}\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode() + body


@dataclass
class Outcome:
    scheduled: float
    """Monotonic time the request was due to leave."""
    dispatched: float
    done: float
    status: int
    """HTTP status, 0 when there was no answer (timeout, refused, reset)."""


async def send_one(raw: bytes, *, port: int) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(raw)
        await writer.drain()
        answer = await reader.read()  # the server closes after answering (Connection: close)
    finally:
        writer.close()
    status_line = answer.split(b"\r\n", 1)[0].split()
    return int(status_line[1]) if len(status_line) >= 2 else 0


async def open_loop(
    raws: list[bytes],
    *,
    port: int,
    rate: float,
    start: float,
    timeout: float,
    max_inflight: int,
) -> list[Outcome]:
    """Send request i at start + i / rate (monotonic clock), regardless of answers.

    At most `max_inflight` connections are open at once (file descriptors); a request waiting
    for a slot is still timed from its scheduled moment.
    """
    slots = asyncio.Semaphore(max_inflight)
    outcomes: list[Outcome | None] = [None] * len(raws)
    loop = asyncio.get_running_loop()  # its clock is time.monotonic(), shared by all processes

    async def fire(index: int, scheduled: float) -> None:
        dispatched = loop.time()
        status = 0
        try:
            async with asyncio.timeout(max(0.0, scheduled + timeout - loop.time())):
                async with slots:
                    status = await send_one(raws[index], port=port)
        except (TimeoutError, OSError):
            status = 0
        outcomes[index] = Outcome(scheduled, dispatched, loop.time(), status)

    tasks = []
    for index in range(len(raws)):
        scheduled = start + index / rate
        delay = scheduled - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(fire(index, scheduled)))
    await asyncio.gather(*tasks)
    return [o for o in outcomes if o is not None]


def generate_load(
    raws: list[bytes], *, port: int, rate: float, start: float, timeout: float, max_inflight: int
) -> list[Outcome]:
    """The load generator, run in a process of its own: the fake Web API's threads in the
    bench's main process would otherwise compete with it for the GIL and delay sends."""
    return asyncio.run(
        open_loop(
            raws, port=port, rate=rate, start=start, timeout=timeout, max_inflight=max_inflight
        )
    )


# ---- servers and the store -------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def background_cpu_seconds(server: Server) -> float:
    """The CPU seconds Porch's background threads report in GET /healthz, when they run inside
    the serving process (`--workers 0`); 0 for the bare app and for worker processes."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as conn:
        conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        raw = b""
        while chunk := conn.recv(65536):
            raw += chunk
    body = json.loads(raw.partition(b"\r\n\r\n")[2] or b"{}")
    return sum(part.get("cpu_seconds", 0.0) for part in body.get("background", {}).values())


def _stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()


def cpu_seconds(pid: int) -> float:
    """utime + stime of one process (all its threads), from /proc/<pid>/stat."""
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def descendants(pid: int) -> list[int]:
    """Every live process below `pid` (Porch's worker processes)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int(_stat(int(entry.name))[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def tree_cpu_seconds(pid: int) -> float:
    """The whole server's CPU: the process, every live descendant, and the children it has
    already reaped (cutime + cstime), so a worker that died and was replaced still counts."""
    total = 0
    for each in [pid, *descendants(pid)]:
        try:
            fields = _stat(each)
        except OSError:
            continue  # exited meanwhile: its parent's cutime has it
        total += sum(int(fields[i]) for i in (11, 12, 13, 14))
    return total / os.sysconf("SC_CLK_TCK")


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    port: int
    log: Path


@contextmanager
def running(
    name: str, command: list[str], *, env: dict[str, str], cwd: Path, port: int
) -> Iterator[Server]:
    """Start a server process, wait for GET /healthz, stop it (SIGTERM, then SIGKILL) on exit."""
    log = cwd / f"{name}.log"
    with log.open("wb") as out:
        # A session of its own: whatever it started (porch's workers) goes with it at the end.
        process = subprocess.Popen(
            command,
            env=env,
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(name, process, port, log)
    try:
        wait_healthy(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


def wait_healthy(server: Server, *, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited at start-up:\n{tail(server.log)}")
        try:
            with socket.create_connection(("127.0.0.1", server.port), timeout=2) as conn:
                conn.sendall(
                    b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                )
                if b" 200 " in conn.recv(64):
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{server.name} did not answer /healthz:\n{tail(server.log)}")
        time.sleep(0.2)


def tail(path: Path, lines: int = 30) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


class Store:
    """Read-only look at Porch's database: the inbox's progress and the due effects.

    SQLite is opened with mode=ro, so polling never takes the write lock Porch needs.
    """

    def __init__(self, *, engine: Engine, spool: Path | None = None) -> None:
        self.engine = engine
        # `porch serve` stores events in a spool first (porch/runtime/spool.py); a worker
        # moves them into the inbox.
        self.spool = spool

    def spooled(self) -> int:
        if self.spool is None or not self.spool.exists():
            return 0
        moved_file = Path(f"{self.spool}.moved")
        moved = int(moved_file.read_text() or 0) if moved_file.exists() else 0
        with sqlite3.connect(f"file:{self.spool}?mode=ro", uri=True) as conn:
            try:
                # What the mover has not moved yet (the edge drops moved events a second later).
                query = "SELECT count(*) FROM edge_events WHERE id > ?"
                return conn.execute(query, (moved,)).fetchone()[0]
            except sqlite3.OperationalError:  # not created yet
                return 0

    def has_inbox(self) -> bool:
        return inspect(self.engine).has_table("inbox_events")

    def inbox(self) -> tuple[int, int]:
        """(rows pending, rows done or failed)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                text("SELECT status, count(*) FROM inbox_events GROUP BY status")
            ).all()
        counts = {status: n for status, n in rows}
        pending = counts.get("pending", 0) + self.spooled()
        return pending, counts.get("done", 0) + counts.get("failed", 0)

    def recorded(self) -> int:
        """Events Porch has taken in: rows in its dedupe table and in the inbox, whichever
        is larger (a sanity check that acknowledged events were really processed)."""
        counts = [0]
        with self.engine.connect() as conn:
            for table in ("events", "inbox_events"):
                if inspect(conn).has_table(table):
                    counts.append(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
        return max(counts) + self.spooled()

    def due_effects(self) -> int:
        from porch.core.effect_queue import PENDING
        from porch.core.store.schema import effects

        query = (
            select(func.count())
            .select_from(effects)
            .where(effects.c.status == PENDING, effects.c.not_before <= dt.datetime.now(dt.UTC))
        )
        with self.engine.connect() as conn:
            return conn.execute(query).scalar_one()


@contextmanager
def porch_database(database_url: str | None, workdir: Path) -> Iterator[tuple[str, Store]]:
    """DATABASE_URL for `porch serve` and a read-only view of it; PostgreSQL gets a throwaway
    schema (search_path passed in the URL), dropped afterwards."""
    if not database_url:
        path = workdir / "porch.db"
        engine = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
        try:
            yield f"sqlite:///{path}", Store(engine=engine, spool=Path(f"{path}.spool"))
        finally:
            engine.dispose()
        return
    from porch.core.store import connect
    from porch.runtime.spool import spool_path

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = connect(database_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = connect(database_url, schema=schema)
    separator = "&" if "?" in database_url else "?"
    url = f"{database_url}{separator}options=-csearch_path%3D{schema}"
    # `porch serve` spools in community.yml's folder, the workdir, under a name of the database's.
    spool = spool_path(connect(url), folder=workdir)
    try:
        yield url, Store(engine=engine, spool=spool)
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


# ---- one phase -------------------------------------------------------------------------------


@dataclass
class Phase:
    target: str
    rate: float
    sent: int
    acked: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    past_deadline: int
    non_2xx: int
    no_answer: int
    cpu_s: float
    cpu_ms_per_ack: float
    ack_cpu_ms_per_ack: float
    """CPU per acknowledged event on the ack path (all of it for the bare app)."""
    background_cpu_ms_per_ack: float
    last_answer_s: float
    """From the last scheduled send to the last answer."""
    settled_s: float
    """From the last scheduled send until the server was idle (answers, effects, inbox)."""
    send_lag_p99_ms: float
    inbox: str
    """'absent', 'unused' (table there, nothing written) or 'used'."""
    drain_s: float | None = None
    drain_rate: float | None = None
    inbox_pending_at_load_end: int | None = None
    recorded: int | None = None
    """Porch only: events that reached its store (dedupe table or inbox) during the phase."""
    kinds: dict[str, int] = field(default_factory=dict)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]


def run_phase(
    server: Server,
    *,
    traffic: Traffic,
    rate: float,
    args: argparse.Namespace,
    store: Store | None,
    generator: Executor,
) -> Phase:
    count = max(1, round(rate * args.seconds))
    requests = traffic.requests(count=count, port=server.port)
    inbox_state = "absent"
    if store is not None and store.has_inbox():
        inbox_state = "unused"
        before_pending, before_processed = store.inbox()
    recorded_before = store.recorded() if store is not None else 0
    cpu_before = tree_cpu_seconds(server.process.pid)
    edge_before = cpu_seconds(server.process.pid)
    background_before = background_cpu_seconds(server)

    # A second's head start: the requests travel to the generator process first.
    start = time.monotonic() + 1.0
    load_end = start + (count - 1) / rate
    load = generator.submit(
        generate_load,
        [r.raw for r in requests],
        port=server.port,
        rate=rate,
        start=start,
        timeout=args.request_timeout,
        max_inflight=args.max_inflight,
    )
    time.sleep(max(0.0, load_end - time.monotonic()))
    if inbox_state != "absent" and store is not None:
        pending_at_end, processed_at_end = store.inbox()
    outcomes = load.result()
    deadline = time.monotonic() + args.drain_timeout
    drain_s = drain_rate = None
    if store is not None:
        if inbox_state != "absent":
            pending, processed = store.inbox()
            if pending + processed > before_pending + before_processed:
                inbox_state = "used"
                while pending > 0 and time.monotonic() < deadline:
                    time.sleep(0.05)
                    pending, processed = store.inbox()
                drain_s = time.monotonic() - load_end
                drain_rate = (processed - processed_at_end) / drain_s if drain_s > 0 else math.nan
        while store.due_effects() > 0 and time.monotonic() < deadline:
            time.sleep(0.1)
    settled_s = time.monotonic() - load_end
    cpu = tree_cpu_seconds(server.process.pid) - cpu_before
    # The ack path is the serving process's own CPU, less any background threads inside it;
    # everything in its worker processes is background.
    edge = cpu_seconds(server.process.pid) - edge_before
    background = (cpu - edge) + background_cpu_seconds(server) - background_before

    latencies = [(o.done - o.scheduled) if o.status else math.inf for o in outcomes]
    answered = [o for o in outcomes if o.status]
    acked = sum(1 for o in outcomes if 200 <= o.status < 300)
    kinds: dict[str, int] = {}
    for request in requests:
        kinds[request.kind] = kinds.get(request.kind, 0) + 1
    return Phase(
        target=server.name,
        rate=rate,
        sent=len(outcomes),
        acked=acked,
        p50_ms=percentile(latencies, 0.50) * 1000,
        p95_ms=percentile(latencies, 0.95) * 1000,
        p99_ms=percentile(latencies, 0.99) * 1000,
        max_ms=max(latencies) * 1000,
        past_deadline=sum(1 for v in latencies if v > DEADLINE),
        non_2xx=sum(1 for o in outcomes if not 200 <= o.status < 300),
        no_answer=len(outcomes) - len(answered),
        cpu_s=cpu,
        cpu_ms_per_ack=cpu / acked * 1000 if acked else math.nan,
        ack_cpu_ms_per_ack=(cpu - background) / acked * 1000 if acked else math.nan,
        background_cpu_ms_per_ack=background / acked * 1000 if acked else math.nan,
        last_answer_s=max((o.done for o in answered), default=load_end) - load_end,
        settled_s=settled_s,
        send_lag_p99_ms=percentile([o.dispatched - o.scheduled for o in outcomes], 0.99) * 1000,
        inbox=inbox_state,
        drain_s=drain_s,
        drain_rate=drain_rate,
        inbox_pending_at_load_end=pending_at_end if inbox_state == "used" else None,
        recorded=store.recorded() - recorded_before if store is not None else None,
        kinds=kinds,
    )


# ---- report ----------------------------------------------------------------------------------


def ms(value: float) -> str:
    if math.isinf(value):
        return "timeout"
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def drain_text(phase: Phase) -> str:
    if phase.inbox == "absent":
        return "n/a (no inbox_events table)"
    if phase.inbox == "unused":
        return "n/a (inbox_events not written)"
    if not phase.inbox_pending_at_load_end:
        return "kept up (nothing pending when the load stopped)"
    return (
        f"{phase.drain_s:.1f} s, {phase.drain_rate:.0f} ev/s "
        f"({phase.inbox_pending_at_load_end} pending at load end)"
    )


def report(phases: list[Phase]) -> None:
    print()
    header = (
        f"{'target':<6} {'rate/s':>6} {'sent':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'max ms':>8} {'>3s':>5} {'non2xx':>6} {'CPU ms/ev':>9} {'ack CPU':>7} "
        f"{'last ans':>8} {'lag p99':>7}"
    )
    print(header)
    print("-" * len(header))
    for p in phases:
        print(
            f"{p.target:<6} {p.rate:>6g} {p.sent:>5} {ms(p.p50_ms):>8} {ms(p.p95_ms):>8} "
            f"{ms(p.p99_ms):>8} {ms(p.max_ms):>8} {p.past_deadline:>5} {p.non_2xx:>6} "
            f"{p.cpu_ms_per_ack:>9.2f} {p.ack_cpu_ms_per_ack:>7.2f} "
            f"{p.last_answer_s:>7.1f}s {ms(p.send_lag_p99_ms):>6}ms"
        )
    print()
    print("Porch / bare, per rate (latency percentiles and CPU per acknowledged event):")
    by_key = {(p.target, p.rate): p for p in phases}
    for rate in sorted({p.rate for p in phases}):
        porch, bare = by_key.get(("porch", rate)), by_key.get(("bare", rate))
        if porch is None or bare is None:
            continue
        print(
            f"  {rate:>5g}/s  p50 {ratio(porch.p50_ms, bare.p50_ms)}  p99 "
            f"{ratio(porch.p99_ms, bare.p99_ms)}  CPU/event "
            f"{ratio(porch.cpu_ms_per_ack, bare.cpu_ms_per_ack)}  ack-path CPU/event "
            f"{ratio(porch.ack_cpu_ms_per_ack, bare.ack_cpu_ms_per_ack)}"
        )
    print()
    print("Porch backlog after the load stopped:")
    for p in phases:
        if p.target == "porch":
            print(
                f"  {p.rate:>5g}/s  last answer +{p.last_answer_s:.1f} s, idle (effects delivered) "
                f"+{p.settled_s:.1f} s; inbox drain: {drain_text(p)}"
            )


def finite(row: dict[str, Any]) -> dict[str, Any]:
    """JSON has no NaN or infinity: an unanswered request's latency is written as null."""
    return {k: None if isinstance(v, float) and not math.isfinite(v) else v for k, v in row.items()}


def ratio(a: float, b: float) -> str:
    if math.isinf(a) or math.isnan(a) or math.isnan(b) or b <= 0:
        return "   n/a"
    return f"{a / b:6.1f}x"


# ---- main ------------------------------------------------------------------------------------


def porch_command(*args: str) -> list[str]:
    """The installed `porch` CLI (next to this interpreter) with the repo's community.yml."""
    script = Path(sys.executable).parent / "porch"
    prefix = [str(script)] if script.exists() else [sys.executable, "-m", "porch.runtime.cli"]
    return [*prefix, *args, "--config", str(EXAMPLE_CONFIG)]


def add_members(fake: Any, *, count: int) -> list[str]:
    """Existing members of the workspace, who write the messages and add the reactions."""
    # Added once, before either server starts: Porch's start-up reconcile then finds them all.
    ids = [f"U0M{n:07d}" for n in range(count)]
    for n, user_id in enumerate(ids):
        fake.add_user(user_id, name=f"member{n}", real_name=f"Member {n}")
    return ids


def import_members(*, env: dict[str, str], cwd: Path, count: int) -> None:
    """`porch members import`, as at install: Porch knows the members before they speak."""
    started = time.monotonic()
    result = subprocess.run(
        porch_command("members", "import"), env=env, cwd=cwd, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise RuntimeError(f"porch members import failed:\n{result.stdout}{result.stderr}")
    print(
        f"  porch members import: {count} members in {time.monotonic() - started:.1f} s",
        flush=True,
    )


def seeded_fake(config: Any) -> Any:
    """The fake Web API with the workspace Porch expects: community.yml's channels, a manager."""
    from porch.sandbox.slack_api import FakeSlack

    fake = FakeSlack(team_name=config.community.name).start()
    for name in sorted(
        set(config.channels.model_dump().values()) | set(config.onboarding.recommended_channels)
    ):
        fake.add_channel(name)
    for manager in config.managers.users or ["U0MANAGER1"]:
        fake.add_user(manager, name="sam", real_name="Sam Rivera")
    return fake


@contextmanager
def workspace_dir(keep: str | None) -> Iterator[Path]:
    """Where the servers run and log: a temp dir, or `keep` (left in place for a post-mortem)."""
    if keep:
        path = Path(keep).resolve()
        path.mkdir(parents=True, exist_ok=True)
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="porch-ack-latency-") as tmp:
        yield Path(tmp)


def raise_fd_limit(wanted: int) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = min(hard, max(soft, wanted)) if hard != resource.RLIM_INFINITY else max(soft, wanted)
    if target > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return target


def run(args: argparse.Namespace) -> int:
    from porch.features.registry import load_config

    config = load_config(EXAMPLE_CONFIG)
    rates = [float(r) for r in args.rates.split(",") if r.strip()]
    fds = raise_fd_limit(args.max_inflight + 256)
    args.max_inflight = min(args.max_inflight, fds - 256)
    fake = seeded_fake(config)
    channel_count = len(set(config.channels.model_dump().values()))
    members = add_members(
        fake,
        count=max(round(r * args.seconds) for r in rates) + SEED_POSTS * channel_count,
    )
    phases: list[Phase] = []
    base_env = {
        **{k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")},
        "SLACK_BOT_TOKEN": fake.bot_token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url,
        "PORCH_CONFIG": str(EXAMPLE_CONFIG),
        "PYTHONUNBUFFERED": "1",
    }
    print(
        f"ack latency: rates {', '.join(f'{r:g}' for r in rates)} events/s, {args.seconds:g} s "
        f"each, waitress threads {args.threads}; mix "
        + ", ".join(f"{k} {v:.0%}" for k, v in MIX.items())
        + f"; store {'PostgreSQL' if args.database_url else 'SQLite'}"
        + f"; porch serve --workers {'default' if args.workers is None else args.workers}"
        + (f"; {args.busy} busy processes beside" if args.busy else ""),
        flush=True,
    )
    generator = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    generator.submit(time.sleep, 0).result()  # start the generator process before any phase
    # A busy machine: other processes that want the CPU all the time, as neighbours would.
    # Each spins only while the bench lives, should the bench itself be killed.
    spin = "import os\nparent = os.getppid()\nwhile os.getppid() == parent: pass"
    spinners = [subprocess.Popen([sys.executable, "-c", spin]) for _ in range(args.busy)]
    try:
        with workspace_dir(args.workdir) as workdir:
            for target in args.targets.split(","):
                port = free_port()
                if target == "porch":
                    with porch_database(args.database_url, workdir) as (url, store):
                        env = {**base_env, "DATABASE_URL": url}
                        import_members(env=env, cwd=workdir, count=len(members))
                        command = porch_command(
                            "serve", "--host", "127.0.0.1", "--port", str(port),
                            "--threads", str(args.threads),
                            *(["--workers", str(args.workers)] if args.workers is not None else []),
                        )  # fmt: skip
                        with running("porch", command, env=env, cwd=workdir, port=port) as server:
                            phases += run_target(
                                server, fake, config, rates, members, args, store, generator
                            )
                else:
                    command = [
                        sys.executable, str(Path(__file__).resolve()), "--bare-server",
                        "--port", str(port), "--threads", str(args.threads),
                    ]  # fmt: skip
                    with running("bare", command, env=base_env, cwd=workdir, port=port) as server:
                        phases += run_target(
                            server, fake, config, rates, members, args, None, generator
                        )
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()
        generator.shutdown()
        fake.stop()
    report(phases)
    if args.json:
        figures = {
            "rates": rates,
            "seconds": args.seconds,
            "threads": args.threads,
            "store": "postgresql" if args.database_url else "sqlite",
            "workers": args.workers,
            "busy": args.busy,
            "phases": [finite(asdict(p)) for p in phases],
        }
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n")
        print(f"\nwrote {args.json}")
    return 0 if all(p.sent for p in phases) else 1


def run_target(
    server: Server,
    fake: Any,
    config: Any,
    rates: list[float],
    members: list[str],
    args: argparse.Namespace,
    store: Store | None,
    generator: Executor,
) -> list[Phase]:
    """Every rate in turn against one server; both servers get the same authors and traffic.

    Within a phase every author is a different member; each phase starts over with the same
    members, so the pool (and the import) stays the size of the largest phase.
    """
    phases = []
    for number, rate in enumerate(rates):
        authors = iter(members)
        wait_idle(server, timeout=args.drain_timeout)
        tag = f"{server.name[0].upper()}{number}"
        traffic = Traffic(
            fake=fake, config=config, authors=authors, tag=tag, seed=args.seed + number
        )
        print(f"  {server.name}: {rate:g} events/s for {args.seconds:g} s ...", end="", flush=True)
        phase = run_phase(
            server, traffic=traffic, rate=rate, args=args, store=store, generator=generator
        )
        print(
            f" p50 {ms(phase.p50_ms)} ms, p99 {ms(phase.p99_ms)} ms, "
            f"{phase.cpu_ms_per_ack:.2f} ms CPU/event"
            + ("" if phase.recorded is None else f", {phase.recorded} stored"),
            flush=True,
        )
        phases.append(phase)
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} died:\n{tail(server.log)}")
    return phases


def wait_idle(server: Server, *, timeout: float, window: float = 1.0) -> None:
    """Wait until the server uses under 5 % of a core over `window` s, so one phase's CPU is
    not charged with start-up work (Porch reconciles the member list when it starts) or with
    the previous phase's tail."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        before = tree_cpu_seconds(server.process.pid)
        time.sleep(window)
        if tree_cpu_seconds(server.process.pid) - before < 0.05 * window:
            return


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rates", default="50,100,200,400", help="events/s, comma-separated")
    parser.add_argument("--seconds", type=float, default=10.0, help="load per rate in s (10)")
    parser.add_argument("--threads", type=int, default=8, help="waitress threads (8, as serve)")
    parser.add_argument("--targets", default="porch,bare", help="porch,bare (both by default)")
    parser.add_argument(
        "--request-timeout", type=float, default=30.0, help="give up on an answer after s (30)"
    )
    parser.add_argument(
        "--drain-timeout", type=float, default=120.0, help="longest wait to settle per rate (120)"
    )
    parser.add_argument(
        "--max-inflight", type=int, default=1000, help="open connections at most (1000)"
    )
    parser.add_argument("--seed", type=int, default=1, help="traffic RNG seed (1)")
    parser.add_argument("--json", default=None, help="also write the figures to this file")
    parser.add_argument(
        "--database-url",
        default=None,
        help="PostgreSQL URL (a throwaway schema is used); SQLite in a temp dir otherwise",
    )
    parser.add_argument(
        "--workdir", default=None, help="run the servers here and keep their logs and database"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="porch serve --workers N (its default when not given; 0: one process)",
    )
    parser.add_argument(
        "--busy",
        type=int,
        default=0,
        help="keep N other processes spinning on the CPU during the run (a busy machine)",
    )
    parser.add_argument("--bare-server", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.bare_server:
        serve_bare(port=args.port, threads=args.threads)
        return 0
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
