"""The inbox processor: stored events reach the features once each, in batches; a crash replays
only what did not commit, and a poisoned event is set aside without holding up the rest."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from porch.core import inbox
from porch.core.domain_events import MessagePosted, TeamJoined
from porch.core.feature import Feature
from porch.core.store.schema import effects, inbox_events, members
from porch.runtime.inbox_processor import LEASE, InboxProcessor
from porch.sandbox import slack_requests as slack
from porch.sandbox.workspace import SandboxWorkspace


class Crash(BaseException):
    """Stands in for the process dying: not an Exception, so nothing in Porch catches it."""


def store_joins(workspace: SandboxWorkspace, count: int) -> list[str]:
    """Deliver `count` joins over HTTP without processing them (as if the processor lagged)."""
    users = []
    for n in range(count):
        user = workspace.add_user(f"U0NEW{n:05d}", f"new{n}", f"Newcomer {n}")
        envelope = slack.event_callback(team_id=workspace.fake.team_id, event=slack.team_join(user))
        assert workspace.sender.event(envelope).status_code == 200
        users.append(user["id"])
    return users


def with_features(workspace: SandboxWorkspace, *extra: Feature) -> InboxProcessor:
    """The running service's processor, with `extra` features plugged in after the real ones."""
    features = workspace.runtime.porch.features
    features.features = [*features.features, *extra]
    return workspace.runtime.inbox


def restarted(workspace: SandboxWorkspace) -> InboxProcessor:
    """A new process's processor: it takes over once the dead one's inbox lease has lapsed."""
    workspace.clock.advance(LEASE)
    return InboxProcessor(
        engine=workspace.engine, features=workspace.runtime.porch.features, clock=workspace.clock
    )


def count(workspace: SandboxWorkspace, table, *where) -> int:  # type: ignore[no-untyped-def]
    with workspace.engine.begin() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def test_events_wait_in_the_inbox_until_processed_then_count_once(workspace: SandboxWorkspace):
    users = store_joins(workspace, 5)
    assert count(workspace, inbox_events, inbox_events.c.status == inbox.PENDING) == 5
    assert count(workspace, members, members.c.user_id.in_(users)) == 0

    assert workspace.runtime.inbox.drain() == 5
    assert workspace.runtime.inbox.drain() == 0
    workspace.settle()

    assert count(workspace, members, members.c.user_id.in_(users)) == 5
    for user in users:
        assert len(workspace.fake.dm_messages(user)) == 1


def test_a_crash_mid_batch_replays_only_what_did_not_commit_and_welcomes_each_newcomer_once(
    workspace: SandboxWorkspace,
):
    users = store_joins(workspace, 6)
    seen: list[str] = []

    def dies_on_the_fourth(conn, team_id, event, now):  # type: ignore[no-untyped-def]
        seen.append(event.user.user_id)
        if len(seen) == 4:
            raise Crash

    dying = with_features(workspace, Feature(name="dies", handles={TeamJoined: dies_on_the_fourth}))
    with pytest.raises(Crash):
        dying.drain()
    # Batches that committed before the crash are done, with their members and welcomes; the
    # batch that crashed left nothing behind, and its events are still pending.
    done = count(workspace, inbox_events, inbox_events.c.status == inbox.DONE)
    assert done < 4
    assert count(workspace, members, members.c.user_id.in_(users)) == done
    assert count(workspace, effects, effects.c.effect_key.like("welcome:%")) == done
    assert count(workspace, inbox_events, inbox_events.c.status == inbox.PENDING) == 6 - done

    workspace.runtime.porch.features.features.pop()  # the process that comes back is healthy
    assert restarted(workspace).drain() == 6 - done
    workspace.settle()
    for user in users:
        assert len(workspace.fake.dm_messages(user)) == 1


def test_a_poisoned_event_is_set_aside_and_the_rest_go_through(
    workspace: SandboxWorkspace, caplog: pytest.LogCaptureFixture
):
    workspace.join("U0ANA00001", "Ana")
    channel = workspace.fake.channel_id("general")

    def refuses_one(conn, team_id, event: MessagePosted, now):  # type: ignore[no-untyped-def]
        if "poison" in event.text:
            raise ValueError("cannot digest this")

    picky = with_features(workspace, Feature(name="picky", handles={MessagePosted: refuses_one}))
    for text in ("hello", "poison", "still here"):
        ts = workspace.fake.add_message(channel, user="U0ANA00001", text=text)
        envelope = slack.event_callback(
            team_id=workspace.fake.team_id,
            event=slack.message(user="U0ANA00001", channel=channel, text=text, ts=ts),
        )
        workspace.sender.event(envelope)
    with caplog.at_level(logging.ERROR, logger="porch.runtime.inbox_processor"):
        assert picky.drain() == 3

    with workspace.engine.begin() as conn:
        statuses = dict(
            conn.execute(
                select(inbox_events.c.status, func.count()).group_by(inbox_events.c.status)
            ).all()
        )
        failed = conn.execute(
            select(inbox_events.c.error).where(inbox_events.c.status == inbox.FAILED)
        ).scalar_one()
    assert statuses == {"done": 3, "failed": 1}  # the join, two messages; one set aside
    assert failed == "ValueError: cannot digest this"
    assert any(r.exc_info for r in caplog.records), "the traceback is logged"
    assert picky.failed == 1


def test_a_second_replica_waits_while_the_first_holds_the_inbox(workspace: SandboxWorkspace):
    store_joins(workspace, 3)
    assert workspace.runtime.inbox.drain() == 3
    store_joins(workspace, 2)
    second = InboxProcessor(
        engine=workspace.engine, features=workspace.runtime.porch.features, clock=workspace.clock
    )
    assert second.run_once() == 0, "the inbox lease belongs to the first replica"
    workspace.clock.advance(LEASE)
    assert second.drain() == 2, "once the first replica's lease lapses, the second takes over"


def test_an_unreachable_store_sets_nothing_aside_and_the_events_wait(
    workspace: SandboxWorkspace, caplog: pytest.LogCaptureFixture
):
    """A dropped connection is not the event's fault: it stays pending for the next pass."""
    store_joins(workspace, 3)
    down = True

    def needs_the_store(conn, team_id, event: TeamJoined, now):  # type: ignore[no-untyped-def]
        if down:
            raise OperationalError("SELECT 1", {}, ConnectionError("server closed the connection"))

    processor = with_features(
        workspace, Feature(name="fragile", handles={TeamJoined: needs_the_store})
    )
    with caplog.at_level(logging.INFO, logger="porch.runtime"):
        for _ in range(3):
            with pytest.raises(OperationalError):
                processor.run_once()
    assert count(workspace, inbox_events, inbox_events.c.status == inbox.PENDING) == 3
    assert processor.failed == 0
    # The loop around run_once logs it, once (test_background.py). (waitress may warn of its
    # queue on a busy machine: not Porch's line.)
    assert not [r for r in caplog.records if r.name.startswith("porch")]

    down = False
    assert processor.drain() == 3
    assert count(workspace, inbox_events, inbox_events.c.status == inbox.DONE) == 3
