"""`porch serve` as an edge and its worker processes: acknowledgements never wait on the
workers, a dead worker is replaced, and nothing is sent twice."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from porch.runtime.supervisor import WORKER_NICENESS, WorkerPool, default_worker_count
from porch.sandbox import slack_requests as slack
from porch.sandbox.slack_api import FakeSlack
from tests.conftest import EXAMPLE_CONFIG, Database
from tests.porch.runtime.test_cli import first_answer, free_port
from tests.porch.runtime.test_recovery import database_url, hold_the_nth_welcome, wait_until

SECRET = "secret-for-tests"


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        for name in ("general", "introductions", "feedback", "wins", "community-team"):
            fake.add_channel(name)
        yield fake


def porch_env(fake: FakeSlack, database: Database) -> dict[str, str]:
    return {
        **os.environ,
        "SLACK_BOT_TOKEN": fake.bot_token,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": database_url(database),
        "PORCH_CONFIG": str(EXAMPLE_CONFIG),
        "PORCH_EFFECT_LEASE_SECONDS": "2",
    }


class Served:
    """`porch serve --workers N` in its own process group, as a container would run it."""

    def __init__(self, env: dict[str, str], *, workers: int, cwd: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "porch.runtime.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--workers",
                str(workers),
            ],
            env={**env, "PORT": str(self.port)},
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        first_answer(f"{self.url}/healthz", process=self.process)
        self.output = ""

    def health(self) -> dict:
        return requests.get(f"{self.url}/healthz", timeout=5).json()

    def worker_pids(self) -> list[int]:
        return list(self.health()["workers"]["pids"])

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.terminate()
        try:
            self.output = self.process.communicate(timeout=30)[0].decode()
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
        return self.output


def niceness(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[16])


def joins(fake: FakeSlack, count: int, *, prefix: str = "U0NEW") -> list[dict]:
    return [fake.add_user(f"{prefix}{n:05d}", name=f"new{n}") for n in range(count)]


def send_joins(url: str, fake: FakeSlack, users: list[dict]) -> list[int]:
    with slack.SlackSender(url=f"{url}/slack/events", signing_secret=SECRET) as sender:
        return [
            sender.event(
                slack.event_callback(team_id=fake.team_id, event=slack.team_join(user))
            ).status_code
            for user in users
        ]


def welcomed(fake: FakeSlack, users: list[dict]) -> dict[str, int]:
    return {user["id"]: len(fake.dm_messages(user["id"])) for user in users}


def test_the_edge_acknowledges_while_every_worker_is_frozen_and_the_backlog_drains_after(
    fake: FakeSlack, empty_database: Database, tmp_path: Path
):
    served = Served(porch_env(fake, empty_database), workers=1, cwd=tmp_path)
    try:
        (worker,) = served.worker_pids()
        time.sleep(1.5)  # past start-up: the worker is idle, holding no lock
        os.kill(worker, signal.SIGSTOP)
        users = joins(fake, 40)
        try:
            # With no worker running at all, every delivery is still stored and acknowledged.
            assert send_joins(served.url, fake, users) == [200] * len(users)
            backlog = served.health()["backlog"]["events"]
            assert backlog["pending"] == len(users)
            assert backlog["oldest_seconds"] is not None
            assert welcomed(fake, users) == dict.fromkeys((u["id"] for u in users), 0)
        finally:
            os.kill(worker, signal.SIGCONT)
        assert wait_until(
            lambda: welcomed(fake, users) == dict.fromkeys((u["id"] for u in users), 1),
            seconds=30,
        )
        assert served.health()["backlog"]["events"] == {"pending": 0, "oldest_seconds": None}
    finally:
        output = served.stop()
    assert "Traceback" not in output, output


def test_a_worker_killed_mid_burst_is_replaced_and_every_welcome_goes_out_once(
    fake: FakeSlack, empty_database: Database, tmp_path: Path
):
    users = joins(fake, 30)
    in_flight, release = hold_the_nth_welcome(fake, 4)
    served = Served(porch_env(fake, empty_database), workers=2, cwd=tmp_path)
    try:
        pids = served.worker_pids()
        assert len(pids) == 2
        assert send_joins(served.url, fake, users) == [200] * len(users)
        assert in_flight.wait(timeout=30)
        killed_at = time.monotonic()
        for pid in pids:  # the one holding the post may be either: kill both, one by one
            os.kill(pid, signal.SIGKILL)
            time.sleep(0.3)
        release.set()
        everyone = dict.fromkeys((u["id"] for u in users), 1)
        assert wait_until(lambda: welcomed(fake, users) == everyone, seconds=40), welcomed(
            fake, users
        )
        recovered_in = time.monotonic() - killed_at
        workers = served.health()["workers"]
        assert workers["running"] == 2
        assert workers["restarts"] >= 2
        assert not set(workers["pids"]) & set(pids)
    finally:
        output = served.stop()
    assert welcomed(fake, users) == everyone
    assert output.count("exited with SIGKILL") == 2, output
    print(f"\nrecovered {recovered_in:.1f} s after kill -9 of both workers")


def test_a_worker_stops_by_itself_when_its_edge_dies(
    fake: FakeSlack, empty_database: Database, tmp_path: Path
):
    served = Served(porch_env(fake, empty_database), workers=1, cwd=tmp_path)
    try:
        (worker,) = served.worker_pids()
        # Workers yield the CPU to the edge when the machine is short of it.
        assert niceness(worker) == niceness(served.process.pid) + WORKER_NICENESS
        served.process.send_signal(signal.SIGKILL)  # the edge alone
        served.process.wait(timeout=10)

        def gone() -> bool:
            try:
                os.kill(worker, 0)
            except ProcessLookupError:
                return True
            # A zombie until reaped by init: its state says it has exited.
            state = Path(f"/proc/{worker}/stat").read_text().split(")")[-1].split()[0]
            return state == "Z"

        assert wait_until(gone, seconds=20)
    finally:
        served.stop()


def test_the_pool_restarts_a_crashing_worker_after_a_growing_pause(
    caplog: pytest.LogCaptureFixture,
):
    pool = WorkerPool(command=[sys.executable, "-c", "import sys; sys.exit(3)"], count=1)
    with caplog.at_level(logging.WARNING, logger="porch.runtime.supervisor"):
        pool.start()
        try:
            time.sleep(3.6)  # dies at once; restarted after 1 s, then 2 s
        finally:
            pool.stop()
    deaths = [r.getMessage() for r in caplog.records if "exited with exit code 3" in r.getMessage()]
    assert 2 <= len(deaths) <= 3, deaths
    assert "restarting it in 1 s" in deaths[0] and "restarting it in 2 s" in deaths[1]


def test_the_pool_wakes_each_worker_through_its_pipe(tmp_path: Path):
    seen = tmp_path / "seen"
    script = (
        "import os, sys; fd = int(sys.argv[-1]); data = os.read(fd, 10); "
        f"open({str(seen)!r}, 'wb').write(data)"
    )
    pool = WorkerPool(command=[sys.executable, "-c", script], count=1)
    pool.start()
    try:
        time.sleep(0.5)
        pool.wake()
        assert wait_until(seen.exists, seconds=5)
    finally:
        pool.stop()
    assert seen.read_bytes() == b"!"


def test_the_default_worker_count_follows_the_database_and_the_cores():
    assert default_worker_count(database_url="sqlite:///porch.db", cpu_count=16) == 1
    assert default_worker_count(database_url="postgresql://x/y", cpu_count=2) == 2
    assert default_worker_count(database_url="postgresql://x/y", cpu_count=64) == 4


def test_on_sqlite_the_edge_acknowledges_while_the_database_s_write_lock_is_held(
    fake: FakeSlack, empty_database: Database, tmp_path: Path
):
    """A worker holding SQLite's one write lock (a long batch, a tracker's bookkeeping) does
    not hold up the edge: it stores events in its spool beside the database."""
    if not empty_database.url.startswith("sqlite"):
        pytest.skip("PostgreSQL locks rows: the edge writes to the inbox directly")
    served = Served(porch_env(fake, empty_database), workers=1, cwd=tmp_path)
    holder = sqlite3.connect(empty_database.url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        time.sleep(1.5)  # past start-up
        holder.execute("BEGIN IMMEDIATE")  # the write lock, held as long as this test likes
        users = joins(fake, 20)
        try:
            started = time.monotonic()
            assert send_joins(served.url, fake, users) == [200] * len(users)
            # Far less than SQLite's 30 s busy timeout, which a blocked insert would wait out.
            assert time.monotonic() - started < 10
            assert served.health()["backlog"]["events"]["pending"] == len(users)
        finally:
            holder.execute("ROLLBACK")
        everyone = dict.fromkeys((u["id"] for u in users), 1)
        assert wait_until(lambda: welcomed(fake, users) == everyone, seconds=30)
    finally:
        holder.close()
        output = served.stop()
    assert "Traceback" not in output, output
