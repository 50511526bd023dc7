"""kill -9 in the middle of a join storm: a restarted `porch serve` sends what the dead one was
sending within seconds, and nothing twice."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import select

from porch.core.store.schema import effects
from porch.runtime.supervisor import STOP_SECONDS
from porch.sandbox import slack_requests as slack
from porch.sandbox.slack_api import FakeSlack
from tests.conftest import EXAMPLE_CONFIG, Database
from tests.porch.runtime.test_cli import first_answer, free_port

NEWCOMERS = 30
LEASE_SECONDS = 2
HOLD_SECONDS = 10


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        for name in ("general", "introductions", "feedback", "wins", "community-team"):
            fake.add_channel(name)
        yield fake


def database_url(database: Database) -> str:
    if database.schema is None:
        return database.url
    return f"{database.url}?options={quote(f'-csearch_path={database.schema}')}"


def serve(env: dict[str, str], port: int, *, cwd: Path) -> subprocess.Popen:
    """`porch serve`, run in `cwd` (where it writes its monthly report), never the repo, in a
    process group of its own with its workers, as in a container or a systemd unit."""
    process = subprocess.Popen(
        [sys.executable, "-m", "porch.runtime.cli", "serve", "--host", "127.0.0.1"],
        env={**env, "PORT": str(port)},
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    first_answer(f"http://127.0.0.1:{port}/healthz", process=process)
    return process


def welcomed(fake: FakeSlack, user_ids: list[str]) -> dict[str, int]:
    return {user_id: len(fake.dm_messages(user_id)) for user_id in user_ids}


def wait_until(condition, *, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def hold_the_nth_welcome(fake: FakeSlack, n: int) -> tuple[threading.Event, threading.Event]:
    """Make Slack sit on the n-th DM post until `release` is set (HOLD_SECONDS at most) before
    carrying it out; `arrived` is set when that post has arrived."""
    arrived, release = threading.Event(), threading.Event()
    posts = itertools.count(1)
    handle_api = fake.handle_api

    def holding(method: str, params: dict[str, Any], token: str | None) -> Any:
        is_dm = method == "chat.postMessage" and str(params.get("channel", "")).startswith("U")
        if is_dm and next(posts) == n:
            arrived.set()
            release.wait(HOLD_SECONDS)
        return handle_api(method, params, token)

    fake.handle_api = holding  # type: ignore[method-assign]
    return arrived, release


def test_a_restart_after_kill_9_sends_the_dead_process_s_welcomes_once_within_seconds(
    fake: FakeSlack, empty_database: Database, tmp_path: Path
):
    users = [fake.add_user(f"U0NEW{n:05d}", name=f"new{n}") for n in range(NEWCOMERS)]
    user_ids = [user["id"] for user in users]
    # The fourth welcome is held in Slack for a moment, and the process is killed meanwhile: the
    # post then lands with no one left to record it, as it would in Slack.
    in_flight, release = hold_the_nth_welcome(fake, 4)
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": fake.bot_token,
        "SLACK_SIGNING_SECRET": "secret-for-tests",
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": database_url(empty_database),
        "PORCH_CONFIG": str(EXAMPLE_CONFIG),
        "PORCH_EFFECT_LEASE_SECONDS": str(LEASE_SECONDS),
    }
    port = free_port()
    first = serve(env, port, cwd=tmp_path)
    try:
        with slack.SlackSender(
            url=f"http://127.0.0.1:{port}/slack/events", signing_secret="secret-for-tests"
        ) as sender:
            for user in users:
                envelope = slack.event_callback(team_id=fake.team_id, event=slack.team_join(user))
                assert sender.event(envelope).status_code == 200
        assert in_flight.wait(timeout=30)
    finally:
        # The whole group, edge and workers, as `docker kill` or the OOM killer of a unit would.
        os.killpg(first.pid, signal.SIGKILL)
        first.communicate(timeout=10)
        release.set()
    killed_at = time.monotonic()
    engine = empty_database.open()

    def welcome_effects() -> list[tuple[str, int]]:
        with engine.begin() as conn:
            rows = conn.execute(
                select(effects.c.status, effects.c.attempts).where(
                    effects.c.effect_key.like("welcome:%")
                )
            )
            return [(row.status, row.attempts) for row in rows]

    time.sleep(0.2)  # the post the dead process left in flight lands in Slack
    sent_before = sum(welcomed(fake, user_ids).values())
    recorded_before = [status for status, _ in welcome_effects()].count("done")
    assert (sent_before, recorded_before) == (4, 3)

    second = serve(env, port, cwd=tmp_path)
    try:
        recovered = wait_until(
            lambda: [status for status, _ in welcome_effects()] == ["done"] * NEWCOMERS,
            seconds=30,
        )
        recovered_in = time.monotonic() - killed_at
    finally:
        second.terminate()
        # The supervisor gives its workers STOP_SECONDS to finish what they hold, then kills them.
        output = second.communicate(timeout=STOP_SECONDS + 10)[0].decode()
    attempts = [attempts for _, attempts in welcome_effects()]
    engine.dispose()

    assert recovered, output
    assert welcomed(fake, user_ids) == dict.fromkeys(user_ids, 1)
    # The dead process's claims were taken over (and so looked up in Slack before posting).
    assert max(attempts) == 2
    # Startup of the new process plus at most one lease, not the minutes a long lease would take.
    assert recovered_in < 15, f"took {recovered_in:.1f} s\n{output}"
    print(f"\n{NEWCOMERS - sent_before} welcomes sent {recovered_in:.1f} s after kill -9")
