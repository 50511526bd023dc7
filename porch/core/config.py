"""community.yml: the one file a community manager edits.

The schema is strict (unknown keys are errors) because a typo in a config file
that is silently ignored is a ritual that silently never runs. Every error is
reported as one line naming the file, the line and the field.
"""

from __future__ import annotations

import difflib
import re
import types
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")
EMOJI_NAME = re.compile(r"[a-z0-9_+\-']+(::skin-tone-[2-6])?")


# The validators below raise messages a community manager can act on (what a valid value looks
# like), instead of the regular expression pydantic would quote.


def _clock_time(value: object) -> str:
    if isinstance(value, str) and re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value.strip()):
        return value.strip()
    message = 'time must be HH:MM, e.g. "09:30" (quote it)'
    if isinstance(value, str):
        message += f", not {value!r}"
    raise ValueError(message)


def _channel_name(value: object) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if re.fullmatch(r"[a-z0-9][a-z0-9_\-]{0,79}", text):
        return text
    if text.startswith("#") and re.fullmatch(r"[a-z0-9][a-z0-9_\-]{0,79}", text[1:]):
        raise ValueError(f"write the channel name without the #: {text[1:]}")
    raise ValueError(
        "must be a channel name as Slack shows it, without the #: lowercase letters, digits, "
        f"- and _, e.g. introductions, not {value!r}"
    )


def _user_id(value: object) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if USER_ID.fullmatch(text):
        return text
    if isinstance(value, str) and "@" in value:
        raise ValueError(
            f"must be a Slack member ID such as U0123ABCD, not {value!r}: `porch setup --write` "
            "replaces @handles and emails with member IDs (or in Slack: open the profile, "
            "then ⋯ → Copy member ID)"
        )
    raise ValueError(
        f"must be a Slack member ID such as U0123ABCD, not {value!r} (in Slack: open the "
        "profile, then ⋯ → Copy member ID)"
    )


def _emoji_name(value: object) -> str:
    """Slack names emoji `wave`, `+1`, `thumbsup::skin-tone-2`; reactions.add wants the name."""
    if not isinstance(value, str):
        raise ValueError('emoji names that look like numbers need quotes, e.g. "+1" or "100"')
    name = value.strip()
    if EMOJI_NAME.fullmatch(name):
        return name
    bare = name.strip(":")
    if bare != name and EMOJI_NAME.fullmatch(bare):
        raise ValueError(f"write the emoji name without colons: {bare}, not {name}")
    if not name.isascii():
        raise ValueError(
            f"{name!r} is an emoji, not its name: write the name Slack shows when you hover "
            "it, e.g. wave for 👋"
        )
    if EMOJI_NAME.fullmatch(bare.lower()):
        raise ValueError(f"emoji names are lowercase: {bare.lower()}, not {name}")
    raise ValueError(
        f"{name!r} is not an emoji name: lowercase letters, digits, -, _ and +, e.g. wave or bug"
    )


def _optional_emoji_name(value: object) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return _emoji_name(value)


def _web_url(value: object) -> str:
    text = value.strip() if isinstance(value, str) else ""
    parts = urlsplit(text)
    if parts.scheme in ("http", "https") and parts.netloc:
        return text
    example = f"https://{text.split('://')[-1]}" if text and " " not in text else None
    raise ValueError(
        "must be a web address starting with https:// (or http://), e.g. "
        f'"{example or "https://community.example.org/"}"'
    )


ChannelName = Annotated[str, BeforeValidator(_channel_name)]
UserId = Annotated[str, BeforeValidator(_user_id)]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
ClockTime = Annotated[str, BeforeValidator(_clock_time)]
EmojiName = Annotated[str, BeforeValidator(_emoji_name)]
OptionalEmojiName = Annotated[str | None, BeforeValidator(_optional_emoji_name)]
WebUrl = Annotated[str, BeforeValidator(_web_url)]


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
    site_url: WebUrl = "http://127.0.0.1:8000/"
    # The site's "Join the community" button; without one the home page shows no button.
    invite_url: WebUrl | None = None
    links: list[Link] = []

    @field_validator("invite_url", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        """`invite_url:` left empty means "no button", like leaving the line out."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return value

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


class ManagerContact(Strict):
    """A manager as members know them: the site lists people by name, never by Slack ID."""

    name: Text
    slack_id: UserId | None = None
    role: Text | None = None


DEFAULT_CONCERNS = (
    "If your concern is about a community manager, tell another manager from this list. "
    "The manager concerned is not involved in handling it."
)


class ManagersConfig(Strict):
    users: list[UserId] = []
    usergroup: str | None = None
    contacts: list[ManagerContact] = []
    # How to raise a concern about a manager (shown on the guidelines page).
    concerns: Text = DEFAULT_CONCERNS

    @model_validator(mode="before")
    @classmethod
    def _contacts_are_managers(cls, data: Any) -> Any:
        """A contact with a Slack ID manages too: one list to keep, not two that drift apart.

        Merged before validation so `users` stays the one list the app checks.
        """
        if not isinstance(data, dict) or not isinstance(data.get("contacts"), list):
            return data
        users = data.get("users")
        if users is not None and not isinstance(users, list):
            return data
        merged = list(users or [])
        for contact in data["contacts"]:
            slack_id = contact.get("slack_id") if isinstance(contact, dict) else None
            # A malformed ID is reported at the contact itself, not copied into users.
            if not isinstance(slack_id, str) or not USER_ID.fullmatch(slack_id.strip()):
                continue
            if slack_id.strip() not in merged:
                merged.append(slack_id.strip())
        return {**data, "users": merged}

    @model_validator(mode="after")
    def _someone_manages(self) -> ManagersConfig:
        if not self.users and not self.usergroup:
            raise ValueError(
                "name at least one manager in users, a usergroup, or contacts with a slack_id"
            )
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


DEFAULT_SCOPE = (
    "These guidelines apply everywhere in the community: public channels, threads, direct "
    "messages between members, and events the community runs."
)


class GuidelinesConfig(Strict):
    # Where the guidelines apply, so nobody has to guess whether a DM counts.
    scope: Text = DEFAULT_SCOPE
    rules: list[Rule] = Field(min_length=1)
    # An explicit anti-harassment rule, shown on its own on the guidelines page.
    anti_harassment: Text | None = None
    consequences: list[ConsequenceStep] = Field(min_length=1)
    reporting: Text


def _removed_unanswered_after_hours(value: object) -> None:
    raise ValueError(
        "no longer exists: the unanswered-question alert and every page use "
        "thresholds.first_response_hours; delete this line and set first_response_hours instead"
    )


def _removed_participation_band(value: object) -> None:
    raise ValueError(
        "no longer exists: the Healthy/Watch/Stagnant status is now the band of the Community "
        "Health Score (health.healthy_score, health.stagnant_score), so that it never disagrees "
        "with the score; delete this line"
    )


def _removed_ambassador_min_posts(value: object) -> None:
    raise ValueError(
        "no longer exists: who becomes an ambassador candidate is now set by the last level in "
        "ambassadors.levels (days active, replies to others, first answers... over "
        "ambassadors.window_days); delete this line"
    )


class Thresholds(Strict):
    first_response_hours: float = Field(default=4, gt=0)
    # Removed: nothing read it. Declared only so an old community.yml still carrying it gets an
    # error naming what replaced it.
    ambassador_min_posts_30d: Annotated[None, BeforeValidator(_removed_ambassador_min_posts)] = (
        Field(default=None, exclude=True)
    )
    # Removed: it promised (on the FAQ) a second response time nothing enforced. Declared only
    # so an old community.yml still carrying it gets an error saying what replaced it.
    unanswered_after_hours: Annotated[None, BeforeValidator(_removed_unanswered_after_hours)] = (
        Field(default=None, exclude=True)
    )
    # Removed: a status from participation read "Healthy" beside a score of 32. Declared only so
    # an old community.yml still carrying them gets an error saying what replaced them.
    healthy_participation_pct: Annotated[None, BeforeValidator(_removed_participation_band)] = (
        Field(default=None, exclude=True)
    )
    stagnant_participation_pct: Annotated[None, BeforeValidator(_removed_participation_band)] = (
        Field(default=None, exclude=True)
    )
    # Channels where every top-level message counts as a question (elsewhere, one ending in "?").
    help_channels: list[ChannelName] = []


WORKDAYS: list[Weekday] = ["monday", "tuesday", "wednesday", "thursday", "friday"]


class TrackerConfig(Strict):
    sheet: str | None = None
    local_dir: str = "tracker"
    sync_every_seconds: int = Field(default=60, ge=5)


class Config(Strict):
    """The core sections. Each feature package adds its own (FeaturePackage.config_sections);
    porch.features.registry composes them into the schema community.yml is checked against."""

    community: CommunityConfig
    managers: ManagersConfig
    channels: ChannelsConfig
    guidelines: GuidelinesConfig
    thresholds: Thresholds = Thresholds()
    tracker: TrackerConfig = TrackerConfig()

    def channel_names(self) -> set[str]:
        """Every channel community.yml names: Porch resolves these to IDs and joins them. A
        feature's section that names channels of its own says so with a `channel_names()`."""
        names = set(self.channels.model_dump().values()) | set(self.thresholds.help_channels)
        for section in self.feature_sections():
            if callable(more := getattr(section, "channel_names", None)):
                names |= set(more())
        return names

    def feature_sections(self) -> list[Any]:
        """The sections the feature packages add (the composed model's fields beyond these)."""
        return [getattr(self, key) for key in type(self).model_fields if key not in CORE_KEYS]


# The core sections; any other field of a loaded config is a feature package's section.
CORE_KEYS = frozenset(Config.model_fields)


@dataclass(frozen=True)
class ConfigIssue:
    """One problem (or, with `warning`, one likely mistake) at a line of a file."""

    path: Path
    line: int
    field: str
    message: str
    warning: bool = False

    def __str__(self) -> str:
        if not self.line:  # the file as a whole: there is no line to point at
            return f"{self.path}: {self.message}"
        kind = "warning: " if self.warning else ""
        return f"{self.path}:{self.line}: {self.field}: {kind}{self.message}"


class ConfigError(Exception):
    """A config that cannot be used. `issues` holds one entry per problem."""

    def __init__(self, issues: list[ConfigIssue]) -> None:
        super().__init__("\n".join(str(issue) for issue in issues))
        self.issues = issues


def check_config(
    path: str | Path, *, model: type[Config] = Config, text: str | None = None
) -> tuple[Config, list[ConfigIssue]]:
    """Read and validate community.yml against `model` (the core sections plus the features'
    own, composed by porch.features.registry), raising ConfigError with line numbers; also
    returns warnings: valid YAML that probably says less than meant.

    `text`, when given, is validated as if it were the file's content (`porch setup` checks the
    file with its managers' @handles resolved before writing it); `path` still names the file
    in issues and anchors relative paths."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8") if text is None else text
    except FileNotFoundError as exc:
        raise ConfigError(
            [
                ConfigIssue(
                    path,
                    0,
                    "(file)",
                    "no such file (porch init writes one here; or pass --config PATH or set "
                    "PORCH_CONFIG)",
                )
            ]
        ) from exc
    except IsADirectoryError as exc:
        raise ConfigError([ConfigIssue(path, 0, "(file)", "is a folder, not a file")]) from exc
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise ConfigError([ConfigIssue(path, 0, "(file)", f"cannot read: {reason}")]) from exc
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        problem = getattr(exc, "problem", None) or str(exc)
        source = text.splitlines()[line - 1] if 0 < line <= len(text.splitlines()) else ""
        raise ConfigError([ConfigIssue(path, line, "(yaml)", _yaml_hint(problem, source))]) from exc
    if node is None:
        raise ConfigError([ConfigIssue(path, 1, "(file)", "the file is empty")])
    reader = _Reader(path=path, source=text.splitlines())
    data = reader.to_python(node, ())
    if not isinstance(data, dict):
        raise ConfigError([ConfigIssue(path, 1, "(file)", "expected a mapping at the top level")])
    try:
        # `document`: the whole file as read, for a section that checks a name another section
        # defines (a moderation rule names a guideline).
        context = {"base_dir": path.absolute().parent, "document": data}
        config = model.model_validate(data, context=context)
    except ValidationError as exc:
        raise ConfigError(reader.issues(exc, model)) from None
    return config, reader.warnings


def _yaml_hint(problem: str, source: str) -> str:
    """YAML's own wording, plus the usual cause when the line shows it."""
    indent = source[: len(source) - len(source.lstrip())]
    if "\t" in indent or "'\\t'" in problem:
        return "a tab character: use spaces, not tabs, to indent"
    emoji = re.search(r":\s+:([a-z0-9_+\-']+):\s*(#.*)?$", source)
    if emoji:
        return f"{problem} (write emoji names without colons: {emoji.group(1)})"
    if "'@' that cannot start any token" in problem:
        return f'{problem} (put a @handle in quotes: "@sam")'
    if problem == "mapping values are not allowed here":
        return f'{problem} (put a value that contains ": " in quotes)'
    return problem


@dataclass
class _Reader:
    """Turns composed YAML nodes into plain data, remembering each path's line."""

    path: Path
    source: list[str]
    lines: dict[tuple[str | int, ...], int] = field(default_factory=dict)
    # List items that have an `id` (rituals): errors name them by it, not by their index.
    ids: dict[tuple[str | int, ...], str] = field(default_factory=dict)
    found: list[tuple[tuple[str | int, ...], ConfigIssue]] = field(default_factory=list)
    loader: yaml.SafeLoader = field(default_factory=lambda: yaml.SafeLoader(""))

    def to_python(self, node: yaml.Node, at: tuple[str | int, ...]) -> Any:
        self.lines[at] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.loader.construct_object(key_node)
                key_at = (*at, key)
                if key in result:
                    raise ConfigError(
                        [
                            ConfigIssue(
                                self.path,
                                key_node.start_mark.line + 1,
                                self.name(key_at),
                                "duplicate key",
                            )
                        ]
                    )
                result[key] = self.to_python(value_node, key_at)
                self.lines[key_at] = key_node.start_mark.line + 1
            return result
        if isinstance(node, yaml.SequenceNode):
            items = [self.to_python(item, (*at, i)) for i, item in enumerate(node.value)]
            for i, item in enumerate(items):
                if (
                    isinstance(item, dict)
                    and isinstance(item.get("id"), str)
                    and item["id"].strip()
                ):
                    self.ids[(*at, i)] = item["id"].strip()
            return items
        value = self.loader.construct_object(node)
        if isinstance(value, str) and node.style is None:
            self._check_cut_short(node, value, at)
        return value

    def _check_cut_short(self, node: yaml.Node, value: str, at: tuple[str | int, ...]) -> None:
        """Warn when YAML ended unquoted text at " #": `in #ambassadors` loses the channel and
        everything after it, silently. A one-word value with a `# note` is left alone."""
        line = self.source[node.end_mark.line] if node.end_mark.line < len(self.source) else ""
        rest = re.match(r"[ \t]+#(.*)$", line[node.end_mark.column :])
        if not rest:
            return
        comment = rest.group(1)
        if not re.search(r"\s", value) and (not comment or comment[0].isspace()):
            return
        cut = "#" + comment if len(comment) <= 40 else "#" + comment[:40] + "…"
        self.found.append(
            (
                at,
                ConfigIssue(
                    self.path,
                    node.end_mark.line + 1,
                    "",
                    f'the text stops before "{cut}": YAML reads " #" as the start of a comment. '
                    "If the rest belongs to the text, put the whole value in quotes.",
                    warning=True,
                ),
            )
        )

    @property
    def warnings(self) -> list[ConfigIssue]:
        return [replace(issue, field=self.name(at)) for at, issue in self.found]

    def name(self, loc: tuple[Any, ...]) -> str:
        """The field's path as a manager reads it: `rituals[monday-goals].time` for a list item
        with an id, `managers.users.0` for one without."""
        name = ""
        for i, part in enumerate(loc):
            if isinstance(part, int) and loc[: i + 1] in self.ids:
                name += f"[{self.ids[loc[: i + 1]]}]"
            else:
                name += f".{part}" if name else str(part)
        return name or "(top level)"

    def issues(self, exc: ValidationError, model: type[BaseModel]) -> list[ConfigIssue]:
        issues = []
        for error in exc.errors():
            loc = tuple(part for part in error["loc"] if part != "[key]")
            probe = loc
            while probe and probe not in self.lines:
                probe = probe[:-1]
            line = self.lines.get(probe, 1)
            source = self.source[line - 1] if 0 < line <= len(self.source) else ""
            message = _message(error, source)
            if error["type"] == "extra_forbidden" and loc and isinstance(loc[-1], str):
                close = difflib.get_close_matches(loc[-1], _keys_at(model, loc[:-1]), n=1)
                if close:
                    message = f"unknown key: did you mean {close[0]}?"
            issues.append(ConfigIssue(self.path, line, self.name(loc), message))
        return issues


def _keys_at(model: Any, loc: tuple[Any, ...]) -> list[str]:
    """The keys the schema knows at `loc` (a section, a list item's fields); [] when the schema
    there is not a fixed set of keys."""
    kind = model
    for part in (*loc, None):
        kind = _unwrap(kind, index=isinstance(part, int))
        if part is None:
            break
        if isinstance(kind, type) and issubclass(kind, BaseModel) and isinstance(part, str):
            info = kind.model_fields.get(part)
            if info is None:
                return []
            kind = info.annotation
        elif isinstance(part, int) and get_origin(kind) is list:
            kind = get_args(kind)[0]
        elif get_origin(kind) is dict:
            kind = get_args(kind)[1]
        else:
            return []
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        return list(kind.model_fields)
    return []


def _unwrap(kind: Any, *, index: bool) -> Any:
    """`kind` without Annotated[…] and without `| None`: the model, list or dict under them."""
    while True:
        origin = get_origin(kind)
        if origin is Annotated:
            kind = get_args(kind)[0]
        elif origin in (Union, types.UnionType):
            options = [arg for arg in get_args(kind) if arg is not type(None)]
            wanted = [arg for arg in options if (get_origin(arg) is list) == index]
            kind = (wanted or options)[0]
        else:
            return kind


# pydantic's wording, keyed by its error type, in words a community manager acts on.
PLAIN_MESSAGES = {
    "int_parsing": "must be a whole number, e.g. 10",
    "int_type": "must be a whole number, e.g. 10",
    "int_from_float": "must be a whole number, e.g. 10",
    "float_parsing": "must be a number, e.g. 4 or 2.5",
    "float_type": "must be a number, e.g. 4 or 2.5",
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "string_type": "must be text",
    "string_too_short": "must not be empty",
    "dict_type": "must be a section of `key: value` lines",
    "model_type": "must be a section of `key: value` lines",
    "model_attributes_type": "must be a section of `key: value` lines",
    "list_type": "must be a list: [a, b] on one line, or one `- item` per line",
    "greater_than_equal": "must be at least {ge}",
    "greater_than": "must be more than {gt}",
    "less_than_equal": "must be at most {le}",
    "less_than": "must be less than {lt}",
    "literal_error": "must be {expected}",
}


def _message(error: Any, source: str = "") -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return 'unknown key (check the spelling: see the README section "Configuration reference")'
    if kind == "missing":
        return "required but missing"
    given = error.get("input")
    if given is None or (kind == "string_too_short" and not str(given).strip()):
        if re.search(r":\s+#", source):
            return (
                'is empty: YAML reads everything after " #" as a comment, so quote the value '
                "(or, for a channel, write its name without the #)"
            )
        return "is empty: write a value after the colon"
    if kind == "too_short":
        return "needs at least one entry"
    if kind in PLAIN_MESSAGES:
        message = PLAIN_MESSAGES[kind].format(**error.get("ctx", {}))
        if isinstance(given, str | int | float | bool):
            message += f", not {given!r}"
        return message
    message = str(error["msg"]).removeprefix("Value error, ")
    return message.replace("Input should be", "must be", 1)


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
            # A feature's section may add a line of its own (`summary_line()`).
            *(
                more()
                for section in c.feature_sections()
                if callable(more := getattr(section, "summary_line", None))
            ),
            f"  tracker: {tracker}",
        ]
    )
