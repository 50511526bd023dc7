"""What a feature declares for the requests Slack needs answered at once: buttons, modal
submissions, message shortcuts and slash commands (each a plain function over a typed request,
returning what to reply).

The Slack adapter (handlers/) reads the payload into one of the requests below, checks the
sender against `managers_only` (the one place that rule lives, with the same private refusal
on every surface), calls the feature's function and turns its `Reply` into Slack's answer. So a
feature never touches Bolt or the Web API: it reads fields through `text_at` (a field that is
missing or of the wrong shape is a MalformedPayload, which the adapter answers with a 400) and
records its work through `request.transaction`, in one store transaction; the effect worker
does the Slack I/O afterwards.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol, TypeVar

from sqlalchemy import Connection, Engine

from porch.core.domain_events import TEAM_ID, USER_ID
from porch.core.templating import Message

T = TypeVar("T")

# Slack's trigger_id is digits, dots and hex (about 60 characters); bounded so that the effect
# keys built from it ("welcome-resend:<user>:<trigger>") fit their 200 characters.
TRIGGER_ID = re.compile(r"[0-9a-zA-Z.]{1,128}")
USER_REFERENCE = re.compile(r"<@([UW][A-Z0-9]{1,31})(?:\|[^>]*)?>")


class MalformedPayload(ValueError):
    """A field a listener needs is missing or has the wrong type or shape (a 400)."""


def text_at(
    payload: Any, *path: str, pattern: re.Pattern[str] | None = None, optional: bool = False
) -> str:
    """The text at `path` in a payload, e.g. `text_at(body, "user", "id", pattern=USER_ID)`.

    A signed request is Slack's, but its fields can still be missing or of a type Porch does
    not expect (a forged payload signed with a leaked secret, a changed Slack shape, Socket
    Mode, where the HTTP edge's checks do not run). `optional` turns a missing (or null) value
    into "", never a wrong type into anything. NUL characters are dropped.
    """
    value = payload
    for key in path:
        value = value.get(key) if isinstance(value, Mapping) else None
        if value is None:
            break
    where = ".".join(path)
    if value is None and optional:
        return ""
    if not isinstance(value, str):
        raise MalformedPayload(f"{where} must be text")
    if pattern is not None and not pattern.fullmatch(value):
        raise MalformedPayload(f"{where} is not a valid Slack value")
    # PostgreSQL refuses NUL in text; no one types one in Slack.
    return value.replace("\x00", "")


def json_object(text: str, *, field: str) -> Mapping[str, Any]:
    """A field that holds JSON (private_metadata), parsed; it must be an object."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise MalformedPayload(f"{field} is not JSON") from exc
    if not isinstance(value, Mapping):
        raise MalformedPayload(f"{field} must hold a JSON object")
    return value


class Store(Protocol):
    """The store as a request sees it: one transaction at a time, then the worker is woken."""

    @property
    def engine(self) -> Engine: ...

    def transaction(self, work: Callable[[Connection, dt.datetime], T]) -> T: ...


@dataclass(frozen=True, kw_only=True)
class Request:
    """Who sent a request, from which workspace, and the store to record its work in."""

    team_id: str
    user_id: str
    # "" when Slack sent none (a view submission has none).
    trigger_id: str
    body: Mapping[str, Any]
    store: Store

    def transaction(self, work: Callable[[Connection, dt.datetime], T]) -> T:
        return self.store.transaction(work)

    def read(self, work: Callable[[Connection], T]) -> T:
        with self.store.engine.connect() as conn:
            return work(conn)

    @property
    def response_url(self) -> str:
        return text_at(self.body, "response_url", optional=True)


@dataclass(frozen=True, kw_only=True)
class ActionRequest(Request):
    """A button press or menu choice; `action` is the pressed element."""

    action: Mapping[str, Any]

    @property
    def value(self) -> str:
        return text_at(self.action, "value", optional=True)

    def value_matching(self, pattern: re.Pattern[str]) -> str:
        return text_at(self.action, "value", pattern=pattern)

    @property
    def channel_id(self) -> str:
        return text_at(self.body, "channel", "id", optional=True)


@dataclass(frozen=True, kw_only=True)
class ViewSubmission(Request):
    """A modal's submission: its inputs and the private_metadata Porch put in it (which is
    the sender's to forge: check what it names)."""

    view: Mapping[str, Any]

    def metadata(self) -> Mapping[str, Any]:
        return json_object(text_at(self.view, "private_metadata"), field="private_metadata")

    def text(self, input_id: str) -> str:
        return text_at(self.view, "state", "values", input_id, input_id, "value", optional=True)

    def selected(self, input_id: str) -> str:
        state = ("state", "values", input_id, input_id, "selected_option", "value")
        return text_at(self.view, *state, optional=True)


@dataclass(frozen=True, kw_only=True)
class ShortcutRequest(Request):
    """A message shortcut: the message it was used on, and its channel."""

    @property
    def channel_id(self) -> str:
        return text_at(self.body, "channel", "id")

    @property
    def message(self) -> Mapping[str, Any]:
        message = self.body.get("message")
        if not isinstance(message, Mapping):
            raise MalformedPayload("message must be an object")
        return message


@dataclass(frozen=True, kw_only=True)
class CommandRequest(Request):
    """A slash command; for `/porch <verb> <args>`, `args` is the words after the verb."""

    command: Mapping[str, Any]
    args: str

    def mentioned_users(self) -> list[str]:
        return USER_REFERENCE.findall(self.args)


# What a feature's function answers. None: a plain acknowledgement.


@dataclass(frozen=True)
class Private:
    """A message only the sender sees: the command's ephemeral answer, or (for a button) an
    ephemeral message the worker delivers to the click's response_url, once per click."""

    message: Message
    # For a button: replace the message the button was in instead of adding one.
    replace_original: bool = False


@dataclass(frozen=True)
class Modal:
    """Open a modal. views.open must happen within the trigger's 3 seconds, so this is the one
    Web API call made inside a request."""

    view: Mapping[str, Any]
    callback_id: str | None = None
    private_metadata: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Errors:
    """A modal submission refused: each input's block_id and what to say under it."""

    errors: Mapping[str, str]


Reply = Private | Modal | Errors | None

InteractionKind = Literal["action", "view", "shortcut", "command"]


@dataclass(frozen=True)
class Interaction:
    """One button (action_id), modal (callback_id), message shortcut (callback_id) or slash
    command ("/feedback") a feature answers. `managers_only`: anyone else gets the same
    private refusal, and `handle` is not called."""

    kind: InteractionKind
    id: str
    handle: Callable[[Any], Reply]
    managers_only: bool = False


@dataclass(frozen=True)
class Verb:
    """A `/porch <name>` verb. `later`, when set, runs after the acknowledgement (Bolt's lazy
    listener), for work that outlasts the 3 seconds Slack waits; it sees the same request."""

    name: str
    handle: Callable[[CommandRequest], Reply]
    managers_only: bool = False
    later: Callable[[CommandRequest], None] | None = None
    # One line for `/porch help`, when the verb is listed there.
    summary: str = ""


def who(body: Mapping[str, Any]) -> tuple[str, str]:
    """Workspace and sender of a button, modal or shortcut payload (a 400 when it does not
    say)."""
    return (
        text_at(body, "team", "id", pattern=TEAM_ID),
        text_at(body, "user", "id", pattern=USER_ID),
    )
