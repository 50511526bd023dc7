"""The `events` section of community.yml: recurring live sessions (office hours, AMAs,
co-working), where they are announced, and when those going are reminded.

One-off events are not here: managers create them with `/porch event` (manage.py).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field

from porch.core.config import ClockTime, Strict, Text, Weekday

# A reminder offset as written: "24h", "15m", "2d", "1h30m".
_OFFSET = re.compile(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?")


def _slug(value: object) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if re.fullmatch(r"[a-z0-9][a-z0-9\-]{0,47}", text):
        return text
    raise ValueError(f"must be lowercase letters, digits and -, e.g. office-hours, not {value!r}")


def _offset(value: object) -> str:
    text = str(value).strip().lower().replace(" ", "") if isinstance(value, str | int) else ""
    found = _OFFSET.fullmatch(text)
    if text and found and any(found.groups()):
        return text
    raise ValueError(f'must be a duration like "24h", "15m" or "2d", not {value!r}')


def offset_delta(text: str) -> dt.timedelta:
    found = _OFFSET.fullmatch(text)
    assert found is not None
    days, hours, minutes = (int(part or 0) for part in found.groups())
    return dt.timedelta(days=days, hours=hours, minutes=minutes)


def _where(value: object) -> str:
    """A channel (#office-hours or office-hours) or a web address (https://...)."""
    text = value.strip() if isinstance(value, str) else ""
    if text.startswith(("https://", "http://")) and " " not in text:
        return text
    name = text.removeprefix("#")
    if re.fullmatch(r"[a-z0-9][a-z0-9_\-]{0,79}", name):
        return name
    raise ValueError(
        f"must be a channel name (office-hours) or a link starting with https://, not {value!r}"
    )


Offset = Annotated[str, BeforeValidator(_offset)]
Where = Annotated[str, BeforeValidator(_where)]


class RecurringEvent(Strict):
    """An event held every `every_weeks` weeks on `weekday` at `time` (community timezone)."""

    id: Annotated[str, BeforeValidator(_slug)]
    title: Text
    weekday: Weekday
    time: ClockTime
    length_minutes: int = Field(default=60, ge=5, le=24 * 60)
    every_weeks: int = Field(default=1, ge=1, le=12)
    # Where it happens: a channel (a huddle there) or a link (a video call).
    where: Where
    description: str = ""


class ReminderHours(Strict):
    start: ClockTime = "09:00"
    end: ClockTime = "21:00"

    @property
    def start_time(self) -> dt.time:
        return dt.time.fromisoformat(self.start)

    @property
    def end_time(self) -> dt.time:
        return dt.time.fromisoformat(self.end)


def _unique(events: list[RecurringEvent]) -> list[RecurringEvent]:
    seen: set[str] = set()
    for event in events:
        if event.id in seen:
            raise ValueError(f"event id {event.id!r} is used twice")
        seen.add(event.id)
    return events


def _distinct_offsets(offsets: list[str]) -> list[str]:
    deltas = [offset_delta(o) for o in offsets]
    if len(set(deltas)) != len(deltas):
        raise ValueError("a reminder offset is listed twice")
    if any(d > dt.timedelta(days=14) for d in deltas):
        raise ValueError("a reminder is at most 14 days (14d) before the event")
    return offsets


class EventsConfig(Strict):
    """Live events. Off while `recurring` is empty and no manager created one."""

    # The channel (a key of `channels`) where events are announced.
    announce_in: Literal["home", "introductions", "feedback", "wins", "ambassadors", "showcase"] = (
        "home"
    )
    # A recurring event is announced this many days before it.
    announce_days_before: int = Field(default=6, ge=0, le=30)
    # DMs to those going, this long before the start ("24h", "15m").
    reminders: Annotated[list[Offset], AfterValidator(_distinct_offsets)] = Field(
        default_factory=lambda: ["24h", "15m"]
    )
    # Reminders longer than this wait for the member's waking hours (in their timezone);
    # shorter ones go at their time (the member is about to join).
    waking_hours: ReminderHours = ReminderHours()
    # Check-in opens this long before the start and closes at the end.
    check_in_opens_minutes: int = Field(default=10, ge=0, le=120)
    # The recap is posted this long after the end.
    recap_after_minutes: int = Field(default=30, ge=0, le=24 * 60)
    recurring: Annotated[list[RecurringEvent], AfterValidator(_unique)] = Field(
        default_factory=list
    )
