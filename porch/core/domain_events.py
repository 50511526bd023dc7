"""Typed domain events: what happened in the workspace, in Porch's words, not Slack's payload.

The edge (handlers/events.py) validates each Events API delivery into one of these before it is
stored in the inbox, so features never index a raw payload, and a payload that lacks what Porch
needs is refused once at the edge instead of failing in a feature on every redelivery. Each event
serialises to a plain dict (stored as the inbox row's payload) and back.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

USER_ID = re.compile(r"[UW][A-Z0-9]{1,31}")
# The envelope's keys: the inbox is keyed by (team_id, event_id), String(32) and String(64).
TEAM_ID = re.compile(r"[TE][A-Z0-9]{1,31}")
EVENT_ID = re.compile(r"Ev[A-Za-z0-9]{1,62}")
CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]{1,31}")
TS = re.compile(r"\d{1,12}\.\d{1,9}")
# Message subtypes that are a member speaking; edits, joins and bot posts are not.
SPOKEN = {None, "thread_broadcast", "file_share", "me_message"}
logger = logging.getLogger(__name__)
# Text kept per event is bounded: features that store text keep an excerpt, never a novel.
MAX_TEXT = 4000


class InvalidEvent(ValueError):
    """The payload lacks a field Porch needs, or a field has the wrong shape."""


@dataclass(frozen=True)
class Newcomer:
    """The parts of a Slack user object that onboarding needs."""

    user_id: str
    display_name: str
    real_name: str
    tz: str | None
    is_bot: bool
    is_guest: bool
    is_deleted: bool
    updated: int | None = None

    @classmethod
    def from_slack(cls, user: Mapping[str, Any]) -> Newcomer:
        if not isinstance(user, Mapping):
            raise InvalidEvent("user must be an object")
        profile = user.get("profile")
        profile = profile if isinstance(profile, Mapping) else {}
        user_id = _user_id(user.get("id"), "user.id")
        updated = user.get("updated")
        return cls(
            user_id=user_id,
            display_name=_text(profile.get("display_name") or user.get("name") or user_id, 200),
            real_name=_text(user.get("real_name") or profile.get("real_name") or "", 200),
            tz=_text(user["tz"], 64) if isinstance(user.get("tz"), str) else None,
            is_bot=bool(user.get("is_bot") or user.get("is_app_user")) or user_id == "USLACKBOT",
            is_guest=bool(user.get("is_restricted") or user.get("is_ultra_restricted")),
            is_deleted=bool(user.get("deleted")),
            updated=updated if isinstance(updated, int) and not isinstance(updated, bool) else None,
        )


@dataclass(frozen=True)
class TeamJoined:
    """Someone joined the workspace (`team_join`)."""

    kind: ClassVar[str] = "team_joined"
    user: Newcomer


@dataclass(frozen=True)
class UserChanged:
    """A member's account changed (`user_change`); Porch only acts on a deactivation."""

    kind: ClassVar[str] = "user_changed"
    user_id: str
    deleted: bool


@dataclass(frozen=True)
class ChannelJoined:
    """Someone joined a channel Porch is in (`member_joined_channel`)."""

    kind: ClassVar[str] = "channel_joined"
    user_id: str
    channel_id: str
    inviter_id: str | None = None


@dataclass(frozen=True)
class MessagePosted:
    """A member's message or thread reply in a channel (not a DM, not a bot, not an edit)."""

    kind: ClassVar[str] = "message_posted"
    user_id: str
    channel_id: str
    ts: str
    thread_ts: str | None
    text: str

    @property
    def is_reply(self) -> bool:
        return self.thread_ts is not None and self.thread_ts != self.ts


@dataclass(frozen=True)
class MessageEdited:
    """A member edited a message of theirs in a channel (not a DM): its new text."""

    kind: ClassVar[str] = "message_edited"
    user_id: str
    channel_id: str
    ts: str
    thread_ts: str | None
    text: str


@dataclass(frozen=True)
class MessageDeleted:
    """A message in a channel was deleted (by its author or an admin)."""

    kind: ClassVar[str] = "message_deleted"
    channel_id: str
    ts: str


@dataclass(frozen=True)
class DirectMessage:
    """A member wrote to Porch in its Messages tab."""

    kind: ClassVar[str] = "direct_message"
    user_id: str
    channel_id: str
    ts: str
    thread_ts: str | None
    text: str


@dataclass(frozen=True)
class ReactionChanged:
    """An emoji reaction added to or removed from a message."""

    kind: ClassVar[str] = "reaction_changed"
    user_id: str
    channel_id: str
    ts: str
    name: str
    added: bool
    item_user: str | None = None


@dataclass(frozen=True)
class HomeOpened:
    """A member opened Porch's App Home tab."""

    kind: ClassVar[str] = "home_opened"
    user_id: str


@dataclass(frozen=True)
class AppRateLimited:
    """Slack is dropping this workspace's events for the rest of a minute (`app_rate_limited`):
    more than 30,000 of them in an hour. Not an `event_callback`: Slack posts it on its own."""

    kind: ClassVar[str] = "app_rate_limited"
    # Epoch seconds of the minute in which Slack started dropping events (`minute_rate_limited`).
    minute: int
    api_app_id: str

    @property
    def event_id(self) -> str:
        """The inbox key: the envelope has no event_id, and one notice per minute is enough."""
        return f"app_rate_limited:{self.minute}"


@dataclass(frozen=True)
class AppUninstalled:
    """The workspace removed the app (`app_uninstalled`): its tokens no longer work."""

    kind: ClassVar[str] = "app_uninstalled"


@dataclass(frozen=True)
class TokensRevoked:
    """Tokens were revoked in the workspace (`tokens_revoked`): the users whose user tokens
    went (`users`), and whether the bot's went too, which leaves Porch nothing to act with."""

    kind: ClassVar[str] = "tokens_revoked"
    users: tuple[str, ...]
    bot: bool


DomainEvent = (
    TeamJoined
    | UserChanged
    | ChannelJoined
    | MessagePosted
    | MessageEdited
    | MessageDeleted
    | DirectMessage
    | ReactionChanged
    | HomeOpened
    | AppRateLimited
    | AppUninstalled
    | TokensRevoked
)
EVENT_TYPES: dict[str, type[Any]] = {
    cls.kind: cls
    for cls in (
        TeamJoined,
        UserChanged,
        ChannelJoined,
        MessagePosted,
        MessageEdited,
        MessageDeleted,
        DirectMessage,
        ReactionChanged,
        HomeOpened,
        AppRateLimited,
        AppUninstalled,
        TokensRevoked,
    )
}
# The Events API event types the edge accepts (and the manifest subscribes to).
SLACK_EVENT_TYPES = (
    "team_join",
    "user_change",
    "member_joined_channel",
    "message",
    "reaction_added",
    "reaction_removed",
    "app_home_opened",
    "app_uninstalled",
    "tokens_revoked",
)


def from_slack(event: Any) -> DomainEvent | None:
    """The domain event for one Events API `event` object; None when Porch has no use for it.

    Raises InvalidEvent when the event is of a type Porch handles but lacks what it needs.
    """
    if not isinstance(event, Mapping):
        raise InvalidEvent("event must be an object")
    kind = event.get("type")
    if kind == "team_join":
        return TeamJoined(user=Newcomer.from_slack(event.get("user")))  # type: ignore[arg-type]
    if kind == "user_change":
        user = event.get("user")
        if not isinstance(user, Mapping):
            raise InvalidEvent("user must be an object")
        if not user.get("deleted"):
            return None  # a profile edit: Porch reads names when it needs them
        return UserChanged(user_id=_user_id(user.get("id"), "user.id"), deleted=True)
    if kind == "member_joined_channel":
        return ChannelJoined(
            user_id=_user_id(event.get("user"), "user"),
            channel_id=_channel_id(event.get("channel"), "channel"),
            inviter_id=_optional_user(event.get("inviter")),
        )
    if kind == "message":
        return _message(event)
    if kind in ("reaction_added", "reaction_removed"):
        item = event.get("item")
        if not isinstance(item, Mapping):
            raise InvalidEvent("item must be an object")
        if item.get("type") != "message":
            # Reactions on files and file comments: no message to count or to tag as feedback.
            logger.info("ignored a reaction on a %s: only messages count", item.get("type"))
            return None
        name = _text(event.get("reaction"), 100, field="reaction")
        if not name:
            raise InvalidEvent("reaction must not be empty")
        return ReactionChanged(
            user_id=_user_id(event.get("user"), "user"),
            channel_id=_channel_id(item.get("channel"), "item.channel"),
            ts=_ts(item.get("ts"), "item.ts"),
            name=name,
            added=kind == "reaction_added",
            item_user=_optional_user(event.get("item_user")),
        )
    if kind == "app_home_opened":
        if event.get("tab") != "home":
            return None
        return HomeOpened(user_id=_user_id(event.get("user"), "user"))
    if kind == "app_uninstalled":
        return AppUninstalled()
    if kind == "tokens_revoked":
        tokens = event.get("tokens")
        if not isinstance(tokens, Mapping):
            raise InvalidEvent("tokens must be an object")
        users, bots = tokens.get("oauth") or [], tokens.get("bot") or []
        if not isinstance(users, list) or not isinstance(bots, list):
            raise InvalidEvent("tokens.oauth and tokens.bot must be lists")
        return TokensRevoked(
            users=tuple(_user_id(user, "tokens.oauth[]") for user in users), bot=bool(bots)
        )
    return None


def app_rate_limited(body: Any) -> AppRateLimited:
    """The `app_rate_limited` envelope (top level, no inner event) as a domain event.

    Raises InvalidEvent when `minute_rate_limited` is not an epoch minute.
    """
    if not isinstance(body, Mapping):
        raise InvalidEvent("the envelope must be an object")
    minute = body.get("minute_rate_limited")
    if isinstance(minute, bool) or not isinstance(minute, int) or not 0 < minute < 2**40:
        raise InvalidEvent("minute_rate_limited must be epoch seconds")
    app_id = body.get("api_app_id")
    return AppRateLimited(
        minute=minute, api_app_id=_text(app_id, 32) if isinstance(app_id, str) else ""
    )


def _message(event: Mapping[str, Any]) -> DomainEvent | None:
    subtype = event.get("subtype")
    if not isinstance(subtype, str | None):
        raise InvalidEvent("subtype must be text")
    if subtype in ("message_changed", "message_deleted"):
        return _changed(event, deleted=subtype == "message_deleted")
    if subtype not in SPOKEN or event.get("bot_id") or event.get("user") is None:
        return None
    thread_ts = event.get("thread_ts")
    fields = {
        "user_id": _user_id(event.get("user"), "user"),
        "channel_id": _channel_id(event.get("channel"), "channel"),
        "ts": _ts(event.get("ts"), "ts"),
        "thread_ts": None if thread_ts is None else _ts(thread_ts, "thread_ts"),
        "text": _text(event.get("text") or "", MAX_TEXT, field="text"),
    }
    if event.get("channel_type") == "im":
        return DirectMessage(**fields)
    return MessagePosted(**fields)


def _changed(event: Mapping[str, Any], *, deleted: bool) -> DomainEvent | None:
    """An edit (the new message under `message`) or a deletion (`deleted_ts`) in a channel;
    None in a DM, for a bot's message, or when Slack sends no message (an unfurl's change)."""
    if event.get("channel_type") == "im":
        return None
    channel_id = _channel_id(event.get("channel"), "channel")
    if deleted:
        return MessageDeleted(channel_id=channel_id, ts=_ts(event.get("deleted_ts"), "deleted_ts"))
    message = event.get("message")
    if not isinstance(message, Mapping) or message.get("bot_id") or message.get("user") is None:
        return None
    if message.get("subtype") not in SPOKEN:
        return None
    thread_ts = message.get("thread_ts")
    return MessageEdited(
        user_id=_user_id(message.get("user"), "message.user"),
        channel_id=channel_id,
        ts=_ts(message.get("ts"), "message.ts"),
        thread_ts=None if thread_ts is None else _ts(thread_ts, "message.thread_ts"),
        text=_text(message.get("text") or "", MAX_TEXT, field="message.text"),
    )


def to_payload(event: DomainEvent) -> dict[str, Any]:
    # One level deep is all events have (TeamJoined's user); asdict's deep copy costs more.
    return {
        name: dict(vars(value)) if dataclasses.is_dataclass(value) else value
        for name, value in vars(event).items()
    }


def from_payload(kind: str, payload: Mapping[str, Any]) -> DomainEvent:
    cls = EVENT_TYPES[kind]
    if cls is TeamJoined:
        return TeamJoined(user=Newcomer(**payload["user"]))
    if cls is TokensRevoked:
        return TokensRevoked(users=tuple(payload["users"]), bot=payload["bot"])
    return cls(**payload)


def _user_id(value: Any, field: str) -> str:
    if not isinstance(value, str) or not USER_ID.fullmatch(value):
        raise InvalidEvent(f"{field} must be a Slack user ID")
    return value


def _optional_user(value: Any) -> str | None:
    return value if isinstance(value, str) and USER_ID.fullmatch(value) else None


def _channel_id(value: Any, field: str) -> str:
    if not isinstance(value, str) or not CHANNEL_ID.fullmatch(value):
        raise InvalidEvent(f"{field} must be a Slack channel ID")
    return value


def _ts(value: Any, field: str) -> str:
    if not isinstance(value, str) or not TS.fullmatch(value):
        raise InvalidEvent(f"{field} must be a Slack timestamp")
    return value


def _text(value: Any, limit: int, *, field: str = "text") -> str:
    """Text as stored: a string, bounded, with lone surrogates replaced (they cannot be encoded
    as UTF-8, so a database or a JSON encoder would fail on them later) and NUL characters
    dropped (PostgreSQL refuses them in text columns)."""
    if not isinstance(value, str):
        raise InvalidEvent(f"{field} must be text")
    return value[:limit].encode("utf-8", "replace").decode("utf-8").replace("\x00", "")
