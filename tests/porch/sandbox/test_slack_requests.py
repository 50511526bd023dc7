"""Signed requests from porch.sandbox.slack_requests, checked against slack_sdk's verifier and
a real
Bolt app that answers through the fake workspace.

If these payloads drift from what Bolt recognises (event envelopes, command forms, the
``payload=`` form of interactions), Porch's handler tests would silently stop exercising the
handlers; here such drift fails loudly.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest
from slack_bolt import App, BoltRequest
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from porch.sandbox import slack_requests as sr
from porch.sandbox.slack_api import FakeSlack

SECRET = "sandbox-signing-secret"


def test_signature_verifies_with_slack_sdk() -> None:
    body = json.dumps(sr.url_verification("abc")).encode()
    now = int(time.time())
    headers = sr.sign(body=body, signing_secret=SECRET, timestamp=now)
    verifier = SignatureVerifier(SECRET)
    assert verifier.is_valid_request(body, headers)
    assert not verifier.is_valid_request(body + b" ", headers)
    assert not SignatureVerifier("other-secret").is_valid_request(body, headers)
    stale = sr.sign(body=body, signing_secret=SECRET, timestamp=now - 600)
    assert not verifier.is_valid_request(body, stale)


def test_known_signature_vector() -> None:
    # Recomputed independently: HMAC-SHA256("secret", "v0:1531420618:body").
    headers = sr.sign(body=b"body", signing_secret="secret", timestamp=1531420618)
    assert headers["X-Slack-Request-Timestamp"] == "1531420618"
    expected = SignatureVerifier("secret").generate_signature(timestamp="1531420618", body="body")
    assert headers["X-Slack-Signature"] == expected


def test_payload_shapes() -> None:
    envelope = sr.event_callback(
        team_id="T0PORCH", event=sr.member_joined_channel(user="U1", channel="C1")
    )
    assert envelope["type"] == "event_callback"
    assert envelope["event_id"].startswith("Ev")
    assert envelope["authorizations"][0]["user_id"] == "U0PORCHBOT"
    assert "inviter" not in envelope["event"]
    assert sr.member_joined_channel(user="U1", channel="C1", inviter="U2")["inviter"] == "U2"
    form = sr.slash_command(
        team_id="T0PORCH", user_id="U1", command="/porch", text="help", channel_id="C1"
    )
    assert all(isinstance(v, str) for v in form.values())
    assert len(form["trigger_id"].split(".")) == 3
    submission = sr.view_submission(
        team_id="T0PORCH", user_id="U1", callback_id="intro", values={"b": {"a": "hi"}}
    )
    assert submission["view"]["state"]["values"] == {
        "b": {"a": {"type": "plain_text_input", "value": "hi"}}
    }


@dataclass
class _Seen:
    retry_nums: list[str | None] = field(default_factory=list)
    submissions: list[dict[str, Any]] = field(default_factory=list)
    shortcuts: list[str] = field(default_factory=list)


def _build_app(fake: FakeSlack, seen: _Seen) -> App:
    app = App(
        token=fake.bot_token,
        signing_secret=SECRET,
        client=WebClient(token=fake.bot_token, base_url=fake.api_url),
        process_before_response=True,
    )

    @app.middleware
    def record_retries(request: BoltRequest, next: Any) -> Any:
        seen.retry_nums.append((request.headers.get("x-slack-retry-num") or [None])[0])
        return next()

    @app.event("team_join")
    def welcome(event: dict[str, Any], client: WebClient) -> None:
        client.chat_postMessage(channel=event["user"]["id"], text="Welcome to Porch!")

    @app.event("app_home_opened")
    def home(event: dict[str, Any], client: WebClient) -> None:
        client.views_publish(user_id=event["user"], view={"type": "home", "blocks": []})

    @app.command("/porch")
    def command(ack: Any, respond: Any, command: dict[str, Any]) -> None:
        ack()
        respond(text=f"you said {command['text']}")

    @app.action("wave")
    def wave(ack: Any, body: dict[str, Any], client: WebClient) -> None:
        ack()
        message = body["message"]
        client.reactions_add(channel=body["channel"]["id"], timestamp=message["ts"], name="wave")

    @app.view("intro")
    def intro(ack: Any, view: dict[str, Any]) -> None:
        ack()
        seen.submissions.append(view["state"]["values"])

    @app.shortcut("save")
    def save(ack: Any, shortcut: dict[str, Any]) -> None:
        ack()
        seen.shortcuts.append(shortcut["message_ts"])

    return app


@pytest.fixture
def bolt(fake: FakeSlack) -> Iterator[tuple[sr.SlackSender, _Seen]]:
    seen = _Seen()
    app = _build_app(fake, seen)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            answer = app.dispatch(BoltRequest(body=body, headers=dict(self.headers.items())))
            payload = answer.body.encode()
            self.send_response(answer.status)
            for name, value in answer.first_headers().items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/slack/events"
    with sr.SlackSender(url=url, signing_secret=SECRET) as sender:
        yield sender, seen
    server.shutdown()
    server.server_close()


def test_bolt_accepts_signed_events_and_retries(
    fake: FakeSlack, bolt: tuple[sr.SlackSender, _Seen]
) -> None:
    sender, seen = bolt
    user = fake.add_user("U1", name="ada")
    envelope = sr.event_callback(team_id=fake.team_id, event=sr.team_join(user))
    assert sender.event(envelope).status_code == 200
    assert sender.event(envelope, retry_num=1).status_code == 200
    assert seen.retry_nums == [None, "1"]
    # Bolt itself does not de-duplicate Slack's redeliveries: that is Porch's job.
    assert [m["text"] for m in fake.dm_messages("U1")] == ["Welcome to Porch!"] * 2

    challenge = sender.event(sr.url_verification("xyz"))
    assert challenge.status_code == 200 and "xyz" in challenge.text

    sender.event(sr.event_callback(team_id=fake.team_id, event=sr.app_home_opened(user="U1")))
    assert fake.home_view("U1") is not None


def test_bolt_rejects_bad_signatures(fake: FakeSlack, bolt: tuple[sr.SlackSender, _Seen]) -> None:
    sender, seen = bolt
    body = json.dumps(sr.url_verification("xyz")).encode()
    headers = {
        "Content-Type": "application/json",
        **sr.sign(body=body, signing_secret="wrong", timestamp=int(time.time())),
    }
    assert sender.raw(body, headers).status_code == 401
    old = sender.event(sr.url_verification("xyz"), timestamp=int(time.time()) - 3600)
    assert old.status_code == 401
    assert seen.retry_nums == []  # rejected before any listener middleware ran


def test_bolt_command_action_view_shortcut(
    fake: FakeSlack, bolt: tuple[sr.SlackSender, _Seen]
) -> None:
    sender, seen = bolt
    fake.add_user("U1", name="ada")
    channel = fake.add_channel("general", members=["U1"])

    url = fake.response_url(channel_id=channel, user_id="U1")
    form = sr.slash_command(
        team_id=fake.team_id,
        user_id="U1",
        command="/porch",
        text="hello",
        channel_id=channel,
        response_url=url,
    )
    assert sender.command(form).status_code == 200
    assert [e["text"] for e in fake.ephemerals(user_id="U1")] == ["you said hello"]

    client = WebClient(token=fake.bot_token, base_url=fake.api_url)
    ts = client.chat_postMessage(channel=channel, text="Say hi to Ada")["ts"]
    message = client.conversations_history(channel=channel)["messages"][0]
    action = sr.block_actions(
        team_id=fake.team_id, user_id="U1", action_id="wave", channel_id=channel, message=message
    )
    assert sender.interactive(action).status_code == 200
    assert fake.reactions(channel, ts)[0]["name"] == "wave"

    submission = sr.view_submission(
        team_id=fake.team_id,
        user_id="U1",
        callback_id="intro",
        values={"about": {"text": "I like looms"}},
    )
    assert sender.interactive(submission).status_code == 200
    assert seen.submissions == [
        {"about": {"text": {"type": "plain_text_input", "value": "I like looms"}}}
    ]

    shortcut = sr.message_shortcut(
        team_id=fake.team_id, user_id="U1", callback_id="save", channel_id=channel, message=message
    )
    assert sender.interactive(shortcut).status_code == 200
    assert seen.shortcuts == [ts]


def test_interactive_body_is_a_payload_form_field(fake: FakeSlack) -> None:
    captured: list[tuple[dict[str, str], bytes]] = []

    class Capture(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            captured.append((dict(self.headers.items()), body))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Capture)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        with sr.SlackSender(url=url, signing_secret=SECRET) as sender:
            payload = sr.block_actions(team_id="T0PORCH", user_id="U1", action_id="go")
            sender.interactive(payload)
            sender.event(sr.url_verification("c"), retry_num=2, retry_reason="http_error")
    finally:
        server.shutdown()
        server.server_close()
    (form_headers, form_body), (event_headers, _) = captured
    assert form_headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert json.loads(parse_qs(form_body.decode())["payload"][0]) == payload
    assert SignatureVerifier(SECRET).is_valid_request(form_body, form_headers)
    assert event_headers["X-Slack-Retry-Num"] == "2"
    assert event_headers["X-Slack-Retry-Reason"] == "http_error"
