"""The hostile requests of issue 9, each with the answer it must get from the real endpoint.

Every one of them used to be a 500 with a traceback (the unsigned ones too). Now: 401 for
anything not signed, 413 for a body over the cap, 400 for a signed body that is not what Slack
sends, 200 for an Events API delivery Porch cannot use (so Slack stops redelivering it); one log
line each, never a traceback, nothing stored.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
import requests
from sqlalchemy import Engine, MetaData, func, select

from porch.core.clock import ManualClock
from porch.core.store.schema import inbox_events, members
from porch.features.onboarding.ids import Action, View
from porch.runtime.edge import MAX_BODY_BYTES, SlackEdge
from porch.sandbox import slack_requests as slack
from porch.sandbox.workspace import SIGNING_SECRET, SandboxWorkspace

JSON_TYPE = {"Content-Type": "application/json"}
FORM_TYPE = {"Content-Type": "application/x-www-form-urlencoded"}


def signed(body: bytes, content: dict[str, str] = JSON_TYPE, *, age: int = 0) -> dict[str, str]:
    stamp = int(time.time()) - age
    return {**content, **slack.sign(body=body, signing_secret=SIGNING_SECRET, timestamp=stamp)}


def form(**fields: str) -> bytes:
    return urlencode(fields).encode()


def interaction(payload: object) -> bytes:
    return form(payload=json.dumps(payload))


@dataclass(frozen=True)
class Case:
    name: str
    body: bytes
    headers: Callable[[bytes], dict[str, str]]
    status: int


def unsigned(body: bytes) -> dict[str, str]:
    return JSON_TYPE


def deep(levels: int) -> bytes:
    return b'{"a":' * levels + b"1" + b"}" * levels


TEAM_JOIN = slack.team_join({"id": "U0ANA00001", "name": "ana", "profile": {}})
BUTTON = slack.block_actions(team_id="T0PORCH", user_id="U0ANA00001", action_id=Action.OPT_OUT)
COMMAND = slack.slash_command(
    team_id="T0PORCH", user_id="U0ANA00001", command="/porch", text="help", channel_id="C0MODS"
)


def without(payload: dict[str, object], key: str) -> dict[str, object]:
    return {k: v for k, v in payload.items() if k != key}


CASES = [
    # Unsigned: refused before anything parses the body.
    Case("unsigned [1]", b"[1]", unsigned, 401),
    Case("unsigned null", b"null", unsigned, 401),
    Case("unsigned 42", b"42", unsigned, 401),
    Case("unsigned interaction payload=[1]", form(payload="[1]"), lambda b: FORM_TYPE, 401),
    Case(
        "unsigned event",
        json.dumps(slack.event_callback(team_id="T0PORCH", event=TEAM_JOIN)).encode(),
        unsigned,
        401,
    ),
    Case(
        "non-numeric timestamp",
        b"{}",
        lambda b: {**signed(b), "X-Slack-Request-Timestamp": "soon"},
        401,
    ),
    Case("timestamp six minutes old", b"{}", lambda b: signed(b, age=6 * 60), 401),
    Case("timestamp six minutes ahead", b"{}", lambda b: signed(b, age=-6 * 60), 401),
    Case(
        "malformed signature",
        b"{}",
        lambda b: {**signed(b), "X-Slack-Signature": "v0=not-hex"},
        401,
    ),
    Case(
        "signature header not ASCII",
        b"{}",
        lambda b: {**signed(b), "X-Slack-Signature": "v0=" + "é" * 64},
        401,
    ),
    Case("wrong signature", b"{}", lambda b: {**signed(b"{ }")}, 401),
    # Too big, signed or not.
    Case("huge body", b'{"a": "' + b"x" * MAX_BODY_BYTES + b'"}', signed, 413),
    # Signed, but not the JSON or form Slack sends.
    Case("signed [1]", b"[1]", signed, 400),
    Case("signed null", b"null", signed, 400),
    Case("signed 42", b"42", signed, 400),
    Case("signed not JSON", b"{not json", signed, 400),
    Case("signed but not UTF-8", b'{"type": "\xff"}', signed, 401),
    Case("deep nesting (RecursionError)", b"[" * 100_000 + b"]" * 100_000, signed, 400),
    Case("nesting deeper than Slack's", deep(100), signed, 400),
    Case(
        "lone surrogate in a button",
        interaction({**BUTTON, "trigger_id": "\ud800"}),
        lambda b: signed(b, FORM_TYPE),
        400,
    ),
    Case("interaction payload=[1]", form(payload="[1]"), lambda b: signed(b, FORM_TYPE), 400),
    Case("interaction payload=null", form(payload="null"), lambda b: signed(b, FORM_TYPE), 400),
    Case("interaction payload not JSON", form(payload="{"), lambda b: signed(b, FORM_TYPE), 400),
    Case(
        "event that is not an object",
        json.dumps({"type": "url_verification", "event": 5}).encode(),
        signed,
        400,
    ),
    Case(
        "actions not a list",
        interaction({**BUTTON, "actions": "porch_followups_opt_out"}),
        lambda b: signed(b, FORM_TYPE),
        400,
    ),
    # Signed interactivity and commands that lack what the handler needs: 400, one line.
    Case(
        "button without a user",
        interaction(without(BUTTON, "user")),
        lambda b: signed(b, FORM_TYPE),
        400,
    ),
    Case(
        "button with a numeric team",
        interaction({**BUTTON, "team": {"id": 7}}),
        lambda b: signed(b, FORM_TYPE),
        400,
    ),
    Case(
        "button no listener takes",
        interaction(slack.block_actions(team_id="T0PORCH", user_id="U0ANA00001", action_id="nope")),
        lambda b: signed(b, FORM_TYPE),
        400,
    ),
    Case(
        "personalise submission with private_metadata not JSON",
        interaction(
            slack.view_submission(
                team_id="T0PORCH",
                user_id="U0MANAGER1",
                callback_id=View.PERSONALISE_WELCOME,
                values={"welcome_text": {"welcome_text": "Hi"}},
                private_metadata="{",
            )
        ),
        lambda b: signed(b, FORM_TYPE),
        400,
    ),
    Case(
        "personalise submission with private_metadata a list",
        interaction(
            slack.view_submission(
                team_id="T0PORCH",
                user_id="U0MANAGER1",
                callback_id=View.PERSONALISE_WELCOME,
                values={"welcome_text": {"welcome_text": "Hi"}},
                private_metadata="[1]",
            )
        ),
        lambda b: signed(b, FORM_TYPE),
        400,
    ),
    Case(
        "command without user_id",
        urlencode(without(COMMAND, "user_id")).encode(),
        lambda b: signed(b, FORM_TYPE),
        400,
    ),
    # Signed Events API deliveries Porch cannot use: acknowledged so Slack stops retrying.
    Case(
        "event delivery without an event",
        json.dumps({"type": "event_callback", "team_id": "T0PORCH", "event_id": "Ev1"}).encode(),
        signed,
        200,
    ),
    Case(
        "event is a list",
        json.dumps({"type": "event_callback", "event_id": "Ev1", "event": [1]}).encode(),
        signed,
        200,
    ),
    Case(
        "team_join without a user",
        json.dumps(
            slack.event_callback(team_id="T0PORCH", event=without(TEAM_JOIN, "user"))
        ).encode(),
        signed,
        200,
    ),
    Case(
        "event without team_id",
        json.dumps(
            without(slack.event_callback(team_id="T0PORCH", event=TEAM_JOIN), "team_id")
        ).encode(),
        signed,
        200,
    ),
    Case(
        "event_id not text",
        json.dumps(
            {**slack.event_callback(team_id="T0PORCH", event=TEAM_JOIN), "event_id": 9}
        ).encode(),
        signed,
        200,
    ),
    Case(
        "reaction without an item",
        json.dumps(
            slack.event_callback(
                team_id="T0PORCH",
                event={"type": "reaction_added", "user": "U0ANA00001", "reaction": "wave"},
            )
        ).encode(),
        signed,
        200,
    ),
    Case(
        "message with a numeric channel",
        json.dumps(
            slack.event_callback(
                team_id="T0PORCH",
                event={"type": "message", "user": "U0ANA00001", "channel": 5, "ts": "1.2"},
            )
        ).encode(),
        signed,
        200,
    ),
    Case(
        "message with a subtype list",
        json.dumps(
            slack.event_callback(
                team_id="T0PORCH",
                event={"type": "message", "user": "U0ANA00001", "subtype": [], "ts": "1.2"},
            )
        ).encode(),
        signed,
        200,
    ),
    Case(
        "lone surrogate in an event",
        b'{"type": "event_callback", "event_id": "Ev1", "event": '
        b'{"type": "message", "text": "\\ud800"}}',
        signed,
        200,
    ),
    Case(
        "event nested deeper than Slack's",
        json.dumps(
            slack.event_callback(team_id="T0PORCH", event={**TEAM_JOIN, "x": [[[[[[[[[[1]]]]]]]]]]})
        )
        .replace("[1]", json.dumps(json.loads(deep(60))))
        .encode(),
        signed,
        200,
    ),
    Case(
        "event type no listener takes",
        json.dumps(
            slack.event_callback(team_id="T0PORCH", event={"type": "emoji_changed"})
        ).encode(),
        signed,
        200,
    ),
]


def row_counts(engine: Engine) -> dict[str, int]:
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as conn:
        return {
            name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in metadata.tables.items()
            if name != "alembic_version"
        }


def test_hostile_requests_get_their_status_one_log_line_and_change_nothing(
    workspace: SandboxWorkspace, caplog: pytest.LogCaptureFixture
):
    before = row_counts(workspace.engine)
    answered, lines = {}, {}
    # A minute passes between cases, so a reason an earlier case gave is logged again (within a
    # minute it would only be counted: test_a_flood_of_refusals_is_one_line_per_reason).
    clock = workspace.runtime.porch.failures.clock = ManualClock(dt.datetime.now(dt.UTC))
    for case in CASES:
        clock.advance(dt.timedelta(minutes=1))
        caplog.clear()
        with caplog.at_level(logging.INFO):
            answered[case.name] = workspace.sender.raw(case.body, case.headers(case.body))
        tracebacks = [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
        assert not tracebacks, (case.name, tracebacks[0].getMessage())
        lines[case.name] = len(
            [
                r
                for r in caplog.records
                if r.levelno >= logging.WARNING and r.name != "porch.runtime.delivery_stats"
            ]
        )

    assert {name: r.status_code for name, r in answered.items()} == {
        case.name: case.status for case in CASES
    }
    assert lines == {case.name: 1 for case in CASES}
    workspace.runtime.inbox.drain()
    assert row_counts(workspace.engine) == before
    assert requests.get(f"{workspace.url}/healthz", timeout=5).status_code == 200


def test_a_flood_of_refusals_is_one_line_per_reason_then_a_count_a_minute(
    workspace: SandboxWorkspace, caplog: pytest.LogCaptureFixture
):
    clock = workspace.runtime.porch.failures.clock = ManualClock(dt.datetime.now(dt.UTC))
    unsigned = slack.event_callback(team_id="T0PORCH", event={"type": "team_join"})
    with caplog.at_level(logging.INFO):
        for _ in range(3):
            for _ in range(40):
                assert workspace.sender.raw(b"{}", signed(b"{ }")).status_code == 401
                body = json.dumps(unsigned).encode()
                assert workspace.sender.raw(body, JSON_TYPE).status_code == 401
            clock.advance(dt.timedelta(seconds=30))
    lines = [r.getMessage() for r in caplog.records if r.name == "porch.runtime.edge"]

    assert lines == [
        "refused a request from 127.0.0.1 with 401: invalid signature",
        "refused a request from 127.0.0.1 with 401: missing or malformed X-Slack-Request-Timestamp",
        "79 more refused requests (invalid signature) in the last minute; the last: "
        "refused a request from 127.0.0.1 with 401: invalid signature",
        "79 more refused requests (missing or malformed X-Slack-Request-Timestamp) in the last "
        "minute; the last: refused a request from 127.0.0.1 with 401: missing or malformed "
        "X-Slack-Request-Timestamp",
    ]


def test_url_verification_and_ssl_check_still_work(workspace: SandboxWorkspace):
    response = workspace.sender.event(slack.url_verification("c-123"))
    assert (response.status_code, response.json()) == (200, {"challenge": "c-123"})

    body = form(ssl_check="1", token=slack.VERIFICATION_TOKEN)
    assert workspace.sender.raw(body, signed(body, FORM_TYPE)).status_code == 200
    assert workspace.sender.raw(body, FORM_TYPE).status_code == 401


def test_a_declared_length_over_the_cap_is_refused_unread(workspace: SandboxWorkspace):
    """Content-Length is checked before the body is read. (waitress buffers a body before the
    app sees it, so this calls the WSGI app directly; `porch serve` also caps waitress.)"""

    class Unreadable(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            raise AssertionError("the body was read")

    body = b"{}"
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/slack/events",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(MAX_BODY_BYTES + 1),
        "HTTP_X_SLACK_REQUEST_TIMESTAMP": signed(body)["X-Slack-Request-Timestamp"],
        "HTTP_X_SLACK_SIGNATURE": signed(body)["X-Slack-Signature"],
        "wsgi.input": Unreadable(body),
    }
    statuses: list[str] = []
    workspace.runtime.wsgi()(environ, lambda status, headers: statuses.append(status))
    assert statuses == ["413 Request Entity Too Large"]


def test_a_valid_event_with_text_at_the_edge_of_the_rules_is_stored_once(
    workspace: SandboxWorkspace,
):
    """The edge refuses what Slack never sends, not what it does: a long message in a
    supported script with emoji is stored, its text bounded."""
    channel = workspace.fake.channel_id(workspace.config.channels.introductions)
    text = "héllo 👋 " * 1000
    ts = workspace.fake.add_message(channel, user="U0ANA00001", text=text)
    envelope = slack.event_callback(
        team_id=workspace.fake.team_id,
        event=slack.message(user="U0ANA00001", channel=channel, text=text, ts=ts),
    )
    assert workspace.sender.event(envelope).status_code == 200
    assert row_counts(workspace.engine)["inbox_events"] == 1


def test_without_a_signing_secret_every_request_is_refused(workspace: SandboxWorkspace):
    """Socket Mode needs no signing secret; over HTTP nothing can be verified without one."""
    edge = SlackEdge(app=workspace.runtime.app, signing_secret="")
    body = b"{}"
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/slack/events",
        "CONTENT_LENGTH": "2",
        "HTTP_X_SLACK_REQUEST_TIMESTAMP": signed(body)["X-Slack-Request-Timestamp"],
        "HTTP_X_SLACK_SIGNATURE": signed(body)["X-Slack-Signature"],
        "wsgi.input": io.BytesIO(body),
    }
    statuses: list[str] = []
    edge(environ, lambda status, headers: statuses.append(status))
    assert statuses == ["401 Unauthorized"]


def test_nul_characters_are_dropped_before_they_reach_a_text_column(workspace: SandboxWorkspace):
    """PostgreSQL refuses NUL in text: found by the fuzz suite as a failed inbox row."""
    user = workspace.fake.add_user("U0NUL00001", name="nul", display_name="N\x00ul")
    assert (
        workspace.sender.event(
            slack.event_callback(team_id=workspace.fake.team_id, event=slack.team_join(user))
        ).status_code
        == 200
    )
    workspace.runtime.inbox.drain()

    with workspace.engine.connect() as conn:
        assert conn.execute(select(inbox_events.c.status)).scalars().all() == ["done"]
        name = conn.execute(
            select(members.c.display_name).where(members.c.user_id == "U0NUL00001")
        ).scalar_one()
    assert name == "Nul"
