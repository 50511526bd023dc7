"""community.yml: the one file a community manager edits.

The schema is strict (unknown keys are errors) because a typo in a config file
that is silently ignored is a ritual that silently never runs. Every error is
reported as one line naming the file, the line and the field.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
ChannelName = Annotated[
    str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_\-]{0,79}$", strip_whitespace=True)
]
UserId = Annotated[str, StringConstraints(pattern=r"^[UW][A-Z0-9]{2,}$")]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
ClockTime = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Promise(Strict):
    """ "This is the place where [who] gets [outcome] through [format]"."""

    who: Text
    outcome: Text
    format: Text

    @property
    def statement(self) -> str:
        return f"This is the place where {self.who} get {self.outcome} through {self.format}."


class Link(Strict):
    name: Text
    url: Text


class CommunityConfig(Strict):
    name: Text
    promise: Promise
    timezone: Text
    site_url: Text = "http://127.0.0.1:8000/"
    links: list[Link] = []

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(  # noqa: B904 (pydantic reports the message, not the cause)
                f"unknown timezone {value!r} (use an IANA name such as Europe/Berlin)"
            )
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class ManagersConfig(Strict):
    users: list[UserId] = []
    usergroup: str | None = None

    @model_validator(mode="after")
    def _someone_manages(self) -> ManagersConfig:
        if not self.users and not self.usergroup:
            raise ValueError("name at least one manager in users or a usergroup")
        return self


class ChannelsConfig(Strict):
    """Channel names (without #). All are required so no feature posts into the void."""

    home: ChannelName
    introductions: ChannelName
    feedback: ChannelName
    wins: ChannelName
    moderators: ChannelName
    ambassadors: ChannelName
    showcase: ChannelName


class Rule(Strict):
    title: Text
    detail: Text


class ConsequenceStep(Strict):
    step: Text
    detail: Text


class GuidelinesConfig(Strict):
    rules: list[Rule] = Field(min_length=1)
    consequences: list[ConsequenceStep] = Field(min_length=1)
    reporting: Text


class IntroThread(Strict):
    weekday: Weekday = "monday"
    time: ClockTime = "09:00"
    mention_batch_size: int = Field(default=10, ge=1, le=50)
    mention_every_minutes: int = Field(default=60, ge=1, le=1440)


class WakingHours(Strict):
    start: ClockTime = "09:00"
    end: ClockTime = "20:00"

    @property
    def start_time(self) -> dt.time:
        return dt.time.fromisoformat(self.start)

    @property
    def end_time(self) -> dt.time:
        return dt.time.fromisoformat(self.end)


class FollowUps(Strict):
    nudge_after_days: int = Field(default=3, ge=1)
    check_in_days: list[int] = [7, 30]
    inactive_after_days: int = Field(default=15, ge=1)
    waking_hours: WakingHours = WakingHours()


class OnboardingConfig(Strict):
    triggers: list[Literal["team_join", "home_channel_join"]] = Field(
        default=["team_join"], min_length=1
    )
    skip_guests: bool = True
    welcome: Literal["automatic", "warm"] = "automatic"
    recommended_channels: list[ChannelName] = []
    auto_invite: bool = False
    react_to_introductions: str | None = "wave"
    intro_thread: IntroThread = IntroThread()
    follow_ups: FollowUps = FollowUps()
    reconcile_window_days: int = Field(default=14, ge=1)
    reconcile_every_minutes: int = Field(default=60, ge=5)
    templates_dir: str | None = None


class RitualConfig(Strict):
    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9\-]*$")]
    name: Text
    weekday: Weekday
    time: ClockTime
    channel: Literal["home", "introductions", "feedback", "wins", "ambassadors", "showcase"]
    prompt: Text


class FeedbackConfig(Strict):
    tags: dict[str, Text] = Field(min_length=1, description="emoji name -> tag")
    response_hours: int = Field(default=4, ge=1)

    @field_validator("tags")
    @classmethod
    def _emoji_names(cls, value: dict[str, str]) -> dict[str, str]:
        for emoji in value:
            if not re.fullmatch(r"[a-z0-9_+\-']+", emoji):
                raise ValueError(f"{emoji!r} is not a Slack emoji name (write it without colons)")
        return value


class Thresholds(Strict):
    healthy_participation_pct: float = Field(default=10, ge=0, le=100)
    stagnant_participation_pct: float = Field(default=5, ge=0, le=100)
    first_response_hours: float = Field(default=4, gt=0)
    ambassador_min_posts_30d: int = Field(default=8, ge=1)
    unanswered_after_hours: float = Field(default=24, gt=0)


class AmbassadorsConfig(Strict):
    criteria: list[Text] = []
    offer: list[Text] = []
    commitment: list[Text] = []
    cadence: Text = "A 30-minute ambassador call every month."
    apply: Text = "Message a community manager."
    starting_cohort: int = Field(default=5, ge=1)


class TrackerConfig(Strict):
    sheet: str | None = None
    local_dir: str = "tracker"
    sync_every_seconds: int = Field(default=60, ge=5)


class Config(Strict):
    community: CommunityConfig
    managers: ManagersConfig
    channels: ChannelsConfig
    guidelines: GuidelinesConfig
    onboarding: OnboardingConfig = OnboardingConfig()
    rituals: list[RitualConfig] = []
    feedback: FeedbackConfig
    thresholds: Thresholds = Thresholds()
    ambassadors: AmbassadorsConfig = AmbassadorsConfig()
    tracker: TrackerConfig = TrackerConfig()

    @model_validator(mode="after")
    def _unique_ritual_ids(self) -> Config:
        seen: set[str] = set()
        for ritual in self.rituals:
            if ritual.id in seen:
                raise ValueError(f"ritual id {ritual.id!r} is used twice")
            seen.add(ritual.id)
        return self


@dataclass(frozen=True)
class ConfigIssue:
    path: Path
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.field}: {self.message}"


class ConfigError(Exception):
    """A config that cannot be used. `issues` holds one entry per problem."""

    def __init__(self, issues: list[ConfigIssue]) -> None:
        super().__init__("\n".join(str(issue) for issue in issues))
        self.issues = issues


def load_config(path: str | Path) -> Config:
    """Read and validate community.yml, raising ConfigError with line numbers."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError([ConfigIssue(path, 0, "(file)", f"cannot read: {exc.strerror}")]) from exc
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError([ConfigIssue(path, line, "(yaml)", problem)]) from exc
    if node is None:
        raise ConfigError([ConfigIssue(path, 1, "(file)", "the file is empty")])
    lines: dict[tuple[str | int, ...], int] = {}
    data = _to_python(node, (), lines, path)
    if not isinstance(data, dict):
        raise ConfigError([ConfigIssue(path, 1, "(file)", "expected a mapping at the top level")])
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_issues(exc, path, lines)) from None


def _to_python(
    node: yaml.Node,
    at: tuple[str | int, ...],
    lines: dict[tuple[str | int, ...], int],
    path: Path,
    loader: yaml.SafeLoader | None = None,
) -> Any:
    """Turn a composed YAML node into plain data, remembering each path's line."""
    loader = loader or yaml.SafeLoader("")
    lines[at] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node)
            key_at = (*at, key)
            if key in result:
                field = ".".join(str(part) for part in key_at)
                raise ConfigError(
                    [ConfigIssue(path, key_node.start_mark.line + 1, field, "duplicate key")]
                )
            result[key] = _to_python(value_node, key_at, lines, path, loader)
            lines[key_at] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _to_python(item, (*at, i), lines, path, loader) for i, item in enumerate(node.value)
        ]
    return loader.construct_object(node)


def _issues(
    exc: ValidationError, path: Path, lines: dict[tuple[str | int, ...], int]
) -> list[ConfigIssue]:
    issues = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        probe = loc
        while probe and probe not in lines:
            probe = probe[:-1]
        line = lines.get(probe, 1)
        field = ".".join(str(part) for part in loc) or "(top level)"
        issues.append(ConfigIssue(path, line, field, _message(error)))
    return issues


def _message(error: Any) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown key (check the spelling against the configuration reference in the README)"
    if kind == "missing":
        return "required but missing"
    message = str(error["msg"])
    return message.removeprefix("Value error, ")


def summary(config: Config) -> str:
    """A short human summary for `porch check`."""
    c = config
    tracker = "Google Sheet" if c.tracker.sheet else f"local folder {c.tracker.local_dir}"
    return "\n".join(
        [
            f"{c.community.name}: valid",
            f"  promise: {c.community.promise.statement}",
            f"  timezone: {c.community.timezone}",
            f"  channels: {', '.join('#' + name for name in c.channels.model_dump().values())}",
            f"  {len(c.guidelines.rules)} rules, {len(c.guidelines.consequences)}-step "
            f"consequence ladder",
            f"  {len(c.rituals)} rituals, {len(c.feedback.tags)} feedback tags",
            f"  welcome: {c.onboarding.welcome} on {', '.join(c.onboarding.triggers)}",
            f"  tracker: {tracker}",
        ]
    )
