"""The HTTP edge: what a request to /slack/events must be before Bolt sees any of it.

Bolt parses the body and indexes the envelope before its own signature check runs, and its
parsers assume Slack's shapes, so a top-level `[1]`, a `payload` that is not an object or a
deeply nested body made it raise, unsigned, and the server answered 500 with a traceback.
Here the order is: signature headers, size, signature, then the body's shape. Every refusal is
a 4xx and a warning line, never a traceback: a client sent it, nothing in Porch failed. A flood
of them is not a flood of lines: one line per reason, then a count a minute (FailureLog). A
signed Events API delivery is the exception: whatever is wrong with it, it is acknowledged with
a 200 (and that one line), since Slack redelivers anything else for hours and counts the
failures against the app.

Limits: Slack's own requests are small (a message is at most 40,000 characters, a view 100
blocks, private_metadata 3,000 characters), so 1 MiB leaves a wide margin while a flood of
large bodies is refused before it is read. The HTTP server (waitress, `http_server`) reads a
body before any app sees it, so it is capped the same way and its refusal is logged the same
way: one warning line with the size and the path, and a 413.

Slack nests blocks a dozen levels at most; 64 is plenty and keeps recursive code downstream
(JSON encoders, copies) far from Python's limit.
"""

from __future__ import annotations

import io
import logging
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.adapter.wsgi.http_response import WsgiHttpResponse
from slack_bolt.request import BoltRequest, payload_utils
from slack_bolt.request.internals import parse_body
from slack_sdk.signature import SignatureVerifier
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server
from waitress.task import ErrorTask
from waitress.utilities import RequestEntityTooLarge

from porch.core.clock import SystemClock
from porch.core.failure_log import HANDLING_REQUESTS, FailureLog
from porch.core.store import unreachable

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024
MAX_DEPTH = 64
# Slack rejects replays older than five minutes; so does Porch, in both directions.
MAX_CLOCK_SKEW_SECONDS = 5 * 60
TIMESTAMP = re.compile(r"[0-9]{1,12}")
SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")
ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
# Envelope fields Bolt reads while it matches listeners and runs its middleware; a wrong type
# in any of them made it raise instead of answering.
TEXTS = ("type", "command", "callback_id", "action_id", "challenge")
OBJECTS = ("event", "view")
# Within an Events API `event`, what Bolt's matchers and middleware read, and Porch after them.
EVENT_TEXTS = ("type", "subtype", "channel_type", "bot_id", "thread_ts", "team", "user_team")
EVENT_OBJECTS = ("message", "previous_message", "assistant_thread", "item")
# A user object in team_join, an ID elsewhere; the same for channels.
EVENT_OBJECTS_OR_TEXTS = ("user", "channel")

BOLT_READERS = (
    payload_utils.to_options,
    payload_utils.to_shortcut,
    payload_utils.to_action,
    payload_utils.to_view,
    payload_utils.to_command,
    payload_utils.to_event,
    payload_utils.to_message,
    payload_utils.to_step,
)

Start = Callable[..., Any]


@dataclass(frozen=True)
class DirectEvents:
    """Events API deliveries the edge stores itself (one workspace's token: its bot is known).

    `store` is handlers/events.py's storer; `types` the event types it takes (anything else
    goes to Bolt, which answers it as before); `bot_user_id` and `bot_id` are this app's bot,
    whose own events Bolt's IgnoringSelfEvents drops, and so does this.
    """

    store: Callable[[dict[str, Any]], None]
    types: frozenset[str]
    bot_user_id: str
    bot_id: str | None

    def takes(self, body: dict[str, Any]) -> bool:
        # Any shape can arrive here (the envelope is checked after): a list is not a type.
        event = body.get("event")
        kind = event.get("type") if isinstance(event, dict) else None
        return body.get("type") == "event_callback" and isinstance(kind, str) and kind in self.types

    def is_own(self, body: dict[str, Any]) -> bool:
        event = body["event"]
        if event.get("type") in KEPT_SELF_EVENTS:
            return False
        user = event.get("user")
        user_id = user.get("id") if isinstance(user, dict) else user
        bot_id = event.get("bot_id")
        return user_id == self.bot_user_id or (bot_id is not None and bot_id == self.bot_id)


# As Bolt's IgnoringSelfEvents: the bot's own joins and leaves still count.
KEPT_SELF_EVENTS = ("member_joined_channel", "member_left_channel")


class Rejected(Exception):
    """A request the edge answers itself: `status` and one line saying why."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class SlackEdge:
    """The WSGI app for Slack's request URL: checks each request, then hands it to Bolt.

    `now` is the wall clock the timestamp is checked against (Slack's, not a test's manual
    clock); `max_body_bytes` is the size cap; `failures` throttles the refusals' warnings and
    says when answering requests recovered from failures (the database down).
    """

    app: App
    signing_secret: str
    path: str = "/slack/events"
    max_body_bytes: int = MAX_BODY_BYTES
    now: Callable[[], float] = time.time
    failures: FailureLog = field(default_factory=lambda: FailureLog(clock=SystemClock()))
    # The fast path for Events API deliveries (see `_store_directly`); None sends them to Bolt.
    events: DirectEvents | None = None

    def __call__(self, environ: dict[str, Any], start_response: Start) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST" or environ.get("PATH_INFO") != self.path:
            return _answer(start_response, 404, "Not Found")
        try:
            request = self.admit(environ)
        except Rejected as refusal:
            self.failures.refused(
                logger,
                "refused a request from %s with %d: %s",
                environ.get("REMOTE_ADDR", "?"),
                refusal.status,
                refusal.reason,
                where="refused requests",
                reason=refusal.reason,
            )
            return _answer(start_response, refusal.status, refusal.reason)
        if request is None:
            return _answer(start_response, 200, "")
        if isinstance(request, dict):
            return self._store_directly(request, start_response)
        response = self.app.dispatch(request)
        if response.status < 500:
            self.failures.succeeded(where=HANDLING_REQUESTS)
        wsgi = WsgiHttpResponse(
            status=response.status, headers=response.headers, body=response.body
        )
        start_response(wsgi.status, wsgi.get_headers())
        return wsgi.get_body()

    def _store_directly(self, body: dict[str, Any], start_response: Start) -> Iterable[bytes]:
        """Store a checked `event_callback` without Bolt: the same function Bolt's listener
        would call, after the one Bolt middleware that matters for events (dropping the bot's
        own). Bolt's listener matching cost an acknowledgement twice the CPU of the storing."""
        events = self.events
        assert events is not None
        try:
            if not events.is_own(body):
                events.store(body)
        except Exception as error:
            status = 503 if unreachable(error) else 500
            self.failures.failed(
                logger, where=HANDLING_REQUESTS, error=error, then=f"answered {status}"
            )
            return _answer(start_response, status, "")
        self.failures.succeeded(where=HANDLING_REQUESTS)
        return _answer(start_response, 200, "")

    def admit(self, environ: dict[str, Any]) -> BoltRequest | dict[str, Any] | None:
        """The request as Bolt will see it; the checked body of an Events API delivery the edge
        stores itself (`events`); None for one that is acknowledged and dropped here; or
        Rejected."""
        if not self.signing_secret:
            # Socket Mode needs none; over HTTP, no request can be verified without it.
            raise Rejected(401, "SLACK_SIGNING_SECRET is not set, so no request can be verified")
        timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP")
        signature = environ.get("HTTP_X_SLACK_SIGNATURE")
        if not isinstance(timestamp, str) or not TIMESTAMP.fullmatch(timestamp):
            raise Rejected(401, "missing or malformed X-Slack-Request-Timestamp")
        if not isinstance(signature, str) or not SIGNATURE.fullmatch(signature):
            raise Rejected(401, "missing or malformed X-Slack-Signature")
        if abs(self.now() - int(timestamp)) > MAX_CLOCK_SKEW_SECONDS:
            raise Rejected(401, "stale X-Slack-Request-Timestamp")
        raw = self._read_body(environ)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            # slack_sdk verifies text; Slack sends and signs UTF-8 only.
            raise Rejected(401, "body is not UTF-8, so not a request Slack signed") from exc
        verifier = SignatureVerifier(signing_secret=self.signing_secret, clock=_Clock(self.now))
        if not verifier.is_valid(body=text, timestamp=timestamp, signature=signature):
            raise Rejected(401, "invalid signature")

        # As Bolt reads it: the media type without parameters.
        content_type = (environ.get("CONTENT_TYPE") or "").split(";")[0] or None
        try:
            body = parse_body(text, content_type)
        except (ValueError, RecursionError) as exc:
            raise Rejected(400, f"body is not the JSON or form Slack sends ({_kind(exc)})") from exc
        if not isinstance(body, dict):
            raise Rejected(400, f"body is a JSON {type(body).__name__}, not an object")
        try:
            if self.events is not None and self.events.takes(body):
                # Stored here (see __call__): checked as for Bolt, without building its request.
                _check_values(body, json_text=text if text.lstrip().startswith("{") else None)
                _check_envelope(body)
                return body
            return self._bolt_request(environ, raw=raw, text=text, body=body)
        except Rejected as refusal:
            if body.get("type") != "event_callback":
                raise
            # An Events API delivery Porch cannot use is acknowledged all the same, with one
            # line: Slack would otherwise redeliver it for hours.
            self.failures.refused(
                logger,
                "ignored a malformed event %s: %s",
                repr(body.get("event_id"))[:80],
                refusal.reason,
                where="ignored malformed events",
                reason=refusal.reason,
            )
            return None

    def _bolt_request(
        self, environ: dict[str, Any], *, raw: bytes, text: str, body: dict[str, Any]
    ) -> BoltRequest:
        is_json = text.lstrip().startswith("{")
        _check_values(body, json_text=text if is_json else None)
        _check_envelope(body)
        try:
            # What Bolt derives from every request before it runs a listener, a middleware or
            # even its error handler: if this raises there, nothing can answer the request.
            for read in BOLT_READERS:
                read(body)
        except (KeyError, TypeError, IndexError, AttributeError) as exc:
            raise Rejected(400, f"Bolt cannot read this payload ({_kind(exc)})") from exc

        # Bolt reads the body from the environ again; it gets exactly the bytes checked here.
        environ = {**environ, "wsgi.input": io.BytesIO(raw), "CONTENT_LENGTH": str(len(raw))}
        wsgi_request = WsgiHttpRequest(environ)
        try:
            return BoltRequest(
                body=text, query=wsgi_request.query_string, headers=wsgi_request.get_headers()
            )
        except (ValueError, TypeError, KeyError, AttributeError, IndexError) as exc:
            raise Rejected(400, f"Bolt cannot read this envelope ({_kind(exc)})") from exc

    def _read_body(self, environ: dict[str, Any]) -> bytes:
        declared = environ.get("CONTENT_LENGTH") or "0"
        if not declared.isdigit():
            raise Rejected(400, "malformed Content-Length")
        if int(declared) > self.max_body_bytes:
            raise Rejected(413, f"body over {self.max_body_bytes} bytes")
        stream = environ.get("wsgi.input")
        if stream is None:
            return b""
        # Read at most one byte past the cap, whatever the header said.
        raw = stream.read(min(int(declared), self.max_body_bytes + 1))
        if len(raw) > self.max_body_bytes:
            raise Rejected(413, f"body over {self.max_body_bytes} bytes")
        return raw


def http_server(
    app: Callable[..., Iterable[bytes]], *, failures: FailureLog | None = None, **adjustments: Any
) -> Any:
    """The waitress server `porch serve` (and the sandbox) runs `app` in: not started; call
    `.run()`. waitress buffers a whole body before the app sees it, so it is capped at
    MAX_BODY_BYTES too (or it would spool a huge one to disk first), and the 413 it answers
    itself is logged like the edge's refusals (through `failures`, the edge's)."""
    listeners: dict[int, Any] = {}
    server = create_server(
        app, map=listeners, max_request_body_size=MAX_BODY_BYTES + 1, **adjustments
    )
    # waitress's answer to a body over its cap comes from its channel's error task.
    channel = type(
        "_LoggingChannel",
        (HTTPChannel,),
        {
            "error_task_class": _LoggedErrorTask,
            "failures": failures or FailureLog(clock=SystemClock()),
        },
    )
    for each in listeners.values():
        if isinstance(each, BaseWSGIServer):
            each.channel_class = channel
    return server


class _LoggedErrorTask(ErrorTask):
    """waitress's own error answer, with the edge's one line when it refuses a body's size
    (waitress answers it without calling the app)."""

    def execute(self) -> None:
        request = self.request
        if isinstance(request.error, RequestEntityTooLarge):
            size = max(request.content_length or 0, request.body_bytes_received or 0)
            addr = self.channel.addr
            failures: FailureLog = self.channel.failures  # type: ignore[attr-defined]
            failures.refused(
                logger,
                "refused a request to %s from %s with 413: body of %d bytes, over %d bytes",
                request.path or "?",
                addr[0] if isinstance(addr, tuple) and addr else "?",
                size,
                MAX_BODY_BYTES,
                where="refused requests",
                reason=f"body over {MAX_BODY_BYTES} bytes",
            )
        super().execute()


class _Clock:
    """slack_sdk's clock interface over the edge's `now`."""

    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now

    def now(self) -> float:
        return self._now()


def _check_values(body: Any, *, json_text: str | None = None) -> None:
    """Depth and text, checked without recursion: lone surrogates (which no UTF-8 sender can
    produce and which fail later, in a database driver or a log handler) and nesting deeper
    than Slack's payloads ever are.

    Given the JSON text the body was parsed from, most bodies are cleared without the walk: a
    text with fewer opening brackets than the limit cannot nest that deep, and text decoded
    from UTF-8 holds a lone surrogate only through a \\uD800-\\uDFFF escape.
    """
    if (
        json_text is not None
        and json_text.count("{") + json_text.count("[") < MAX_DEPTH
        and not ESCAPED_SURROGATE.search(json_text)
    ):
        return
    pending: list[tuple[Any, int]] = [(body, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            if not _encodable(value):
                raise Rejected(400, "body holds text with lone surrogates")
        elif isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise Rejected(400, f"body nested deeper than {MAX_DEPTH} levels")
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str) and not _encodable(key):
                    raise Rejected(400, "body holds text with lone surrogates")
                pending.append((item, depth + 1))


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _event_problem(event: Any) -> str | None:
    if not isinstance(event, dict) or not isinstance(event.get("type"), str):
        return "event must be an object with a type"
    for name in EVENT_TEXTS:
        if not isinstance(event.get(name), str | None):
            return f"event.{name} must be text"
    for name in EVENT_OBJECTS:
        if not isinstance(event.get(name), dict | None):
            return f"event.{name} must be an object"
    for name in EVENT_OBJECTS_OR_TEXTS:
        if not isinstance(event.get(name), dict | str | None):
            return f"event.{name} must be an object or text"
    return None


def _check_envelope(body: Mapping[str, Any]) -> None:
    """The envelope fields Bolt reads have the types Slack sends."""
    for name in TEXTS:
        if not isinstance(body.get(name), str | None):
            raise Rejected(400, f"{name} must be text")
    for name in OBJECTS:
        if name in body and not isinstance(body[name], dict):
            raise Rejected(400, f"{name} must be an object")
    if ("event" in body or body.get("type") == "event_callback") and (
        problem := _event_problem(body.get("event"))
    ) is not None:
        raise Rejected(400, problem)
    actions = body.get("actions")
    if actions is not None and not (
        isinstance(actions, list) and actions and all(isinstance(a, dict) for a in actions)
    ):
        raise Rejected(400, "actions must be a non-empty list of objects")
    for action in actions or ():
        if not isinstance(action.get("action_id"), str):
            raise Rejected(400, "actions[].action_id must be text")
        for name in ("block_id", "type"):
            if not isinstance(action.get(name), str | None):
                raise Rejected(400, f"actions[].{name} must be text")
    view = body.get("view")
    if isinstance(view, dict) and not isinstance(view.get("callback_id"), str | None):
        raise Rejected(400, "view.callback_id must be text")


def _kind(exc: BaseException) -> str:
    return type(exc).__name__


def _answer(start_response: Start, status: int, text: str) -> list[bytes]:
    response = WsgiHttpResponse(
        status=status, headers={"content-type": ["text/plain;charset=utf-8"]}, body=text
    )
    start_response(response.status, response.get_headers())
    return list(response.get_body())
