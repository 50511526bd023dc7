"""Porch's HTTP endpoint as Slack and load balancers see it."""

from __future__ import annotations

import datetime as dt
import json
import time

import requests
from sqlalchemy import func, select

from porch.core.store.schema import effects, inbox_events
from porch.sandbox import slack_requests as slack
from porch.sandbox.workspace import SandboxWorkspace


def test_healthz_answers(workspace: SandboxWorkspace):
    response = requests.get(f"{workspace.url}/healthz", timeout=5)
    assert response.status_code == 200
    assert response.json() == {
        "ok": True,
        "database": "ok",
        "backlog": {
            "events": {"pending": 0, "oldest_seconds": None},
            "effects": {"pending": 0, "oldest_seconds": None},
        },
        "deliveries": {"last_hour": 0, "not_ok": 0, "late": 0, "share": 0.0},
        "background": {
            "inbox": {"processed": 0, "failed": 0, "cpu_seconds": 0.0},
            "effects": {"delivered": 0, "failed": 0, "cpu_seconds": 0.0},
            "jobs": {"cpu_seconds": 0.0},
        },
    }


def test_healthz_counts_what_the_background_did(workspace: SandboxWorkspace):
    workspace.join("U0ANA00001", "Ana")
    workspace.settle()
    background = requests.get(f"{workspace.url}/healthz", timeout=5).json()["background"]
    assert background["inbox"]["processed"] == 1
    assert background["effects"]["delivered"] >= 1  # the welcome DM, and her App Home


def test_healthz_reports_the_backlog_and_the_age_of_the_oldest(workspace: SandboxWorkspace):
    """What waits for the workers, for an operator or an autoscaler to watch."""
    envelope = slack.event_callback(
        team_id=workspace.fake.team_id,
        event=slack.team_join(workspace.add_user("U0ANA00001", "Ana", "Ana")),
    )
    assert workspace.sender.event(envelope).status_code == 200  # stored, not yet processed
    workspace.clock.advance(dt.timedelta(seconds=90))
    backlog = requests.get(f"{workspace.url}/healthz", timeout=5).json()["backlog"]
    assert backlog["events"] == {"pending": 1, "oldest_seconds": 90.0}

    workspace.runtime.inbox.drain()  # the welcome DM is now due, not yet sent
    backlog = requests.get(f"{workspace.url}/healthz", timeout=5).json()["backlog"]
    assert backlog["events"] == {"pending": 0, "oldest_seconds": None}
    assert backlog["effects"]["pending"] >= 1
    workspace.settle()
    backlog = requests.get(f"{workspace.url}/healthz", timeout=5).json()["backlog"]
    assert backlog["effects"] == {"pending": 0, "oldest_seconds": None}


def test_unknown_paths_are_404(workspace: SandboxWorkspace):
    assert requests.get(f"{workspace.url}/nope", timeout=5).status_code == 404


def test_an_unsigned_request_gets_401_and_changes_nothing(workspace: SandboxWorkspace):
    user = workspace.add_user("U0ANA00001", "Ana", "Ana")
    body = json.dumps(slack.event_callback(team_id="T0PORCH", event=slack.team_join(user)))
    response = workspace.sender.raw(body.encode(), {"Content-Type": "application/json"})
    workspace.settle()

    assert response.status_code == 401
    assert workspace.fake.dm_messages("U0ANA00001") == []


def test_a_wrong_signature_gets_401(workspace: SandboxWorkspace):
    body = b'{"type": "event_callback"}'
    headers = slack.sign(body=body, signing_secret="not-the-secret", timestamp=int(time.time()))
    response = workspace.sender.raw(body, {"Content-Type": "application/json", **headers})
    assert response.status_code == 401


def test_a_request_older_than_five_minutes_gets_401(workspace: SandboxWorkspace):
    user = workspace.add_user("U0ANA00001", "Ana", "Ana")
    envelope = slack.event_callback(team_id="T0PORCH", event=slack.team_join(user))
    response = workspace.sender.event(envelope, timestamp=int(time.time()) - 6 * 60)
    assert response.status_code == 401


def test_a_signed_but_malformed_body_gets_a_4xx_not_a_crash(workspace: SandboxWorkspace):
    for body in (b"{not json", b"payload=%7Bbroken"):
        headers = slack.sign(
            body=body, signing_secret=workspace.sender.signing_secret, timestamp=int(time.time())
        )
        response = workspace.sender.raw(body, {"Content-Type": "application/json", **headers})
        assert 400 <= response.status_code < 500, (body, response.status_code)
    assert requests.get(f"{workspace.url}/healthz", timeout=5).status_code == 200


def test_an_event_delivery_without_an_event_is_acknowledged_and_dropped(
    workspace: SandboxWorkspace,
):
    """Slack would redeliver it for hours otherwise; nothing is stored."""
    response = workspace.sender.event({"type": "event_callback", "event_id": "Ev0EMPTY"})
    assert response.status_code == 200
    with workspace.engine.begin() as conn:
        assert conn.execute(select(func.count()).select_from(inbox_events)).scalar() == 0
    assert requests.get(f"{workspace.url}/healthz", timeout=5).status_code == 200


def test_url_verification_echoes_the_challenge(workspace: SandboxWorkspace):
    response = workspace.sender.event(slack.url_verification("abc123"))
    assert response.status_code == 200
    assert response.json()["challenge"] == "abc123"


def test_an_event_delivered_three_times_has_exactly_one_effect(workspace: SandboxWorkspace):
    user = workspace.add_user("U0ANA00001", "Ana", "Ana")
    envelope = slack.event_callback(team_id="T0PORCH", event=slack.team_join(user))
    statuses = [workspace.sender.event(envelope, retry_num=n or None).status_code for n in range(3)]
    workspace.settle()

    assert statuses == [200, 200, 200]
    with workspace.engine.begin() as conn:
        assert conn.execute(select(func.count()).select_from(inbox_events)).scalar() == 1
        welcome = select(func.count()).where(effects.c.effect_key.like("welcome:%"))
        assert conn.execute(welcome).scalar() == 1
    assert len(workspace.fake.dm_messages("U0ANA00001")) == 1


def stored_events(workspace: SandboxWorkspace) -> int:
    with workspace.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(inbox_events)).scalar_one()


def test_the_edge_stores_a_members_event_and_drops_the_bots_own(workspace: SandboxWorkspace):
    """The edge stores Events API deliveries itself (no Bolt listener matching), and drops
    what Porch's own bot did, as Bolt's IgnoringSelfEvents would."""
    channel = workspace.fake.channel_id("general")
    ts = workspace.fake.add_message(channel, user="U0MANAGER1", text="Hello")
    fake = workspace.fake

    def send(event: dict) -> int:
        envelope = slack.event_callback(team_id=fake.team_id, event=event)
        return workspace.sender.event(envelope).status_code

    own_reaction = slack.reaction_added(
        user=fake.bot_user_id, reaction="wave", item_user="U0MANAGER1", channel=channel, ts=ts
    )
    own_post = {
        **slack.message(user=fake.bot_user_id, channel=channel, text="Welcome!", ts="1.000001"),
        "bot_id": fake.bot_id,
    }
    assert send(own_reaction) == 200 and send(own_post) == 200
    assert stored_events(workspace) == 0

    members_reaction = slack.reaction_added(
        user="U0MANAGER1", reaction="wave", item_user="U0MANAGER1", channel=channel, ts=ts
    )
    assert send(members_reaction) == 200
    assert stored_events(workspace) == 1
