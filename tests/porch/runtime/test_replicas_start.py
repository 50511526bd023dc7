"""Two replicas of `porch serve` started at the same instant on an empty PostgreSQL database
(issue 19): both migrate, reconcile and take every delivery (a load balancer retrying on the
other one), and still every welcome, post, reaction and row exists exactly once."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from porch.core import inbox
from porch.core.store import connect
from porch.core.store.schema import inbox_events, members
from porch.sandbox import slack_requests as slack
from porch.sandbox.slack_api import FakeSlack
from tests.conftest import Database
from tests.porch.runtime.test_cli import first_answer, free_port
from tests.porch.runtime.test_recovery import database_url, wait_until
from tests.porch.runtime.test_workers import SECRET, fake, porch_env

__all__ = ["fake"]

pytestmark = pytest.mark.postgres

NEWCOMERS = 12
MEMBERS = 8


def start_together(
    env: dict[str, str], cwd: Path, count: int
) -> list[tuple[str, subprocess.Popen]]:
    """`count` replicas launched back to back, then waited for: none waits for another."""
    started = []
    for n in range(count):
        port = free_port()
        log = (cwd / f"replica{n}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "porch.runtime.cli", "serve", "--host", "127.0.0.1"],
            env={**env, "PORT": str(port)},
            cwd=cwd,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        started.append((f"http://127.0.0.1:{port}", process))
    for url, process in started:
        first_answer(f"{url}/healthz", process=process)
    return started


def to_both(urls: list[str], envelope: dict) -> list[int]:
    """One delivery sent to every replica at the same moment (Slack's retry, a balancer's)."""
    statuses: list[int] = []

    def send(url: str) -> None:
        with slack.SlackSender(url=f"{url}/slack/events", signing_secret=SECRET) as sender:
            statuses.append(sender.event(envelope).status_code)

    threads = [threading.Thread(target=send, args=(url,)) for url in urls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return statuses


def test_two_replicas_started_at_once_on_an_empty_database_do_everything_once(
    fake: FakeSlack, empty_database: Database, tmp_path: Path
):
    if not empty_database.url.startswith("postgresql"):
        pytest.skip("replicas share a PostgreSQL database")
    existing = [fake.add_user(f"U0OLD{n:04d}", name=f"old{n}") for n in range(MEMBERS)]
    newcomers = [fake.add_user(f"U0NEW{n:04d}", name=f"new{n}") for n in range(NEWCOMERS)]
    introductions = fake.channel_id("introductions")
    replicas = start_together(porch_env(fake, empty_database), tmp_path, 2)
    urls = [url for url, _ in replicas]
    intros: list[str] = []
    try:
        for user in newcomers:
            joined = slack.event_callback(team_id=fake.team_id, event=slack.team_join(user))
            assert to_both(urls, joined) == [200, 200]
        for user in newcomers:
            text = f"Hello, I am {user['name']}"
            ts = fake.add_message(introductions, user=user["id"], text=text)
            intros.append(ts)
            posted = slack.message(
                user=user["id"], channel=introductions, text=text, ts=ts, team=fake.team_id
            )
            envelope = slack.event_callback(team_id=fake.team_id, event=posted)
            assert to_both(urls, envelope) == [200, 200]

        def all_done() -> bool:
            return all(fake.dm_messages(u["id"]) for u in newcomers) and all(
                fake.reactions(introductions, ts) for ts in intros
            )

        assert wait_until(all_done, seconds=60)
        time.sleep(3)  # anything done twice would show by now (effect leases are 2 s)
    finally:
        for _, process in replicas:
            process.terminate()
        for _, process in replicas:
            process.wait(timeout=30)

    # Every newcomer welcomed once, nobody already there welcomed twice.
    assert {u["id"]: len(fake.dm_messages(u["id"])) for u in newcomers} == dict.fromkeys(
        (u["id"] for u in newcomers), 1
    )
    assert all(len(fake.dm_messages(u["id"])) <= 1 for u in existing)
    # Each introduction got the one reaction, from the bot once.
    for ts in intros:
        assert [r["count"] for r in fake.reactions(introductions, ts)] == [1]
    # No post in any channel twice.
    for name in ("general", "introductions", "community-team", "wins", "feedback"):
        posted = Counter(
            (m["text"], m["thread_ts"])
            for m in fake.messages(fake.channel_id(name))
            if m["user"] == fake.bot_user_id
        )
        assert not [post for post, times in posted.items() if times > 1], name
    store = connect(database_url(empty_database))
    try:
        with store.connect() as conn:
            rows = Counter(conn.execute(select(members.c.user_id)).scalars())
            statuses = Counter(conn.execute(select(inbox_events.c.status)).scalars())
            events = conn.execute(select(func.count()).select_from(inbox_events)).scalar_one()
    finally:
        store.dispose()
    everyone = {u["id"] for u in [*existing, *newcomers]}
    assert everyone <= set(rows) and max(rows.values()) == 1
    assert events == 2 * NEWCOMERS and statuses == {inbox.DONE: 2 * NEWCOMERS}
