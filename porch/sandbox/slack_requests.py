"""Build and send requests to Porch exactly as Slack would: signed events, commands, actions.

Why this exists: Porch's Bolt app only trusts requests that carry a valid ``X-Slack-Signature``,
and its handlers depend on the precise shape of Slack's payloads (the event envelope with
``event_id`` used for de-duplication, retries marked with ``X-Slack-Retry-Num``, slash commands
as form fields, interactions as a form field ``payload`` holding JSON). The tests, the demo and
the join-storm benchmark use these factories and :class:`SlackSender` to drive the real Bolt app
over HTTP on 127.0.0.1 instead of calling handler functions directly, so signature checks,
parsing and acknowledgement timing are exercised too.

Payload shapes follow Slack's documentation of the Events API envelope, the event types, the
slash command request and the ``block_actions``/``view_submission``/``message_action``
interaction payloads. Deprecated fields Slack still sends (``token``, ``user_name``) are kept.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import string
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import requests

JSON = dict[str, Any]

VERIFICATION_TOKEN = "sandbox-verification-token"
"""Slack's deprecated verification token; Bolt ignores it but Slack still sends one."""

UNBOUND_RESPONSE_URL = "http://127.0.0.1:9/hooks/unbound"
"""Default response_url: local and refused at once, so a stray ``respond()`` never leaves the
machine. Pass ``FakeSlack.response_url(...)`` to observe responses."""

_ALNUM = string.ascii_uppercase + string.digits


def _slack_id(prefix: str, length: int = 10) -> str:
    return prefix + "".join(secrets.choice(_ALNUM) for _ in range(length))


def _now_ts() -> str:
    us = time.time_ns() // 1000
    return f"{us // 1_000_000}.{us % 1_000_000:06d}"


def new_trigger_id() -> str:
    """A trigger id shaped like Slack's (``<digits>.<digits>.<hex>``), unique per call."""
    return (
        f"{secrets.randbelow(10**13):013d}.{secrets.randbelow(10**13):013d}.{secrets.token_hex(16)}"
    )


def sign(*, body: bytes, signing_secret: str, timestamp: int) -> dict[str, str]:
    """Slack's v0 request signature headers for ``body`` sent at ``timestamp`` (epoch seconds)."""
    base = b"v0:" + str(timestamp).encode() + b":" + body
    digest = hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(timestamp), "X-Slack-Signature": f"v0={digest}"}


# ---------------------------------------------------------------------- Events API


def event_callback(
    *,
    team_id: str,
    api_app_id: str = "A0PORCH",
    event: JSON,
    event_id: str | None = None,
    event_time: int | None = None,
    authorized_user_id: str = "U0PORCHBOT",
) -> JSON:
    """The Events API envelope around ``event``; ``event_id`` defaults to a fresh ``Ev...``.

    Reuse the same envelope (same ``event_id``) to model Slack's redeliveries.
    """
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "context_team_id": team_id,
        "context_enterprise_id": None,
        "api_app_id": api_app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or _slack_id("Ev"),
        "event_time": event_time if event_time is not None else int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": authorized_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": "4-" + secrets.token_urlsafe(24),
    }


def url_verification(challenge: str) -> JSON:
    return {"token": VERIFICATION_TOKEN, "challenge": challenge, "type": "url_verification"}


def app_rate_limited(
    *, team_id: str, minute_rate_limited: int | None = None, api_app_id: str = "A0PORCH"
) -> JSON:
    """Slack's notice that it is dropping this workspace's events for the rest of a minute.

    It is a whole envelope with no inner event, POSTed and signed like any other delivery;
    ``minute_rate_limited`` is the epoch second of the minute (default: the current one).
    """
    minute = int(time.time()) // 60 * 60 if minute_rate_limited is None else minute_rate_limited
    return {
        "token": VERIFICATION_TOKEN,
        "type": "app_rate_limited",
        "team_id": team_id,
        "minute_rate_limited": minute,
        "api_app_id": api_app_id,
    }


def team_join(user: JSON, *, event_ts: str | None = None) -> JSON:
    """``team_join``: ``user`` is a full user object, e.g. what ``FakeSlack.add_user`` returns."""
    return {
        "type": "team_join",
        "user": user,
        "cache_ts": int(time.time()),
        "event_ts": event_ts or _now_ts(),
    }


def user_change(user: JSON, *, event_ts: str | None = None) -> JSON:
    """``user_change``: ``user`` is the full user object after the change (``deleted`` set
    when the account was deactivated)."""
    return {
        "type": "user_change",
        "user": user,
        "cache_ts": int(time.time()),
        "event_ts": event_ts or _now_ts(),
    }


def member_joined_channel(
    *,
    user: str,
    channel: str,
    inviter: str | None = None,
    channel_type: str = "C",
    team: str = "T0PORCH",
    event_ts: str | None = None,
) -> JSON:
    event: JSON = {
        "type": "member_joined_channel",
        "user": user,
        "channel": channel,
        "channel_type": channel_type,
        "team": team,
    }
    if inviter is not None:
        event["inviter"] = inviter
    event["event_ts"] = event_ts or _now_ts()
    return event


def message(
    *,
    user: str,
    channel: str,
    text: str,
    ts: str,
    thread_ts: str | None = None,
    channel_type: str = "channel",
    team: str = "T0PORCH",
    parent_user_id: str | None = None,
) -> JSON:
    """A member's ``message`` event (``channel_type``: channel, group, im or mpim)."""
    event: JSON = {
        "type": "message",
        "client_msg_id": str(uuid.uuid4()),
        "text": text,
        "user": user,
        "ts": ts,
        "blocks": [
            {
                "type": "rich_text",
                "block_id": secrets.token_hex(2),
                "elements": [
                    {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}
                ],
            }
        ],
        "team": team,
        "channel": channel,
        "event_ts": ts,
        "channel_type": channel_type,
    }
    if thread_ts is not None:
        event["thread_ts"] = thread_ts
        if parent_user_id is not None:
            event["parent_user_id"] = parent_user_id
    return event


def reaction_added(
    *,
    user: str,
    reaction: str,
    item_user: str,
    channel: str,
    ts: str,
    event_ts: str | None = None,
) -> JSON:
    return {
        "type": "reaction_added",
        "user": user,
        "reaction": reaction,
        "item_user": item_user,
        "item": {"type": "message", "channel": channel, "ts": ts},
        "event_ts": event_ts or _now_ts(),
    }


def reaction_removed(**fields: Any) -> JSON:
    """A ``reaction_removed`` event: the same fields as :func:`reaction_added`."""
    return {**reaction_added(**fields), "type": "reaction_removed"}


def app_home_opened(
    *,
    user: str,
    tab: str = "home",
    channel: str = "D0HOME",
    view: JSON | None = None,
    event_ts: str | None = None,
) -> JSON:
    """``app_home_opened``; pass ``channel=fake.dm_channel(user)`` for the real DM id and
    ``view=fake.home_view(user)`` once a Home view was published (Slack then includes it)."""
    event: JSON = {
        "type": "app_home_opened",
        "user": user,
        "channel": channel,
        "tab": tab,
        "event_ts": event_ts or _now_ts(),
    }
    if view is not None:
        event["view"] = view
    return event


# ---------------------------------------------------------------------- commands & interactivity


def slash_command(
    *,
    team_id: str,
    user_id: str,
    command: str,
    text: str,
    channel_id: str,
    trigger_id: str | None = None,
    user_name: str | None = None,
    channel_name: str = "general",
    team_domain: str = "porch-sandbox",
    api_app_id: str = "A0PORCH",
    response_url: str = UNBOUND_RESPONSE_URL,
) -> dict[str, str]:
    """The form fields of a slash command request (all strings, as Slack sends them)."""
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "team_domain": team_domain,
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_name or user_id.lower(),
        "command": command,
        "text": text,
        "api_app_id": api_app_id,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id or new_trigger_id(),
    }


def _user_ref(user_id: str, team_id: str, user_name: str | None) -> JSON:
    name = user_name or user_id.lower()
    return {"id": user_id, "username": name, "name": name, "team_id": team_id}


def block_actions(
    *,
    team_id: str,
    user_id: str,
    action_id: str,
    value: str | None = None,
    block_id: str | None = None,
    view: JSON | None = None,
    channel_id: str | None = None,
    message: JSON | None = None,
    trigger_id: str | None = None,
    action_type: str = "button",
    selected_option: JSON | None = None,
    user_name: str | None = None,
    team_domain: str = "porch-sandbox",
    api_app_id: str = "A0PORCH",
    response_url: str = UNBOUND_RESPONSE_URL,
) -> JSON:
    """A ``block_actions`` payload for one action, from a view (Home tab or modal) or a message.

    ``view`` is the full view object (e.g. ``fake.home_view(user)``); ``message`` a message as
    conversations.history returns it, with ``channel_id`` set. Message actions carry a
    ``response_url``; view actions do not, as on Slack.
    """
    action: JSON = {
        "action_id": action_id,
        "block_id": block_id or secrets.token_urlsafe(3),
        "type": action_type,
        "action_ts": _now_ts(),
    }
    if action_type == "button":
        action["text"] = {"type": "plain_text", "text": action_id, "emoji": True}
    if value is not None:
        action["value"] = value
    if selected_option is not None:
        action["selected_option"] = selected_option
    payload: JSON = {
        "type": "block_actions",
        "user": _user_ref(user_id, team_id, user_name),
        "api_app_id": api_app_id,
        "token": VERIFICATION_TOKEN,
        "container": {},
        "trigger_id": trigger_id or new_trigger_id(),
        "team": {"id": team_id, "domain": team_domain},
        "enterprise": None,
        "is_enterprise_install": False,
    }
    if view is not None:
        payload["container"] = {"type": "view", "view_id": view.get("id", "")}
        payload["view"] = view
    elif message is not None:
        payload["container"] = {
            "type": "message",
            "message_ts": message.get("ts", ""),
            "channel_id": channel_id,
            "is_ephemeral": False,
        }
    if channel_id is not None:
        payload["channel"] = {"id": channel_id, "name": channel_id.lower()}
    if message is not None:
        payload["message"] = message
        payload["state"] = {"values": {}}
        payload["response_url"] = response_url
    payload["actions"] = [action]
    return payload


def _state_values(values: JSON) -> JSON:
    """Accept Slack's ``{block_id: {action_id: {...}}}``; a bare string means a text input."""
    out: JSON = {}
    for block_id, actions in values.items():
        out[block_id] = {
            action_id: (
                {"type": "plain_text_input", "value": state}
                if isinstance(state, str) or state is None
                else state
            )
            for action_id, state in actions.items()
        }
    return out


def view_submission(
    *,
    team_id: str,
    user_id: str,
    callback_id: str,
    values: JSON,
    private_metadata: str = "",
    view_id: str | None = None,
    view_hash: str | None = None,
    title: str = "Porch",
    blocks: list[Any] | None = None,
    user_name: str | None = None,
    team_domain: str = "porch-sandbox",
    api_app_id: str = "A0PORCH",
    trigger_id: str | None = None,
) -> JSON:
    """A ``view_submission`` payload; ``values`` is ``view.state.values``.

    ``values={"intro": {"text": "Hi, I'm Ada"}}`` is shorthand for a plain_text_input; pass the
    full state dict (``{"type": "static_select", "selected_option": {...}}``) for other elements.
    """
    vid = view_id or _slack_id("V")
    return {
        "type": "view_submission",
        "team": {"id": team_id, "domain": team_domain},
        "user": _user_ref(user_id, team_id, user_name),
        "api_app_id": api_app_id,
        "token": VERIFICATION_TOKEN,
        "trigger_id": trigger_id or new_trigger_id(),
        "view": {
            "id": vid,
            "team_id": team_id,
            "type": "modal",
            "blocks": blocks or [],
            "private_metadata": private_metadata,
            "callback_id": callback_id,
            "state": {"values": _state_values(values)},
            "hash": view_hash or f"{int(time.time())}.{secrets.token_hex(4)}",
            "title": {"type": "plain_text", "text": title, "emoji": True},
            "clear_on_close": False,
            "notify_on_close": False,
            "close": {"type": "plain_text", "text": "Cancel", "emoji": True},
            "submit": {"type": "plain_text", "text": "Submit", "emoji": True},
            "previous_view_id": None,
            "root_view_id": vid,
            "app_id": api_app_id,
            "external_id": "",
            "app_installed_team_id": team_id,
            "bot_id": "B0PORCHBOT",
        },
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def message_shortcut(
    *,
    team_id: str,
    user_id: str,
    callback_id: str,
    channel_id: str,
    message: JSON,
    trigger_id: str | None = None,
    channel_name: str = "general",
    user_name: str | None = None,
    team_domain: str = "porch-sandbox",
    response_url: str = UNBOUND_RESPONSE_URL,
) -> JSON:
    """A message shortcut (``type: message_action``) invoked on ``message`` in ``channel_id``."""
    return {
        "type": "message_action",
        "token": VERIFICATION_TOKEN,
        "action_ts": _now_ts(),
        "team": {"id": team_id, "domain": team_domain},
        "user": _user_ref(user_id, team_id, user_name),
        "channel": {"id": channel_id, "name": channel_name},
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": callback_id,
        "trigger_id": trigger_id or new_trigger_id(),
        "response_url": response_url,
        "message_ts": message.get("ts", ""),
        "message": message,
    }


# ---------------------------------------------------------------------- sending


@dataclass(frozen=True)
class Response:
    """What the app answered: status, headers (original case), raw body and round-trip time."""

    status_code: int
    headers: dict[str, str]
    body: bytes
    elapsed_seconds: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.body)

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == wanted), None)


class SlackSender:
    """Posts signed requests to one Bolt endpoint (Bolt serves events, commands and actions on
    the same URL), with the headers Slack adds."""

    def __init__(self, *, url: str, signing_secret: str, timeout: float = 10.0) -> None:
        self.url = url
        self.signing_secret = signing_secret
        self.timeout = timeout
        self._session = requests.Session()
        # Never route loopback traffic through a proxy picked up from the environment.
        self._session.trust_env = False

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> SlackSender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def event(
        self,
        envelope: JSON,
        *,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        timestamp: int | None = None,
    ) -> Response:
        """Deliver an Events API envelope; ``retry_num`` marks it as Slack's n-th redelivery."""
        headers = {"Content-Type": "application/json"}
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = retry_reason
        body = json.dumps(envelope).encode()
        return self._signed(body, headers, timestamp)

    def command(self, form: dict[str, str], *, timestamp: int | None = None) -> Response:
        body = urlencode(form).encode()
        return self._signed(body, {"Content-Type": "application/x-www-form-urlencoded"}, timestamp)

    def interactive(self, payload: JSON, *, timestamp: int | None = None) -> Response:
        """Slack posts interactions as a form with one field, ``payload``, holding JSON."""
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return self._signed(body, {"Content-Type": "application/x-www-form-urlencoded"}, timestamp)

    def raw(self, body: bytes, headers: dict[str, str]) -> Response:
        """Send exactly these bytes and headers (for bad or missing signature tests)."""
        return self._post(body, headers)

    def _signed(self, body: bytes, headers: dict[str, str], timestamp: int | None) -> Response:
        ts = int(time.time()) if timestamp is None else timestamp
        headers = {
            **headers,
            **sign(body=body, signing_secret=self.signing_secret, timestamp=ts),
        }
        return self._post(body, headers)

    def _post(self, body: bytes, headers: dict[str, str]) -> Response:
        headers = {"User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)", **headers}
        started = time.monotonic()
        answer = self._session.post(self.url, data=body, headers=headers, timeout=self.timeout)
        return Response(
            status_code=answer.status_code,
            headers=dict(answer.headers),
            body=answer.content,
            elapsed_seconds=time.monotonic() - started,
        )
