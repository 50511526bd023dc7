"""A fake Slack workspace served over real HTTP on 127.0.0.1.

Why this exists: Porch's promises (one welcome DM per member even across crashes and retries, no
lost tracker rows during a join storm, graceful behaviour under rate limits) can only be checked
end to end if the real ``slack_sdk.WebClient`` and the real Bolt app talk to something that behaves
like Slack's Web API: form or JSON bodies, bearer tokens, ``{"ok": false, "error": ...}`` with
HTTP 200, cursor pagination, ``429`` with ``Retry-After``, and the odd semantics (posting to a user
id lands in the bot's DM, message metadata only comes back with ``include_all_metadata``).
Mocking our own Slack wrapper would test nothing of that, so the demo, the tests and the
benchmarks point ``WebClient(base_url=fake.api_url)`` here instead.

Besides the Web API the fake offers plain Python seeding and inspection methods, and failure
injection (5xx, 429, fixed-window rate limits, "accepted then crashed") so the exactly-once and
join-storm tests can reproduce Slack's bad days deterministically.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import logging
import math
import secrets
import socket
import socketserver
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

logger = logging.getLogger(__name__)

JSON = dict[str, Any]

SLACKBOT_ID = "USLACKBOT"
"""Slack lists Slackbot in users.list with ``is_bot: false``; code that skips bots must know it."""

SCOPES = frozenset(
    [
        "app_mentions:read",
        "channels:history",
        "channels:join",
        "channels:manage",
        "channels:read",
        "chat:write",
        "commands",
        "groups:history",
        "groups:read",
        "groups:write",
        "im:history",
        "im:read",
        "im:write",
        "mpim:history",
        "mpim:write",
        "reactions:read",
        "reactions:write",
        "team:read",
        "usergroups:read",
        "users:read",
        "users:read.email",
    ]
)
"""The bot token's scopes unless a test grants fewer (``FakeSlack(scopes=...)``)."""
# Slack's channel names: lowercase letters, digits, - and _, at most 80 characters.
_CHANNEL_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_")
_CHANNEL_NAME_MAX = 80

_DEFAULT_LIMITS = {
    # method: (default limit when none given, maximum Slack accepts)
    "users.list": (0, 1000),
    "conversations.list": (100, 1000),
    "conversations.history": (100, 999),
    "conversations.replies": (1000, 1000),
    "conversations.members": (100, 1000),
}


@dataclass(frozen=True)
class Call:
    """One Web API request as the fake saw it (recorded even when it was failed on purpose)."""

    method: str
    params: dict[str, Any]
    status: int
    """HTTP status sent back; 0 when the connection was dropped without an answer."""
    time: float
    """Arrival time, epoch seconds."""
    finished: float
    """When the fake finished handling it (after latency and effects), epoch seconds."""
    error: str | None
    """Slack error code (``ok: false``) or a description of the injected failure."""
    injected: str | None
    """``"fail"``, ``"rate_limit"``, ``"window"``, ``"crash"`` or None for a normal answer."""

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.error is None


class _ApiError(Exception):
    """Raised by a method implementation to answer ``{"ok": false, "error": code, **extra}``."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


@dataclass
class _Injection:
    kind: str  # "fail" | "rate_limit" | "crash"
    remaining: int
    status: int | None = None
    retry_after: int = 1


@dataclass
class _Channel:
    id: str
    name: str
    is_private: bool
    created: int
    creator: str
    members: list[str] = field(default_factory=list)
    is_archived: bool = False
    is_im: bool = False
    im_user: str | None = None
    is_mpim: bool = False
    topic: str = ""
    purpose: str = ""


@dataclass
class _Message:
    channel: str
    ts: str
    user: str
    text: str
    blocks: list[Any] | None
    thread_ts: str | None
    metadata: JSON | None
    from_bot: bool
    subtype: str | None = None
    unfurl_links: bool | None = None
    unfurl_media: bool | None = None
    edited: JSON | None = None
    reactions: dict[str, list[str]] = field(default_factory=dict)
    replies: list[str] = field(default_factory=list)
    reply_users: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Outcome:
    status: int
    body: JSON | None
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False


def fixed_window_floor(arrivals: Iterable[float], *, limit: int, window_seconds: float) -> float:
    """Earliest epoch time by which every call arriving at ``arrivals`` can have been served.

    Windows are fixed and aligned to multiples of ``window_seconds`` since the epoch, each admitting
    ``limit`` calls, exactly like :meth:`FakeSlack.set_rate_limit`. Serving greedily in arrival
    order is optimal, so this is the floor a perfect client could reach; benchmarks compare their
    drain time against it. Returns 0.0 for no arrivals.
    """
    if limit < 1 or window_seconds <= 0:
        raise ValueError("limit must be >= 1 and window_seconds > 0")
    t = -math.inf
    window: int | None = None
    used = 0
    for arrival in sorted(arrivals):
        t = max(t, arrival)
        w = math.floor(t / window_seconds)
        # t may have been moved to a window start whose division rounds just below the boundary.
        if window is not None and w < window:
            w = window
        if w != window:
            window, used = w, 0
        if used >= limit:
            window += 1
            used = 0
            t = window * window_seconds
        used += 1
    return 0.0 if t == -math.inf else float(t)


def shutdown_promptly(server: socketserver.BaseServer, address: tuple[str, int]) -> None:
    """`server.shutdown()` without waiting out serve_forever's poll interval.

    shutdown() only asks the loop to stop and waits for it, and the loop looks at that request
    when its select() returns: after up to one poll interval, paid by every test that stops a
    fake. An empty connection to the server wakes the select() at once (the handler reads no
    request line and closes it, like a client that connects and leaves).
    """
    stopping = threading.Thread(target=server.shutdown, name="fake-server-shutdown", daemon=True)
    stopping.start()
    while stopping.is_alive():
        # OSError: the listening socket is already gone, so the loop has ended.
        with contextlib.suppress(OSError):
            socket.create_connection(address, timeout=1).close()
        stopping.join(timeout=0.005)


def _encode_cursor(kind: str, value: str | int) -> str:
    return base64.b64encode(f"{kind}:{value}".encode()).decode()


def _decode_cursor(cursor: str, kind: str) -> str:
    try:
        decoded = base64.b64decode(cursor.encode(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise _ApiError("invalid_cursor") from exc
    prefix, _, value = decoded.partition(":")
    if prefix != kind or not value:
        raise _ApiError("invalid_cursor")
    return value


def _as_str(params: JSON, key: str) -> str | None:
    value = params.get(key)
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def _as_bool(params: JSON, key: str, default: bool = False) -> bool:
    value = params.get(key)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    return str(value).strip().lower() in {"1", "true", "yes"}


def _as_int(params: JSON, key: str, default: int) -> int:
    value = params.get(key)
    if value in (None, ""):
        return default
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise _ApiError("invalid_arguments") from exc


def _as_json(params: JSON, key: str, *, error: str) -> Any:
    """Form-encoded callers send structured fields (blocks, view, metadata) as JSON strings."""
    value = params.get(key)
    if isinstance(value, str):
        if not value.strip():
            return None
        try:
            return json.loads(value)
        except json.JSONDecodeError as exc:
            raise _ApiError(error) from exc
    return value


def _ts_key(ts: str) -> tuple[int, int]:
    secs, _, micros = ts.partition(".")
    return int(secs), int(micros or 0)


def _ts_param(params: JSON, key: str) -> tuple[int, int] | None:
    value = _as_str(params, key)
    if value in (None, ""):
        return None
    try:
        if "." in value:
            return _ts_key(value)
        return int(float(value)), 0
    except ValueError as exc:
        raise _ApiError("invalid_ts_" + key) from exc


class FakeSlack:
    """One stateful, thread-safe Slack workspace behind a local HTTP server.

    Use as a context manager (or ``start()``/``stop()``) and point clients at :attr:`api_url`.
    By default the bot is a member of every channel added, Slackbot and the bot itself appear in
    users.list (as on real Slack), and every request needs ``Authorization: Bearer <bot_token>``.
    """

    def __init__(
        self,
        *,
        team_id: str = "T0PORCH",
        team_name: str = "Porch Sandbox",
        team_domain: str = "porch-sandbox",
        bot_token: str = "xoxb-sandbox",
        bot_user_id: str = "U0PORCHBOT",
        bot_id: str = "B0PORCHBOT",
        bot_name: str = "porch",
        app_id: str = "A0PORCH",
        bot_joins_channels: bool = True,
        chat_write_public: bool = False,
        include_slackbot: bool = True,
        scopes: Iterable[str] = SCOPES,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.team_id = team_id
        self.team_name = team_name
        self.team_domain = team_domain
        self.bot_token = bot_token
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.bot_name = bot_name
        self.app_id = app_id
        # Socket Mode: apps.connections.open answers with this URL when called with the
        # app-level token (see porch/sandbox/socket_mode.py).
        self.app_token = "xapp-1-sandbox"
        self.socket_mode_url: str | None = None
        self.bot_joins_channels = bot_joins_channels
        """Whether :meth:`add_channel` puts the bot in the channel unless told otherwise."""
        self.chat_write_public = chat_write_public
        """Model the ``chat:write.public`` scope: post to public channels without joining."""
        self.scopes = frozenset(scopes)
        """What the bot token was granted: sent as ``X-OAuth-Scopes``; a method that needs one
        it lacks answers ``missing_scope`` (for the methods that check, see ``_require``)."""
        self.latency_seconds: float = 0.0
        """Added to every Web API call before it is handled (benchmarks model network delay)."""
        self._host = host
        self._port = port

        self._lock = threading.RLock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

        self._users: dict[str, JSON] = {}
        self._channels: dict[str, _Channel] = {}
        self._dm_by_user: dict[str, str] = {}
        self._mpim_by_users: dict[frozenset[str], str] = {}
        self._messages: dict[str, list[_Message]] = {}
        self._message_index: dict[tuple[str, str], _Message] = {}
        self._ephemerals: list[JSON] = []
        self._usergroups: dict[str, list[str]] = {}
        self._home_views: dict[str, JSON] = {}
        self._views: dict[str, JSON] = {}
        self._opened_views: list[JSON] = []
        self._used_triggers: set[str] = set()
        self._expired_triggers: set[str] = set()
        self._hooks: dict[str, JSON] = {}
        self._hook_posts: list[JSON] = []
        self._calls: list[Call] = []
        self._injections: dict[str, list[_Injection]] = {}
        self._window_limits: dict[str, tuple[int, float]] = {}
        self._window_counts: dict[str, tuple[int, int]] = {}
        self._last_ts_us = 0
        self._counter = 0
        self._created = int(time.time()) - 86_400 * 365

        self._methods: dict[str, Callable[[JSON], JSON]] = {
            "api.test": self._api_test,
            "auth.test": self._auth_test,
            "team.info": self._team_info,
            "users.info": self._users_info,
            "users.list": self._users_list,
            "users.lookupByEmail": self._users_lookup_by_email,
            "conversations.list": self._conversations_list,
            "conversations.info": self._conversations_info,
            "conversations.open": self._conversations_open,
            "conversations.history": self._conversations_history,
            "conversations.replies": self._conversations_replies,
            "conversations.members": self._conversations_members,
            "conversations.join": self._conversations_join,
            "conversations.create": self._conversations_create,
            "conversations.invite": self._conversations_invite,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "chat.getPermalink": self._chat_get_permalink,
            "reactions.add": self._reactions_add,
            "views.publish": self._views_publish,
            "views.open": self._views_open,
            "views.update": self._views_update,
            "usergroups.users.list": self._usergroups_users_list,
            "apps.connections.open": self._apps_connections_open,
            "oauth.v2.access": self._oauth_v2_access,
        }
        # oauth.v2.access authenticates with the app's client ID and secret, not a token.
        self._no_auth_methods = {"api.test", "oauth.v2.access"}
        # Many workspaces: other fakes reached through this one's URL by their bot tokens, and
        # the app's OAuth credentials with the codes users were given when they approved it.
        self._teams: list[FakeSlack] = []
        self._oauth: JSON | None = None
        self._codes: dict[str, FakeSlack] = {}

        if include_slackbot:
            self.add_user(
                SLACKBOT_ID, name="slackbot", real_name="Slackbot", tz="America/Los_Angeles"
            )
        self._users[bot_user_id] = self._bot_user_object()

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> FakeSlack:
        """Bind the server (port 0 picks a free port) and serve in a daemon thread."""
        if self._server is not None:
            return self
        server = _Server((self._host, self._port), _FakeSlackHandler)
        server.fake = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, name="fake-slack", kwargs={"poll_interval": 0.05}
        )
        self._thread.daemon = True
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is None:
            return
        shutdown_promptly(server, server.server_address[:2])
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` of the running server."""
        if self._server is None:
            raise RuntimeError("FakeSlack is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        """The Web API root with trailing slash, as ``WebClient(base_url=...)`` wants it."""
        return f"{self.base_url}/api/"

    # ------------------------------------------------------------------ seeding

    def add_user(
        self,
        user_id: str,
        *,
        name: str,
        real_name: str | None = None,
        display_name: str | None = None,
        email: str | None = None,
        tz: str = "Europe/Berlin",
        is_bot: bool = False,
        is_restricted: bool = False,
        is_ultra_restricted: bool = False,
        deleted: bool = False,
        is_admin: bool = False,
        is_owner: bool = False,
        title: str = "",
    ) -> JSON:
        """Add (or replace) a member and return the user object exactly as users.info shows it."""
        real = real_name if real_name is not None else name
        try:
            zone = ZoneInfo(tz)
        except ZoneInfoNotFoundError as exc:
            raise ValueError(f"unknown time zone {tz!r}") from exc
        now = datetime.now(zone)
        offset = now.utcoffset()
        first, _, last = real.partition(" ")
        profile: JSON = {
            "title": title,
            "phone": "",
            "skype": "",
            "real_name": real,
            "real_name_normalized": real,
            "display_name": display_name if display_name is not None else name,
            "display_name_normalized": display_name if display_name is not None else name,
            "fields": None,
            "status_text": "",
            "status_emoji": "",
            "status_emoji_display_info": [],
            "status_expiration": 0,
            "avatar_hash": "g" + user_id[-11:].lower(),
            "email": email if email is not None else f"{name}@example.org",
            "first_name": first,
            "last_name": last,
            "image_24": f"https://avatars.example.invalid/{user_id}_24.png",
            "image_48": f"https://avatars.example.invalid/{user_id}_48.png",
            "image_72": f"https://avatars.example.invalid/{user_id}_72.png",
            "image_192": f"https://avatars.example.invalid/{user_id}_192.png",
            "team": self.team_id,
        }
        if is_bot:
            profile["bot_id"] = "B" + user_id[1:]
            profile["always_active"] = False
        user: JSON = {
            "id": user_id,
            "team_id": self.team_id,
            "name": name,
            "deleted": deleted,
            "color": "9f69e7",
            "real_name": real,
            "tz": tz,
            "tz_label": now.tzname() or tz,
            "tz_offset": int(offset.total_seconds()) if offset is not None else 0,
            "profile": profile,
            "is_admin": is_admin,
            "is_owner": is_owner,
            "is_primary_owner": False,
            "is_restricted": is_restricted or is_ultra_restricted,
            "is_ultra_restricted": is_ultra_restricted,
            "is_bot": is_bot,
            "is_app_user": False,
            "updated": int(time.time()),
            "is_email_confirmed": True,
            "who_can_share_contact_card": "EVERYONE",
        }
        with self._lock:
            self._users[user_id] = user
        return json.loads(json.dumps(user))

    def deactivate_user(self, user_id: str) -> None:
        """Mark a member deleted (deactivated), as an admin would; they stay in users.list."""
        with self._lock:
            self._users[user_id]["deleted"] = True

    def add_channel(
        self,
        name: str,
        *,
        members: Iterable[str] = (),
        is_private: bool = False,
        bot_member: bool | None = None,
        topic: str = "",
        purpose: str = "",
    ) -> str:
        """Create a channel and return its id (``C0...``; private channels also get C ids now)."""
        with self._lock:
            if any(c.name == name for c in self._channels.values() if not c.is_im):
                raise ValueError(f"channel name {name!r} already taken")
            self._counter += 1
            channel_id = f"C0{self._counter:08d}"
            channel = _Channel(
                id=channel_id,
                name=name,
                is_private=is_private,
                created=self._created + self._counter,
                creator=next(iter(members), self.bot_user_id),
                topic=topic,
                purpose=purpose,
            )
            for member in members:
                if member not in channel.members:
                    channel.members.append(member)
            joins = self.bot_joins_channels if bot_member is None else bot_member
            if joins and self.bot_user_id not in channel.members:
                channel.members.append(self.bot_user_id)
            self._channels[channel_id] = channel
            self._messages[channel_id] = []
            return channel_id

    def add_member(self, channel_id: str, user_id: str) -> None:
        with self._lock:
            members = self._channels[channel_id].members
            if user_id not in members:
                members.append(user_id)

    def remove_member(self, channel_id: str, user_id: str) -> None:
        with self._lock:
            members = self._channels[channel_id].members
            if user_id in members:
                members.remove(user_id)

    def set_bot_member(self, channel_id: str, member: bool) -> None:
        """Put the bot in or take it out of a channel (to provoke ``not_in_channel``)."""
        if member:
            self.add_member(channel_id, self.bot_user_id)
        else:
            self.remove_member(channel_id, self.bot_user_id)

    def archive_channel(self, channel_id: str) -> None:
        with self._lock:
            self._channels[channel_id].is_archived = True

    def channel_id(self, name: str) -> str:
        """Id of a channel by name (``#`` prefix allowed); KeyError if there is none."""
        with self._lock:
            channel = self._channel_by_name(name.lstrip("#"))
            if channel is None:
                raise KeyError(name)
            return channel.id

    def add_usergroup(self, usergroup_id: str, users: Iterable[str]) -> None:
        with self._lock:
            self._usergroups[usergroup_id] = list(users)

    def dm_channel(self, user_id: str) -> str:
        """The bot's DM channel id with a member (``D0...``), created on first use, then stable."""
        with self._lock:
            return self._open_dm(user_id).id

    def add_message(
        self,
        channel_id: str,
        *,
        user: str,
        text: str,
        thread_ts: str | None = None,
        blocks: list[Any] | None = None,
    ) -> str:
        """Seed a message written by a member (not the bot) and return its ts."""
        with self._lock:
            message = self._store_message(
                self._channels[channel_id],
                user=user,
                text=text,
                blocks=blocks,
                thread_ts=thread_ts,
                metadata=None,
                from_bot=user == self.bot_user_id,
                reply_broadcast=False,
            )
            return message.ts

    def add_reaction(self, channel_id: str, ts: str, name: str, *, user: str) -> None:
        with self._lock:
            reactors = self._message_index[(channel_id, ts)].reactions.setdefault(name, [])
            if user not in reactors:
                reactors.append(user)

    def expire_trigger(self, trigger_id: str) -> None:
        """Make views.open answer ``expired_trigger_id`` for this trigger (Slack gives 3 s)."""
        with self._lock:
            self._expired_triggers.add(trigger_id)

    def response_url(
        self,
        *,
        channel_id: str | None = None,
        user_id: str | None = None,
        message_ts: str | None = None,
    ) -> str:
        """A response_url on this server for slash commands and actions.

        POSTs to it are recorded in :meth:`hook_posts`. When bound to a channel they also act as
        Slack does: ``response_type: in_channel`` posts a bot message, the default (ephemeral)
        records an ephemeral for ``user_id``, and ``replace_original``/``delete_original`` edit or
        remove the message at ``message_ts``.
        """
        with self._lock:
            self._counter += 1
            token = f"{self._counter}/{secrets.token_hex(8)}"
            self._hooks[token] = {
                "channel_id": channel_id,
                "user_id": user_id,
                "message_ts": message_ts,
            }
        return f"{self.base_url}/hooks/{token}"

    # ------------------------------------------------------------------ inspection

    def user(self, user_id: str) -> JSON:
        with self._lock:
            return json.loads(json.dumps(self._users[user_id]))

    def messages(self, channel_id: str) -> list[JSON]:
        """Every message in a channel (thread replies included), oldest first.

        Each dict has ``channel, ts, user, text, blocks, thread_ts, metadata`` (None when absent)
        plus ``subtype, reply_broadcast, unfurl_links, unfurl_media, edited, reactions``.
        """
        with self._lock:
            return [self._record(m) for m in self._messages.get(channel_id, [])]

    def thread(self, channel_id: str, ts: str) -> list[JSON]:
        """The parent message and its replies, oldest first ([] if there is no such message)."""
        with self._lock:
            parent = self._message_index.get((channel_id, ts))
            if parent is None:
                return []
            replies = [self._message_index[(channel_id, r)] for r in parent.replies]
            return [self._record(parent), *(self._record(r) for r in replies)]

    def group_dm_messages(self, *user_ids: str) -> list[JSON]:
        """Messages in the bot's group DM with these members, oldest first."""
        with self._lock:
            channel_id = self._mpim_by_users.get(frozenset(user_ids))
            if channel_id is None:
                return []
            return [self._record(m) for m in self._messages[channel_id]]

    def dm_messages(self, user_id: str) -> list[JSON]:
        """Messages in the bot's DM with this member, oldest first."""
        with self._lock:
            channel_id = self._dm_by_user.get(user_id)
            if channel_id is None:
                return []
            return [self._record(m) for m in self._messages[channel_id]]

    def ephemerals(
        self, *, channel_id: str | None = None, user_id: str | None = None
    ) -> list[JSON]:
        """Ephemeral messages (chat.postEphemeral and ephemeral response_url posts)."""
        with self._lock:
            return [
                dict(e)
                for e in self._ephemerals
                if (channel_id is None or e["channel"] == channel_id)
                and (user_id is None or e["user"] == user_id)
            ]

    def reactions(self, channel_id: str, ts: str) -> list[JSON]:
        """``[{"name", "users", "count"}]`` on a message, in the order they were first added."""
        with self._lock:
            message = self._message_index.get((channel_id, ts))
            if message is None:
                return []
            return [
                {"name": name, "users": list(users), "count": len(users)}
                for name, users in message.reactions.items()
            ]

    def home_view(self, user_id: str) -> JSON | None:
        """The view last published to this member's App Home (with id and hash), or None."""
        with self._lock:
            view = self._home_views.get(user_id)
            return json.loads(json.dumps(view)) if view is not None else None

    def opened_views(self) -> list[JSON]:
        """Modals opened with views.open, oldest first: ``{"trigger_id", "view_id", "view"}``.

        ``view`` reflects later views.update calls.
        """
        with self._lock:
            return [
                {
                    "trigger_id": o["trigger_id"],
                    "view_id": o["view_id"],
                    "view": json.loads(json.dumps(self._views[o["view_id"]])),
                }
                for o in self._opened_views
            ]

    def channel_members(self, channel_id: str) -> list[str]:
        """Member ids in join order, the bot included when it is a member."""
        with self._lock:
            return list(self._channels[channel_id].members)

    def hook_posts(self, url: str | None = None) -> list[JSON]:
        """Bodies posted to response URLs: ``{"url", "channel_id", "user_id", "body"}``."""
        with self._lock:
            return [dict(p) for p in self._hook_posts if url is None or p["url"] == url]

    def calls(self, method: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def reset_calls(self) -> None:
        with self._lock:
            self._calls.clear()

    # ------------------------------------------------------------------ failure injection

    def fail_next(self, method: str, *, status: int = 503, times: int = 1) -> None:
        """The next ``times`` calls of ``method`` (``"*"``: any) answer ``status``, no effect."""
        if not 400 <= status <= 599:
            raise ValueError("status must be an HTTP error status")
        self._inject(method, _Injection("fail", times, status=status))

    def rate_limit_next(self, method: str, *, retry_after: int = 1, times: int = 1) -> None:
        """The next ``times`` calls answer 429 ``ratelimited`` with ``Retry-After``, no effect."""
        self._inject(method, _Injection("rate_limit", times, retry_after=retry_after))

    def crash_after_next(self, method: str, *, status: int | None = None, times: int = 1) -> None:
        """The next call takes effect, then the client is told it failed.

        With ``status=None`` the connection is closed without any answer (the client sees
        ``RemoteDisconnected``; note slack_sdk's default ConnectionErrorRetryHandler then retries
        once, as it would against Slack). With a status (e.g. 500) that status is answered.
        """
        self._inject(method, _Injection("crash", times, status=status))

    def clear_failures(self) -> None:
        with self._lock:
            self._injections.clear()

    def set_rate_limit(self, method: str, *, limit: int, window_seconds: float) -> None:
        """Admit at most ``limit`` calls per fixed window aligned to the epoch; others get 429.

        ``Retry-After`` is the whole number of seconds (rounded up) until the window ends.
        Refused calls have no effect and do not use up the window.
        """
        if limit < 1 or window_seconds <= 0:
            raise ValueError("limit must be >= 1 and window_seconds > 0")
        with self._lock:
            self._window_limits[method] = (limit, window_seconds)
            self._window_counts.pop(method, None)

    def clear_rate_limit(self, method: str) -> None:
        with self._lock:
            self._window_limits.pop(method, None)
            self._window_counts.pop(method, None)

    def rate_limit_floor(self, method: str, *, arrivals: Iterable[float]) -> float:
        """Earliest time all calls arriving at ``arrivals`` could be served under the set limit.

        Without a limit for ``method`` every call is served on arrival.
        """
        arrivals = list(arrivals)
        with self._lock:
            configured = self._window_limits.get(method)
        if configured is None:
            return max(arrivals, default=0.0)
        limit, window_seconds = configured
        return fixed_window_floor(arrivals, limit=limit, window_seconds=window_seconds)

    def _inject(self, method: str, injection: _Injection) -> None:
        if injection.remaining < 1:
            raise ValueError("times must be >= 1")
        with self._lock:
            self._injections.setdefault(method, []).append(injection)

    def _take_injection(self, method: str, kinds: set[str]) -> _Injection | None:
        for key in (method, "*"):
            queue = self._injections.get(key, [])
            injection = next((i for i in queue if i.kind in kinds), None)
            if injection is None:
                continue
            injection.remaining -= 1
            if injection.remaining == 0:
                queue.remove(injection)
            return injection
        return None

    # ------------------------------------------------------------------ many workspaces

    def add_team(self, team: FakeSlack) -> FakeSlack:
        """Serve `team` (another FakeSlack, not started) behind this one's URL: a call with its
        bot token is answered by it, as one Slack answers for every workspace."""
        self._teams.append(team)
        return team

    def enable_oauth(
        self, *, client_id: str, client_secret: str, redirect_uri: str | None = None
    ) -> None:
        """The app's credentials, which oauth.v2.access checks (and its redirect URL, if the
        app configured one: then every exchange must name exactly it)."""
        self._oauth = {
            "client_id": client_id,
            "client_secret": client_secret,
            "redirect_uri": redirect_uri,
        }

    def approve(self, team: FakeSlack | None = None) -> str:
        """A person in `team` (this one by default) approved the app on slack.com: the one-time
        code Slack puts in the redirect to the app."""
        with self._lock:
            code = f"code-{secrets.token_hex(8)}"
            self._codes[code] = team or self
            return code

    def revoke(self) -> None:
        """The app was uninstalled here: the bot token stops working."""
        with self._lock:
            self.bot_token = f"revoked-{secrets.token_hex(8)}"

    def _team_for(self, token: str | None) -> FakeSlack | None:
        if not token or token == self.bot_token:
            return None
        return next((team for team in self._teams if team.bot_token == token), None)

    def _oauth_v2_access(self, params: JSON) -> JSON:
        oauth = self._oauth
        if oauth is None:
            raise _ApiError("invalid_client_id")
        if params.get("client_id") != oauth["client_id"]:
            raise _ApiError("invalid_client_id")
        if params.get("client_secret") != oauth["client_secret"]:
            raise _ApiError("bad_client_secret")
        if oauth["redirect_uri"] and params.get("redirect_uri") != oauth["redirect_uri"]:
            raise _ApiError("bad_redirect_uri")
        team = self._codes.pop(str(params.get("code") or ""), None)
        if team is None:
            raise _ApiError("invalid_code")
        return {
            "access_token": team.bot_token,
            "token_type": "bot",
            "scope": ",".join(sorted(team.scopes)),
            "bot_user_id": team.bot_user_id,
            "app_id": team.app_id,
            "team": {"id": team.team_id, "name": team.team_name},
            "enterprise": None,
            "is_enterprise_install": False,
            "authed_user": {"id": "U0INSTALLER"},
        }

    # ------------------------------------------------------------------ request handling

    def handle_api(self, method: str, params: JSON, token: str | None) -> _Outcome:
        """Serve one Web API call; the HTTP layer only parses and writes."""
        team = self._team_for(token)
        if team is not None:
            return team.handle_api(method, params, token)
        arrival = time.time()
        if self.latency_seconds > 0:
            time.sleep(self.latency_seconds)
        with self._lock:
            outcome, injected = self._dispatch(method, params, token, arrival)
            error: str | None = None
            if outcome.drop:
                error = "connection dropped after the call took effect"
            elif outcome.status != 200:
                error = f"HTTP {outcome.status}"
            elif outcome.body is not None and not outcome.body.get("ok", False):
                error = str(outcome.body.get("error"))
            self._calls.append(
                Call(
                    method=method,
                    params=params,
                    status=0 if outcome.drop else outcome.status,
                    time=arrival,
                    finished=time.time(),
                    error=error,
                    injected=injected,
                )
            )
        return outcome

    def _dispatch(
        self, method: str, params: JSON, token: str | None, arrival: float
    ) -> tuple[_Outcome, str | None]:
        implementation = self._methods.get(method)
        if implementation is None:
            return _Outcome(
                200, {"ok": False, "error": "unknown_method", "req_method": method}
            ), None

        injection = self._take_injection(method, {"fail", "rate_limit"})
        if injection is not None and injection.kind == "fail":
            status = injection.status or 503
            error = "internal_error" if status < 502 else "service_unavailable"
            return _Outcome(status, {"ok": False, "error": error}), "fail"
        if injection is not None:
            return _Outcome(
                429,
                {"ok": False, "error": "ratelimited"},
                {"Retry-After": str(injection.retry_after)},
            ), "rate_limit"

        window_retry = self._window_admit(method, arrival)
        if window_retry is not None:
            return _Outcome(
                429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(window_retry)}
            ), "window"

        crash = self._take_injection(method, {"crash"})

        if method not in self._no_auth_methods:
            expected = self.app_token if method == "apps.connections.open" else self.bot_token
            if not token:
                return _Outcome(200, {"ok": False, "error": "not_authed"}), None
            if method == "apps.connections.open" and token.startswith(("xoxb-", "xoxp-")):
                return _Outcome(200, {"ok": False, "error": "not_allowed_token_type"}), None
            if token != expected:
                return _Outcome(200, {"ok": False, "error": "invalid_auth"}), None
        try:
            body = {"ok": True, **implementation(params)}
        except _ApiError as exc:
            body = {"ok": False, "error": exc.error, **exc.extra}
        except Exception:
            logger.exception("fake Slack failed to serve %s", method)
            return _Outcome(500, {"ok": False, "error": "fatal_error"}), None

        if crash is not None:
            if crash.status is None:
                return _Outcome(0, None, drop=True), "crash"
            return _Outcome(crash.status, {"ok": False, "error": "internal_error"}), "crash"
        return _Outcome(200, body), None

    def _window_admit(self, method: str, now: float) -> int | None:
        """Count the call in its window, or return the Retry-After seconds if the window is full."""
        configured = self._window_limits.get(method)
        if configured is None:
            return None
        limit, window_seconds = configured
        window = math.floor(now / window_seconds)
        current, used = self._window_counts.get(method, (window, 0))
        if current != window:
            used = 0
        if used >= limit:
            return max(1, math.ceil((window + 1) * window_seconds - now))
        self._window_counts[method] = (window, used + 1)
        return None

    def handle_hook(self, token: str, body: JSON) -> _Outcome:
        with self._lock:
            binding = self._hooks.get(token)
            if binding is None:
                return _Outcome(404, {"ok": False, "error": "invalid_token"})
            url = f"{self.base_url}/hooks/{token}"
            self._hook_posts.append({"url": url, **binding, "body": body})
            channel_id = binding["channel_id"]
            channel = self._channels.get(channel_id) if channel_id else None
            if channel is None:
                return _Outcome(200, {"ok": True})
            message_ts = binding["message_ts"]
            original = self._message_index.get((channel.id, message_ts)) if message_ts else None
            if body.get("delete_original") and original is not None:
                self._delete_message(original)
            elif body.get("replace_original") and original is not None:
                original.text = str(body.get("text", ""))
                original.blocks = body.get("blocks")
                original.edited = {"user": self.bot_user_id, "ts": self._next_ts()}
            elif body.get("response_type") == "in_channel":
                self._store_message(
                    channel,
                    user=self.bot_user_id,
                    text=str(body.get("text", "")),
                    blocks=body.get("blocks"),
                    thread_ts=body.get("thread_ts"),
                    metadata=None,
                    from_bot=True,
                    reply_broadcast=False,
                )
            elif not body.get("delete_original"):
                self._ephemerals.append(
                    {
                        "channel": channel.id,
                        "user": binding["user_id"],
                        "ts": self._next_ts(),
                        "text": body.get("text", ""),
                        "blocks": body.get("blocks"),
                        "thread_ts": body.get("thread_ts"),
                    }
                )
            return _Outcome(200, {"ok": True})

    # ------------------------------------------------------------------ internals

    def _bot_user_object(self) -> JSON:
        user = self.add_user(
            self.bot_user_id,
            name=self.bot_name,
            real_name=self.bot_name.capitalize(),
            tz="America/Los_Angeles",
            is_bot=True,
        )
        user["profile"]["bot_id"] = self.bot_id
        user["profile"]["api_app_id"] = self.app_id
        user["profile"]["always_active"] = True
        return user

    def _next_ts(self) -> str:
        now_us = time.time_ns() // 1000
        self._last_ts_us = max(now_us, self._last_ts_us + 1)
        return f"{self._last_ts_us // 1_000_000}.{self._last_ts_us % 1_000_000:06d}"

    def _channel_by_name(self, name: str) -> _Channel | None:
        return next((c for c in self._channels.values() if not c.is_im and c.name == name), None)

    def _open_dm(self, user_id: str) -> _Channel:
        existing = self._dm_by_user.get(user_id)
        if existing is not None:
            return self._channels[existing]
        self._counter += 1
        channel = _Channel(
            id=f"D0{self._counter:08d}",
            name=user_id,
            is_private=True,
            created=int(time.time()),
            creator=self.bot_user_id,
            members=[user_id, self.bot_user_id],
            is_im=True,
            im_user=user_id,
        )
        self._channels[channel.id] = channel
        self._messages[channel.id] = []
        self._dm_by_user[user_id] = channel.id
        return channel

    def _require(self, *any_of: str) -> None:
        """Slack's ``missing_scope``: the token holds none of the scopes the call needs."""
        if not self.scopes & set(any_of):
            raise _ApiError(
                "missing_scope", needed=",".join(any_of), provided=",".join(sorted(self.scopes))
            )

    def _existing_user(self, user_id: str | None) -> JSON:
        user = self._users.get(user_id or "")
        if user is None:
            raise _ApiError("user_not_found")
        return user

    def _visible_channel(self, channel_id: str | None) -> _Channel:
        """A channel the bot may see: public ones, private ones it is in, its own DMs."""
        channel = self._channels.get(channel_id or "")
        if channel is None:
            raise _ApiError("channel_not_found")
        if channel.is_private and self.bot_user_id not in channel.members:
            raise _ApiError("channel_not_found")
        return channel

    def _readable_channel(self, channel_id: str | None) -> _Channel:
        channel = self._visible_channel(channel_id)
        if self.bot_user_id not in channel.members:
            raise _ApiError("not_in_channel")
        return channel

    def _post_target(self, target: str | None) -> _Channel:
        """Resolve chat.postMessage's ``channel``: an id, a name, or a user id (their DM)."""
        if not target:
            raise _ApiError("channel_not_found")
        if target[0] in "UW" and target not in self._channels:
            user = self._users.get(target)
            if user is None or user["deleted"]:
                raise _ApiError("user_not_found")
            if user["is_bot"]:
                raise _ApiError("cannot_dm_bot")
            return self._open_dm(target)
        channel = self._channels.get(target) or self._channel_by_name(target.lstrip("#"))
        if channel is None:
            raise _ApiError("channel_not_found")
        channel = self._visible_channel(channel.id)
        if channel.is_archived:
            raise _ApiError("is_archived")
        if self.bot_user_id not in channel.members and not (
            self.chat_write_public and not channel.is_private
        ):
            raise _ApiError("not_in_channel")
        return channel

    def _channel_object(self, channel: _Channel) -> JSON:
        if channel.is_im:
            user = self._users.get(channel.im_user or "", {})
            return {
                "id": channel.id,
                "created": channel.created,
                "is_archived": False,
                "is_im": True,
                "is_org_shared": False,
                "context_team_id": self.team_id,
                "updated": channel.created * 1000,
                "user": channel.im_user,
                "is_user_deleted": bool(user.get("deleted", False)),
                "priority": 0,
            }
        return {
            "id": channel.id,
            "name": channel.name,
            "is_channel": True,
            "is_group": False,
            "is_im": False,
            "is_mpim": channel.is_mpim,
            "is_private": channel.is_private,
            "created": channel.created,
            "is_archived": channel.is_archived,
            "is_general": channel.name == "general",
            "unlinked": 0,
            "name_normalized": channel.name,
            "is_shared": False,
            "is_org_shared": False,
            "is_pending_ext_shared": False,
            "pending_shared": [],
            "context_team_id": self.team_id,
            "updated": channel.created * 1000,
            "parent_conversation": None,
            "creator": channel.creator,
            "is_ext_shared": False,
            "shared_team_ids": [self.team_id],
            "pending_connected_team_ids": [],
            "is_member": self.bot_user_id in channel.members,
            "topic": {"value": channel.topic, "creator": "", "last_set": 0},
            "purpose": {"value": channel.purpose, "creator": "", "last_set": 0},
            "previous_names": [],
            "num_members": len(channel.members),
        }

    def _store_message(
        self,
        channel: _Channel,
        *,
        user: str,
        text: str,
        blocks: list[Any] | None,
        thread_ts: str | None,
        metadata: JSON | None,
        from_bot: bool,
        reply_broadcast: bool,
        unfurl_links: bool | None = None,
        unfurl_media: bool | None = None,
    ) -> _Message:
        ts = self._next_ts()
        parent = self._message_index.get((channel.id, thread_ts)) if thread_ts else None
        if parent is not None and parent.thread_ts not in (None, parent.ts):
            # Replying to a reply threads under the original parent, as Slack does.
            thread_ts = parent.thread_ts
            parent = self._message_index.get((channel.id, thread_ts or ""))
        message = _Message(
            channel=channel.id,
            ts=ts,
            user=user,
            text=text,
            blocks=blocks,
            thread_ts=thread_ts,
            metadata=metadata,
            from_bot=from_bot,
            subtype="thread_broadcast" if thread_ts and reply_broadcast else None,
            unfurl_links=unfurl_links,
            unfurl_media=unfurl_media,
        )
        if parent is not None:
            parent.thread_ts = parent.ts
            parent.replies.append(ts)
            if user not in parent.reply_users:
                parent.reply_users.append(user)
        self._messages[channel.id].append(message)
        self._message_index[(channel.id, ts)] = message
        return message

    def _delete_message(self, message: _Message) -> None:
        self._messages[message.channel].remove(message)
        del self._message_index[(message.channel, message.ts)]

    def _record(self, m: _Message) -> JSON:
        return {
            "type": "message",
            "channel": m.channel,
            "ts": m.ts,
            "user": m.user,
            "text": m.text,
            "blocks": json.loads(json.dumps(m.blocks)) if m.blocks is not None else None,
            "thread_ts": m.thread_ts,
            "metadata": json.loads(json.dumps(m.metadata)) if m.metadata is not None else None,
            "subtype": m.subtype,
            "reply_broadcast": m.subtype == "thread_broadcast",
            "unfurl_links": m.unfurl_links,
            "unfurl_media": m.unfurl_media,
            "edited": m.edited,
            "reactions": {name: list(users) for name, users in m.reactions.items()},
        }

    def _api_message(self, m: _Message, *, include_metadata: bool) -> JSON:
        out: JSON = {"type": "message"}
        if m.subtype:
            out["subtype"] = m.subtype
        out.update({"user": m.user, "text": m.text, "ts": m.ts, "team": self.team_id})
        if m.from_bot:
            out["bot_id"] = self.bot_id
            out["app_id"] = self.app_id
            out["bot_profile"] = {
                "id": self.bot_id,
                "app_id": self.app_id,
                "name": self.bot_name,
                "deleted": False,
                "team_id": self.team_id,
            }
        if m.blocks is not None:
            out["blocks"] = json.loads(json.dumps(m.blocks))
        if m.thread_ts:
            out["thread_ts"] = m.thread_ts
            if m.thread_ts != m.ts:
                parent = self._message_index.get((m.channel, m.thread_ts))
                if parent is not None:
                    out["parent_user_id"] = parent.user
        if m.replies:
            out["reply_count"] = len(m.replies)
            out["reply_users_count"] = len(m.reply_users)
            out["latest_reply"] = m.replies[-1]
            out["reply_users"] = list(m.reply_users)
            out["is_locked"] = False
            out["subscribed"] = False
        if m.edited:
            out["edited"] = dict(m.edited)
        if m.reactions:
            out["reactions"] = [
                {"name": name, "users": list(users), "count": len(users)}
                for name, users in m.reactions.items()
            ]
        if include_metadata and m.metadata is not None:
            out["metadata"] = json.loads(json.dumps(m.metadata))
        return out

    def _message_content(self, params: JSON) -> tuple[str, list[Any] | None]:
        text = _as_str(params, "text") or _as_str(params, "markdown_text") or ""
        blocks = _as_json(params, "blocks", error="invalid_blocks_format")
        attachments = _as_json(params, "attachments", error="invalid_attachments")
        if blocks is not None and not isinstance(blocks, list):
            raise _ApiError("invalid_blocks_format")
        if blocks is not None and len(blocks) > 50:
            raise _ApiError(
                "invalid_blocks", errors=["no more than 50 items allowed [json-pointer:/blocks]"]
            )
        if not text.strip() and not blocks and not attachments:
            raise _ApiError("no_text")
        if len(text) > 40_000:
            raise _ApiError("msg_too_long")
        return text, blocks

    @staticmethod
    def _metadata(params: JSON) -> JSON | None:
        metadata = _as_json(params, "metadata", error="invalid_metadata_format")
        if metadata is None:
            return None
        if not isinstance(metadata, dict):
            raise _ApiError("invalid_metadata_format")
        if not isinstance(metadata.get("event_type"), str) or not metadata["event_type"]:
            raise _ApiError("invalid_metadata_schema")
        payload = metadata.get("event_payload", {})
        if not isinstance(payload, dict):
            raise _ApiError("invalid_metadata_schema")
        return {"event_type": metadata["event_type"], "event_payload": payload}

    def _page(self, method: str, items: list[Any], params: JSON) -> tuple[list[Any], str]:
        default, maximum = _DEFAULT_LIMITS[method]
        limit = _as_int(params, "limit", default)
        if limit <= 0:
            limit = default or len(items) or 1
        limit = min(limit, maximum) if maximum else limit
        cursor = _as_str(params, "cursor")
        start = int(_decode_cursor(cursor, "offset")) if cursor else 0
        page = items[start : start + limit]
        next_cursor = _encode_cursor("offset", start + limit) if start + limit < len(items) else ""
        return page, next_cursor

    def _new_view(self, view: JSON, *, view_id: str | None = None) -> JSON:
        if view_id is None:
            self._counter += 1
            view_id = f"V0{self._counter:08d}"
        view_type = view.get("type")
        return {
            "id": view_id,
            "team_id": self.team_id,
            "type": view_type,
            "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
            "title": view.get("title"),
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "close": view.get("close"),
            "submit": view.get("submit"),
            "previous_view_id": None,
            "root_view_id": view_id,
            "app_id": self.app_id,
            "external_id": view.get("external_id", ""),
            "app_installed_team_id": self.team_id,
            "bot_id": self.bot_id,
        }

    @staticmethod
    def _view_param(params: JSON) -> JSON:
        view = _as_json(params, "view", error="invalid_arguments")
        if not isinstance(view, dict):
            raise _ApiError("invalid_arguments")
        if not isinstance(view.get("blocks", []), list) or len(view.get("blocks", [])) > 100:
            raise _ApiError("invalid_arguments")
        return view

    # ------------------------------------------------------------------ Web API methods

    def _api_test(self, params: JSON) -> JSON:
        return {"args": {k: v for k, v in params.items() if k != "token"}}

    def _apps_connections_open(self, params: JSON) -> JSON:
        if self.socket_mode_url is None:
            raise _ApiError("socket_mode_not_enabled")
        return {"url": self.socket_mode_url}

    def _auth_test(self, params: JSON) -> JSON:
        return {
            "url": f"https://{self.team_domain}.slack.com/",
            "team": self.team_name,
            "user": self.bot_name,
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _team_info(self, params: JSON) -> JSON:
        team = _as_str(params, "team")
        if team and team != self.team_id:
            raise _ApiError("team_not_found")
        return {
            "team": {
                "id": self.team_id,
                "name": self.team_name,
                "url": f"https://{self.team_domain}.slack.com/",
                "domain": self.team_domain,
                "email_domain": "",
                "icon": {"image_default": True},
                "avatar_base_url": "https://avatars.example.invalid/",
                "is_verified": False,
            }
        }

    def _users_info(self, params: JSON) -> JSON:
        self._require("users:read")
        return {"user": json.loads(json.dumps(self._existing_user(_as_str(params, "user"))))}

    def _users_list(self, params: JSON) -> JSON:
        self._require("users:read")
        users = [json.loads(json.dumps(u)) for u in self._users.values()]
        page, next_cursor = self._page("users.list", users, params)
        return {
            "members": page,
            "cache_ts": int(time.time()),
            "response_metadata": {"next_cursor": next_cursor},
        }

    def _users_lookup_by_email(self, params: JSON) -> JSON:
        self._require("users:read.email")
        email = (_as_str(params, "email") or "").strip().lower()
        if not email:
            raise _ApiError("invalid_arguments")
        for user in self._users.values():
            if user["profile"].get("email", "").lower() == email and not user["deleted"]:
                return {"user": json.loads(json.dumps(user))}
        raise _ApiError("users_not_found")

    def _conversations_list(self, params: JSON) -> JSON:
        types = {t.strip() for t in (_as_str(params, "types") or "public_channel").split(",")}
        unknown = types - {"public_channel", "private_channel", "mpim", "im"}
        if unknown:
            raise _ApiError("invalid_types")
        if "public_channel" in types:
            self._require("channels:read")
        if "private_channel" in types:
            self._require("groups:read")
        exclude_archived = _as_bool(params, "exclude_archived")
        channels = []
        for channel in self._channels.values():
            if channel.is_im:
                wanted = "im" in types
            elif channel.is_private:
                wanted = "private_channel" in types and self.bot_user_id in channel.members
            else:
                wanted = "public_channel" in types
            if wanted and not (exclude_archived and channel.is_archived):
                channels.append(self._channel_object(channel))
        page, next_cursor = self._page("conversations.list", channels, params)
        return {"channels": page, "response_metadata": {"next_cursor": next_cursor}}

    def _conversations_info(self, params: JSON) -> JSON:
        channel = self._visible_channel(_as_str(params, "channel"))
        return {"channel": self._channel_object(channel)}

    def _conversations_open(self, params: JSON) -> JSON:
        channel_id = _as_str(params, "channel")
        users = [u.strip() for u in (_as_str(params, "users") or "").split(",") if u.strip()]
        if channel_id:
            channel = self._channels.get(channel_id)
            if channel is None or not channel.is_im:
                raise _ApiError("channel_not_found")
        elif len(users) == 1:
            user = self._existing_user(users[0])
            if user["deleted"]:
                raise _ApiError("user_disabled")
            if user["is_bot"]:
                raise _ApiError("cannot_dm_bot")
            already = users[0] in self._dm_by_user
            channel = self._open_dm(users[0])
            if not _as_bool(params, "return_im"):
                return {"no_op": already, "already_open": already, "channel": {"id": channel.id}}
            return {
                "no_op": already,
                "already_open": already,
                "channel": self._channel_object(channel),
            }
        elif not users:
            raise _ApiError("users_list_not_supplied")
        else:
            channel = self._open_group_dm(users)
        return {"channel": self._channel_object(channel)}

    def _open_group_dm(self, users: list[str]) -> _Channel:
        """A group DM of these members and the bot: Slack answers the same one every time."""
        self._require("mpim:write")
        if len(users) > 8:
            raise _ApiError("too_many_users")
        for user_id in users:
            user = self._existing_user(user_id)
            if user["deleted"]:
                raise _ApiError("user_disabled")
        key = frozenset(users)
        existing = self._mpim_by_users.get(key)
        if existing is not None:
            return self._channels[existing]
        self._counter += 1
        channel = _Channel(
            id=f"G0{self._counter:08d}",
            name="mpdm-" + "--".join(sorted(users)) + "-1",
            is_private=True,
            created=int(time.time()),
            creator=self.bot_user_id,
            members=[*sorted(users), self.bot_user_id],
            is_mpim=True,
        )
        self._channels[channel.id] = channel
        self._messages[channel.id] = []
        self._mpim_by_users[key] = channel.id
        return channel

    def _history_filter(self, messages: list[_Message], params: JSON) -> list[_Message]:
        oldest = _ts_param(params, "oldest")
        latest = _ts_param(params, "latest")
        inclusive = _as_bool(params, "inclusive")
        out = []
        for m in messages:
            key = _ts_key(m.ts)
            if oldest is not None and (key < oldest or (key == oldest and not inclusive)):
                continue
            if latest is not None and (key > latest or (key == latest and not inclusive)):
                continue
            out.append(m)
        return out

    def _conversations_history(self, params: JSON) -> JSON:
        channel = self._readable_channel(_as_str(params, "channel"))
        include_metadata = _as_bool(params, "include_all_metadata")
        visible = [
            m
            for m in self._messages[channel.id]
            if m.thread_ts in (None, m.ts) or m.subtype == "thread_broadcast"
        ]
        newest_first = list(reversed(self._history_filter(visible, params)))
        cursor = _as_str(params, "cursor")
        if cursor:
            before = _ts_key(_decode_cursor(cursor, "next_ts"))
            newest_first = [m for m in newest_first if _ts_key(m.ts) < before]
        default, maximum = _DEFAULT_LIMITS["conversations.history"]
        limit = _as_int(params, "limit", default)
        limit = min(limit if limit > 0 else default, maximum)
        page = newest_first[:limit]
        has_more = len(newest_first) > limit
        result: JSON = {
            "messages": [self._api_message(m, include_metadata=include_metadata) for m in page],
            "has_more": has_more,
            "pin_count": 0,
            "channel_actions_ts": None,
            "channel_actions_count": 0,
        }
        if has_more:
            result["response_metadata"] = {"next_cursor": _encode_cursor("next_ts", page[-1].ts)}
        return result

    def _conversations_replies(self, params: JSON) -> JSON:
        channel = self._readable_channel(_as_str(params, "channel"))
        ts = _as_str(params, "ts")
        parent = self._message_index.get((channel.id, ts or ""))
        if parent is None:
            raise _ApiError("thread_not_found")
        if parent.thread_ts not in (None, parent.ts):
            parent = self._message_index[(channel.id, parent.thread_ts or "")]
        include_metadata = _as_bool(params, "include_all_metadata")
        thread = [parent, *(self._message_index[(channel.id, r)] for r in parent.replies)]
        thread = self._history_filter(thread, params)
        page, next_cursor = self._page("conversations.replies", thread, params)
        result: JSON = {
            "messages": [self._api_message(m, include_metadata=include_metadata) for m in page],
            "has_more": bool(next_cursor),
        }
        if next_cursor:
            result["response_metadata"] = {"next_cursor": next_cursor}
        return result

    def _conversations_members(self, params: JSON) -> JSON:
        channel = self._visible_channel(_as_str(params, "channel"))
        page, next_cursor = self._page("conversations.members", list(channel.members), params)
        return {"members": page, "response_metadata": {"next_cursor": next_cursor}}

    def _conversations_join(self, params: JSON) -> JSON:
        self._require("channels:join")
        channel = self._visible_channel(_as_str(params, "channel"))
        if channel.is_im or channel.is_private:
            raise _ApiError("method_not_supported_for_channel_type")
        if channel.is_archived:
            raise _ApiError("is_archived")
        if self.bot_user_id in channel.members:
            return {
                "channel": self._channel_object(channel),
                "warning": "already_in_channel",
                "response_metadata": {"warnings": ["already_in_channel"]},
            }
        channel.members.append(self.bot_user_id)
        return {"channel": self._channel_object(channel)}

    def _conversations_create(self, params: JSON) -> JSON:
        """Slack's checks in its order: the scope for the kind of channel, then the name (empty,
        too long, only punctuation, anything but lowercase letters, digits, - and _), then a
        name any channel already has, archived or private ones the bot cannot see included.
        The bot, as creator, is the channel's one member."""
        is_private = _as_bool(params, "is_private")
        self._require("groups:write" if is_private else "channels:manage")
        name = _as_str(params, "name")
        if name is None:
            raise _ApiError("invalid_arguments")
        if not name:
            raise _ApiError("invalid_name_required")
        if len(name) > _CHANNEL_NAME_MAX:
            raise _ApiError("invalid_name_maxlength")
        if not set(name) - set("-_"):
            raise _ApiError("invalid_name_punctuation")
        if not set(name) <= _CHANNEL_NAME_CHARS:
            raise _ApiError("invalid_name_specials")
        if self._channel_by_name(name) is not None:
            raise _ApiError("name_taken")
        channel_id = self.add_channel(name, is_private=is_private, bot_member=True)
        return {"channel": self._channel_object(self._channels[channel_id])}

    def _conversations_invite(self, params: JSON) -> JSON:
        """Slack's rules: all-or-nothing unless ``force``; per-user failures listed in ``errors``.

        With ``force=true`` the valid users are invited but the call still answers ``ok: false``
        when any user failed (the pessimistic reading of Slack's docs, so callers must cope).
        """
        channel = self._visible_channel(_as_str(params, "channel"))
        if channel.is_im:
            raise _ApiError("method_not_supported_for_channel_type")
        self._require("groups:write" if channel.is_private else "channels:manage")
        if channel.is_archived:
            raise _ApiError("is_archived")
        if self.bot_user_id not in channel.members:
            raise _ApiError("not_in_channel")
        users = [u.strip() for u in (_as_str(params, "users") or "").split(",") if u.strip()]
        if not users:
            raise _ApiError("no_user")
        if len(users) > 1000:
            raise _ApiError("too_many_users")
        errors: list[JSON] = []
        valid: list[str] = []
        for user_id in users:
            user = self._users.get(user_id)
            if user is None or user["deleted"]:
                error = "user_not_found"
            elif user_id == self.bot_user_id:
                error = "cant_invite_self"
            elif user_id in channel.members:
                error = "already_in_channel"
            else:
                valid.append(user_id)
                continue
            errors.append({"user": user_id, "ok": False, "error": error})
        if errors and not _as_bool(params, "force"):
            raise _ApiError(errors[0]["error"], errors=errors)
        for user_id in valid:
            if user_id not in channel.members:
                channel.members.append(user_id)
        if errors:
            raise _ApiError(errors[0]["error"], errors=errors)
        return {"channel": self._channel_object(channel)}

    def _chat_post_message(self, params: JSON) -> JSON:
        channel = self._post_target(_as_str(params, "channel"))
        text, blocks = self._message_content(params)
        metadata = self._metadata(params)
        thread_ts = _as_str(params, "thread_ts") or None
        message = self._store_message(
            channel,
            user=self.bot_user_id,
            text=text,
            blocks=blocks,
            thread_ts=thread_ts,
            metadata=metadata,
            from_bot=True,
            reply_broadcast=_as_bool(params, "reply_broadcast"),
            unfurl_links=_as_bool(params, "unfurl_links") if "unfurl_links" in params else None,
            unfurl_media=_as_bool(params, "unfurl_media") if "unfurl_media" in params else None,
        )
        return {
            "channel": channel.id,
            "ts": message.ts,
            "message": self._api_message(message, include_metadata=True),
        }

    def _chat_post_ephemeral(self, params: JSON) -> JSON:
        channel = self._post_target(_as_str(params, "channel"))
        user_id = _as_str(params, "user")
        user = self._existing_user(user_id)
        if user["deleted"]:
            raise _ApiError("user_not_found")
        if not channel.is_im and user_id not in channel.members:
            raise _ApiError("user_not_in_channel")
        text, blocks = self._message_content(params)
        ts = self._next_ts()
        self._ephemerals.append(
            {
                "channel": channel.id,
                "user": user_id,
                "ts": ts,
                "text": text,
                "blocks": blocks,
                "thread_ts": _as_str(params, "thread_ts"),
            }
        )
        return {"message_ts": ts}

    def _chat_update(self, params: JSON) -> JSON:
        channel = self._visible_channel(_as_str(params, "channel"))
        ts = _as_str(params, "ts")
        message = self._message_index.get((channel.id, ts or ""))
        if message is None:
            raise _ApiError("message_not_found")
        if not message.from_bot:
            raise _ApiError("cant_update_message")
        text, blocks = self._message_content(params)
        metadata = self._metadata(params)
        message.text = text
        if blocks is not None or "blocks" in params:
            message.blocks = blocks
        if metadata is not None:
            message.metadata = metadata
        message.edited = {"user": self.bot_user_id, "ts": self._next_ts()}
        return {
            "channel": channel.id,
            "ts": message.ts,
            "text": message.text,
            "message": self._api_message(message, include_metadata=True),
        }

    def _chat_get_permalink(self, params: JSON) -> JSON:
        channel = self._visible_channel(_as_str(params, "channel"))
        ts = _as_str(params, "message_ts") or ""
        message = self._message_index.get((channel.id, ts))
        if message is None:
            raise _ApiError("message_not_found")
        link = f"https://{self.team_domain}.slack.com/archives/{channel.id}/p{ts.replace('.', '')}"
        if message.thread_ts and message.thread_ts != message.ts:
            link += f"?thread_ts={message.thread_ts}&cid={channel.id}"
        return {"channel": channel.id, "permalink": link}

    def _reactions_add(self, params: JSON) -> JSON:
        channel_id = _as_str(params, "channel")
        ts = _as_str(params, "timestamp")
        if not channel_id or not ts:
            raise _ApiError("no_item_specified")
        channel = self._visible_channel(channel_id)
        name = (_as_str(params, "name") or "").strip(":")
        if not name:
            raise _ApiError("invalid_name")
        message = self._message_index.get((channel.id, ts))
        if message is None:
            raise _ApiError("message_not_found")
        reactors = message.reactions.setdefault(name, [])
        if self.bot_user_id in reactors:
            raise _ApiError("already_reacted")
        reactors.append(self.bot_user_id)
        return {}

    def _views_publish(self, params: JSON) -> JSON:
        user_id = _as_str(params, "user_id")
        user = self._existing_user(user_id)
        if user["deleted"]:
            raise _ApiError("user_not_found")
        view = self._view_param(params)
        if view.get("type") != "home":
            raise _ApiError(
                "invalid_arguments", response_metadata={"messages": ["type must be home"]}
            )
        current = self._home_views.get(user["id"])
        wanted_hash = _as_str(params, "hash")
        if wanted_hash and current is not None and current["hash"] != wanted_hash:
            raise _ApiError("hash_conflict")
        published = self._new_view(view, view_id=current["id"] if current else None)
        self._home_views[user["id"]] = published
        return {"view": json.loads(json.dumps(published))}

    def _views_open(self, params: JSON) -> JSON:
        trigger_id = _as_str(params, "trigger_id")
        if not trigger_id:
            raise _ApiError(
                "invalid_arguments", response_metadata={"messages": ["trigger_id required"]}
            )
        if trigger_id in self._expired_triggers:
            raise _ApiError("expired_trigger_id")
        if trigger_id in self._used_triggers:
            raise _ApiError("exchanged_trigger_id")
        parts = trigger_id.split(".")
        if len(parts) != 3 or not all(parts):
            raise _ApiError("invalid_trigger_id")
        view = self._view_param(params)
        if view.get("type") != "modal" or not view.get("title"):
            raise _ApiError(
                "invalid_arguments", response_metadata={"messages": ["modal with title required"]}
            )
        self._used_triggers.add(trigger_id)
        opened = self._new_view(view)
        self._views[opened["id"]] = opened
        self._opened_views.append({"trigger_id": trigger_id, "view_id": opened["id"]})
        return {"view": json.loads(json.dumps(opened))}

    def _views_update(self, params: JSON) -> JSON:
        view_id = _as_str(params, "view_id")
        external_id = _as_str(params, "external_id")
        current = None
        if view_id:
            current = self._views.get(view_id)
        elif external_id:
            current = next(
                (v for v in self._views.values() if v.get("external_id") == external_id), None
            )
        else:
            raise _ApiError("invalid_arguments")
        if current is None:
            raise _ApiError("not_found")
        wanted_hash = _as_str(params, "hash")
        if wanted_hash and current["hash"] != wanted_hash:
            raise _ApiError("hash_conflict")
        updated = self._new_view(self._view_param(params), view_id=current["id"])
        self._views[current["id"]] = updated
        return {"view": json.loads(json.dumps(updated))}

    def _usergroups_users_list(self, params: JSON) -> JSON:
        group = _as_str(params, "usergroup")
        if not group or group not in self._usergroups:
            raise _ApiError("no_such_subteam")
        return {"users": list(self._usergroups[group])}


class _Server(ThreadingHTTPServer):
    # A join storm opens many connections at once; the default backlog of 5 would reset some.
    request_queue_size = 256
    daemon_threads = True
    fake: FakeSlack


class _FakeSlackHandler(BaseHTTPRequestHandler):
    """Parses requests the way Slack accepts them (query, form, JSON, multipart) and replies."""

    protocol_version = "HTTP/1.1"
    server_version = "FakeSlack/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("fake slack: " + format, *args)

    def do_GET(self) -> None:
        self._serve(b"")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self._serve(self.rfile.read(length) if length else b"")

    def _serve(self, body: bytes) -> None:
        fake = self.server.fake  # type: ignore[attr-defined]
        url = urlsplit(self.path)
        try:
            params: JSON = dict(parse_qsl(url.query, keep_blank_values=True))
            params.update(self._body_params(body))
        except (ValueError, UnicodeDecodeError):
            self._write(_Outcome(200, {"ok": False, "error": "invalid_form_data"}))
            return
        if url.path.startswith("/api/"):
            method = url.path[len("/api/") :]
            auth = self.headers.get("Authorization") or ""
            token = auth[len("Bearer ") :].strip() if auth.startswith("Bearer ") else None
            if auth.startswith("Basic "):
                client_id, _, secret = (
                    base64.b64decode(auth[len("Basic ") :]).decode("utf-8").partition(":")
                )
                params.update(client_id=client_id, client_secret=secret)
            form_token = params.pop("token", None)
            outcome = fake.handle_api(method, params, token or form_token)
        elif url.path.startswith("/hooks/"):
            outcome = fake.handle_hook(url.path[len("/hooks/") :], params)
        else:
            outcome = _Outcome(404, {"ok": False, "error": "not_found"})
        self._write(outcome)

    def _body_params(self, body: bytes) -> JSON:
        if not body:
            return {}
        content_type = (self.headers.get("Content-Type") or "").lower()
        if content_type.startswith("application/json"):
            parsed = json.loads(body.decode("utf-8"))
            if not isinstance(parsed, dict):
                raise ValueError("JSON body must be an object")
            return parsed
        if content_type.startswith("multipart/form-data"):
            raw = f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode() + body
            message = BytesParser(policy=HTTP).parsebytes(raw)
            out: JSON = {}
            for part in message.iter_parts():  # type: ignore[attr-defined]
                name = part.get_param("name", header="content-disposition")
                if name:
                    payload = part.get_payload(decode=True) or b""
                    out[name] = payload if part.get_filename() else payload.decode("utf-8")
            return out
        return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False))

    def _write(self, outcome: _Outcome) -> None:
        if outcome.drop:
            self.close_connection = True
            return
        payload = json.dumps(outcome.body if outcome.body is not None else {}).encode()
        self.send_response(outcome.status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        fake = self.server.fake  # type: ignore[attr-defined]
        self.send_header("X-OAuth-Scopes", ",".join(sorted(fake.scopes)))
        self.send_header("X-Accepted-OAuth-Scopes", "")
        self.send_header("X-Slack-Req-Id", secrets.token_hex(16))
        for name, value in outcome.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)
