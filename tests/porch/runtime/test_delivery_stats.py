"""Slack's own limits: how Porch answered the last hour's deliveries, and `app_rate_limited`.

The rolling count is checked on its own with a manual monotonic clock (an hour passes
instantly), then over real HTTP: the figures in /healthz, slow and failing answers, the warning
at 1 %, and the managers' notice once per hour per workspace in the fake Slack.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import Engine, func, select

from porch.core import inbox
from porch.core.config import Config
from porch.core.domain_events import Newcomer, TeamJoined
from porch.core.store.schema import effects, inbox_events
from porch.runtime.delivery_stats import DeliveryHealth
from porch.sandbox import slack_requests as slack
from porch.sandbox.workspace import SandboxWorkspace
from tests.conftest import MONDAY_MORNING

LOGGER = "porch.runtime.delivery_stats"


class Ticking:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage() for r in caplog.records if r.name == LOGGER and r.levelno == logging.WARNING
    ]


# ---- the rolling count ---------------------------------------------------------------------


def test_counts_non_200_and_late_answers_over_a_rolling_hour():
    clock = Ticking()
    health = DeliveryHealth(clock=clock)
    health.record(status=200, seconds=0.01)
    health.record(status=500, seconds=0.01)
    clock.now += 30 * 60
    health.record(status=200, seconds=3.5)
    health.record(status=200, seconds=2.9)

    figures = health.figures()
    assert (figures.last_hour, figures.not_ok, figures.late) == (4, 2, 1)
    assert figures.as_json()["share"] == 0.5

    clock.now += 31 * 60  # the first two are now more than an hour old
    assert health.figures().as_json() == {"last_hour": 2, "not_ok": 1, "late": 1, "share": 0.5}
    clock.now += 60 * 60
    assert health.figures().as_json() == {"last_hour": 0, "not_ok": 0, "late": 0, "share": 0.0}


def test_warns_once_per_crossing_of_one_percent(caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.INFO, logger=LOGGER)
    clock = Ticking()
    health = DeliveryHealth(clock=clock)
    for _ in range(198):
        health.record(status=200, seconds=0.01)
    health.record(status=401, seconds=0.01)
    assert warnings(caplog) == []  # 1 of 199: 0.5 %

    health.record(status=200, seconds=4.0)  # 2 of 200: reaches 1 %
    health.record(status=503, seconds=0.01)
    health.record(status=200, seconds=5.0)
    assert len(warnings(caplog)) == 1
    assert warnings(caplog)[0].startswith("2 of the 200 Events API deliveries")

    clock.now += 61 * 60  # the bad hour ages out; the next answers are fine
    health.record(status=200, seconds=0.01)
    assert any("back under" in r.getMessage() for r in caplog.records if r.name == LOGGER)
    health.record(status=500, seconds=0.01)  # 1 of 2: too few answers to judge, no warning
    assert len(warnings(caplog)) == 1
    for _ in range(98):
        health.record(status=200, seconds=0.01)
    assert len(warnings(caplog)) == 2, "a new crossing, once there are enough answers, warns"


# ---- over HTTP -----------------------------------------------------------------------------


def healthz(workspace: SandboxWorkspace) -> dict[str, object]:
    response = requests.get(f"{workspace.url}/healthz", timeout=5)
    assert response.status_code == 200
    return response.json()["deliveries"]


def test_healthz_counts_deliveries_and_bad_answers(workspace: SandboxWorkspace):
    for n in range(3):
        assert workspace.sender.event(slack.url_verification(f"c{n}")).status_code == 200
    body = b'{"type": "event_callback"}'
    forged = slack.sign(body=body, signing_secret="not-the-secret", timestamp=int(time.time()))
    headers = {"Content-Type": "application/json"}
    assert workspace.sender.raw(body, {**headers, **forged}).status_code == 401
    # Unsigned requests are not Slack's, and commands are not Events API deliveries.
    assert workspace.sender.raw(body, headers).status_code == 401
    workspace.command(workspace.manager, "help")

    assert healthz(workspace) == {"last_hour": 4, "not_ok": 1, "late": 0, "share": 0.25}


def test_a_malformed_signed_body_counts_as_a_bad_answer(workspace: SandboxWorkspace):
    body = b"{not json"
    headers = slack.sign(
        body=body, signing_secret=workspace.sender.signing_secret, timestamp=int(time.time())
    )
    response = workspace.sender.raw(body, {"Content-Type": "application/json", **headers})
    assert response.status_code == 400
    assert healthz(workspace) == {"last_hour": 1, "not_ok": 1, "late": 0, "share": 1.0}


def test_a_slow_answer_counts_as_late(
    config: Config, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The edge's insert waits behind a transaction the test holds open, as it would behind a
    slow database; Porch answers 200, but later than `late_after`."""
    monkeypatch.chdir(tmp_path)
    workspace = SandboxWorkspace(
        config=config,
        engine=engine,
        start=MONDAY_MORNING,
        deliveries=DeliveryHealth(late_after=0.2),
    )
    workspace.start()
    try:
        user = workspace.add_user("U0ANA00001", "Ana", "Ana")
        envelope = slack.event_callback(team_id=workspace.fake.team_id, event=slack.team_join(user))
        answers: list[slack.Response] = []
        sending = threading.Thread(target=lambda: answers.append(workspace.sender.event(envelope)))
        with engine.connect() as conn:
            held = conn.begin()
            # The same key: PostgreSQL makes the edge's insert wait for this transaction, and
            # SQLite makes every writer wait for it.
            inbox.accept(
                conn,
                team_id=workspace.fake.team_id,
                event_id=envelope["event_id"],
                event=TeamJoined(user=Newcomer.from_slack(user)),
                now=MONDAY_MORNING,
            )
            sending.start()
            time.sleep(0.5)
            held.rollback()
        sending.join(timeout=10)

        assert answers[0].status_code == 200
        assert answers[0].elapsed_seconds > 0.2
        assert healthz(workspace) == {"last_hour": 1, "not_ok": 1, "late": 1, "share": 1.0}
    finally:
        workspace.stop()


def test_the_warning_is_logged_once_when_one_percent_is_reached(
    workspace: SandboxWorkspace, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.INFO, logger=LOGGER)
    for n in range(99):
        assert workspace.sender.event(slack.url_verification(f"c{n}")).status_code == 200
    assert warnings(caplog) == []

    body = b'{"type": "event_callback"}'
    for _ in range(3):
        forged = slack.sign(body=body, signing_secret="not-the-secret", timestamp=int(time.time()))
        response = workspace.sender.raw(body, {"Content-Type": "application/json", **forged})
        assert response.status_code == 401

    assert len(warnings(caplog)) == 1
    assert "1 of the 100 Events API deliveries" in warnings(caplog)[0]
    assert healthz(workspace) == {"last_hour": 102, "not_ok": 3, "late": 0, "share": 0.0294}


# ---- app_rate_limited ----------------------------------------------------------------------


def minute(hour: int, minute: int) -> int:
    return int(dt.datetime(2026, 11, 2, hour, minute, tzinfo=dt.UTC).timestamp())


def notices(workspace: SandboxWorkspace) -> list[dict[str, object]]:
    channel = workspace.fake.channel_id(workspace.config.channels.moderators)
    return [
        m
        for m in workspace.fake.messages(channel)
        if "holding back events" in str(m["text"]) + str(m["blocks"])
    ]


def test_app_rate_limited_tells_the_managers_once_per_hour(workspace: SandboxWorkspace):
    team = workspace.fake.team_id

    def notice(at: int) -> None:
        envelope = slack.app_rate_limited(team_id=team, minute_rate_limited=at)
        response = workspace.sender.event(envelope)
        assert response.status_code == 200
        workspace.settle()

    notice(minute(10, 5))
    notice(minute(10, 5))  # Slack's redelivery of the same notice
    notice(minute(10, 40))
    assert len(notices(workspace)) == 1
    blocks = str(notices(workspace)[0]["blocks"])
    assert "Since 11:05 (Europe/Berlin)" in blocks  # 10:05 UTC, in the community's timezone
    assert "What to do" in blocks

    notice(minute(11, 2))
    assert len(notices(workspace)) == 2
    with workspace.engine.begin() as conn:
        kinds = select(func.count()).where(inbox_events.c.kind == "app_rate_limited")
        assert conn.execute(kinds).scalar() == 3
        keys = select(effects.c.effect_key).where(effects.c.effect_key.like("app-rate-limited:%"))
        assert sorted(conn.execute(keys).scalars()) == [
            f"app-rate-limited:{team}:2026-11-02T10",
            f"app-rate-limited:{team}:2026-11-02T11",
        ]
    assert healthz(workspace)["not_ok"] == 0


def test_a_malformed_app_rate_limited_is_acknowledged_and_ignored(workspace: SandboxWorkspace):
    envelope = slack.app_rate_limited(team_id=workspace.fake.team_id)
    envelope["minute_rate_limited"] = "x"
    assert workspace.sender.event(envelope).status_code == 200
    workspace.settle()
    assert notices(workspace) == []
    with workspace.engine.begin() as conn:
        assert conn.execute(select(func.count()).select_from(inbox_events)).scalar() == 0
