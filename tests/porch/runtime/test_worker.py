"""The effect worker under failure: Slack's 429s and 5xx, and a crash between post and record."""

from __future__ import annotations

import datetime as dt
import threading
import time

from slack_sdk import WebClient
from sqlalchemy import select, update

from porch.core.store.schema import effects
from porch.runtime.slack_client import web_client
from porch.runtime.worker import EffectWorker
from porch.sandbox.workspace import SandboxWorkspace


def effect(workspace: SandboxWorkspace, key: str):  # type: ignore[no-untyped-def]
    with workspace.engine.begin() as conn:
        return conn.execute(select(effects).where(effects.c.effect_key == key)).first()


def test_rate_limited_posts_are_retried_after_retry_after(workspace: SandboxWorkspace):
    workspace.fake.rate_limit_next("chat.postMessage", retry_after=1, times=2)
    workspace.join("U0ANA00001", "Ana")
    workspace.settle()

    assert len(workspace.fake.dm_messages("U0ANA00001")) == 1
    statuses = [c.status for c in workspace.fake.calls("chat.postMessage")]
    assert statuses.count(429) == 2


def test_server_errors_are_retried_and_delivered_once(workspace: SandboxWorkspace):
    workspace.fake.fail_next("chat.postMessage", status=503, times=2)
    workspace.join("U0ANA00001", "Ana")
    for minutes in (1, 2, 3):
        workspace.at(workspace.clock.now() + dt.timedelta(minutes=minutes))

    assert len(workspace.fake.dm_messages("U0ANA00001")) == 1
    assert effect(workspace, "welcome:U0ANA00001").status == "done"


def test_a_long_outage_backs_off_and_delivers_later(workspace: SandboxWorkspace):
    workspace.fake.fail_next("chat.postMessage", status=503, times=5)
    workspace.join("U0ANA00001", "Ana")
    workspace.settle()
    pending = effect(workspace, "welcome:U0ANA00001")
    assert pending.status == "pending" and "503" in pending.error

    for _ in range(6):
        workspace.at(workspace.clock.now() + dt.timedelta(minutes=10))
    assert len(workspace.fake.dm_messages("U0ANA00001")) == 1
    assert effect(workspace, "welcome:U0ANA00001").status == "done"


def test_a_crash_after_slack_accepted_the_post_does_not_post_twice(workspace: SandboxWorkspace):
    # Slack stores the message but the answer never arrives: the worker believes it failed.
    # (slack_sdk's default connection-retry handler would re-send here and post twice.)
    workspace.fake.crash_after_next("chat.postMessage")
    workspace.join("U0ANA00001", "Ana")
    workspace.settle()
    assert len(workspace.fake.dm_messages("U0ANA00001")) == 1

    # The retry (or another replica after the lease) looks the message up by its metadata key.
    workspace.at(workspace.clock.now() + dt.timedelta(minutes=5))
    assert len(workspace.fake.dm_messages("U0ANA00001")) == 1
    done = effect(workspace, "welcome:U0ANA00001")
    assert done.status == "done"
    assert workspace.runtime.worker.stats.recovered == 1


def test_a_worker_that_died_mid_delivery_is_replaced_after_its_lease(workspace: SandboxWorkspace):
    workspace.join("U0ANA00001", "Ana")
    # A worker claimed the welcome, posted it, and died before recording it.
    now = workspace.clock.now()
    with workspace.engine.begin() as conn:
        conn.execute(
            update(effects)
            .where(effects.c.effect_key == "welcome:U0ANA00001")
            .values(
                claimed_by="dead-worker", claimed_until=now + dt.timedelta(minutes=2), attempts=1
            )
        )
    row = effect(workspace, "welcome:U0ANA00001")
    WebClient(token=workspace.fake.bot_token, base_url=workspace.fake.api_url).chat_postMessage(
        channel="U0ANA00001",  # what the dead worker managed to send
        text=row.payload["text"],
        metadata={"event_type": "porch_effect", "event_payload": {"key": "welcome:U0ANA00001"}},
    )

    workspace.settle()
    assert effect(workspace, "welcome:U0ANA00001").status == "pending"  # lease still held

    workspace.at(now + dt.timedelta(minutes=3))
    assert len(workspace.fake.dm_messages("U0ANA00001")) == 1
    assert effect(workspace, "welcome:U0ANA00001").status == "done"


def test_a_rate_limited_method_pauses_only_its_own_kind_of_effect(workspace: SandboxWorkspace):
    workspace.fake.rate_limit_next("views.publish", retry_after=30, times=1)
    newcomers = [f"U0NEW0000{n}" for n in range(3)]
    for user_id in newcomers:
        workspace.join(user_id, user_id)
        workspace.open_home(user_id)
    for _ in range(3):
        workspace.runtime.worker.run_once()

    assert all(len(workspace.fake.dm_messages(user_id)) == 1 for user_id in newcomers)
    publishes = workspace.fake.calls("views.publish")
    assert [c.status for c in publishes] == [429]  # paused at once, not hammered
    assert all(workspace.fake.home_view(user_id) is None for user_id in newcomers)


def claimed_by(workspace: SandboxWorkspace, holder: str) -> int:
    with workspace.engine.begin() as conn:
        return len(conn.execute(select(effects.c.id).where(effects.c.claimed_by == holder)).all())


class TickingClock:
    """Real time passing, from the sandbox's moment on (leases are measured on this clock)."""

    def __init__(self, start: dt.datetime) -> None:
        self.start, self.started = start, time.monotonic()

    def now(self) -> dt.datetime:
        return self.start + dt.timedelta(seconds=time.monotonic() - self.started)


def test_a_live_worker_keeps_its_claims_however_long_slack_takes(workspace: SandboxWorkspace):
    newcomers = [f"U0NEW0000{n}" for n in range(4)]
    for user_id in newcomers:
        workspace.join(user_id, user_id)
    workspace.fake.latency_seconds = 0.1  # the batch takes several leases to deliver
    clock = TickingClock(workspace.clock.now())

    def replica() -> EffectWorker:
        return EffectWorker(
            engine=workspace.engine,
            client=web_client(
                token=workspace.fake.bot_token, base_url=workspace.fake.api_url, for_effects=True
            ),
            features=workspace.runtime.porch.features,
            clock=clock,
            lease=dt.timedelta(seconds=0.3),
        )

    busy, other = replica(), replica()
    delivering = threading.Thread(target=busy.run_once)
    delivering.start()
    while delivering.is_alive() and not claimed_by(workspace, busy.holder):
        time.sleep(0.01)
    taken_by_other = 0
    while delivering.is_alive():
        taken_by_other += other.run_once()
        time.sleep(0.05)
    delivering.join()

    assert taken_by_other == 0
    assert all(len(workspace.fake.dm_messages(user_id)) == 1 for user_id in newcomers)
    with workspace.engine.begin() as conn:
        attempts = conn.execute(select(effects.c.attempts)).scalars().all()
    assert attempts and set(attempts) == {1}
