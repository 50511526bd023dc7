"""Render the newcomer site's Markdown pages from community.yml.

The site has to say exactly what the Slack app enforces, so its pages are
Jinja2 templates filled from the same validated config. Managers still own the
words around the placeholders: they edit plain Markdown in `site/`.

Rendering is strict on purpose. A misspelt placeholder or a value that is not
set would otherwise publish a page with a hole in it (or the text "None"), and
nobody would notice until a newcomer did. Every failure is one line naming the
page, the line and the placeholder.

This module knows nothing about MkDocs; `porch/site/mkdocs_hook.py` adapts it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType, TracebackType
from typing import Any

import jinja2
from sqlalchemy import Engine

from porch.core.config import Config
from porch.features.registry import build_features, load_config
from porch.features.registry import templates as feature_templates

CONFIG_ENV = "PORCH_CONFIG"

# Slack emoji names shown on the feedback page. Pages render the glyph beside
# the name so members recognise the reaction without the site fetching images.
SLACK_EMOJI: Mapping[str, str] = MappingProxyType(
    {
        "+1": "👍",
        "100": "💯",
        "bug": "🐛",
        "bulb": "💡",
        "clap": "👏",
        "eyes": "👀",
        "fire": "🔥",
        "heart": "❤️",
        "memo": "📝",
        "pray": "🙏",
        "question": "❓",
        "raised_hands": "🙌",
        "rocket": "🚀",
        "sparkles": "✨",
        "speech_balloon": "💬",
        "star": "⭐",
        "tada": "🎉",
        "thinking_face": "🤔",
        "thumbsup": "👍",
        "warning": "⚠️",
        "wave": "👋",
        "white_check_mark": "✅",
        "wrench": "🔧",
    }
)


class SiteError(Exception):
    """A page or site data file that cannot be rendered; the text is one line per problem."""


def resolve_config_path(*, mkdocs_file: Path, environ: Mapping[str, str]) -> Path:
    """PORCH_CONFIG wins; otherwise community.yml beside mkdocs.yml.

    Plain `mkdocs build --strict` (as CI runs it) has no way to pass arguments to
    the hook, so the hook finds the config on its own.
    """
    if value := environ.get(CONFIG_ENV):
        return Path(value)
    return mkdocs_file.parent / "community.yml"


class ConfigNode(dict[str, Any]):
    """A mapping that remembers where it sits in the context, for error messages."""

    def __init__(self, values: Mapping[str, Any], *, path: str) -> None:
        super().__init__(values)
        self.path = path

    def child(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def lookup(self, key: str, undefined: Callable[..., jinja2.Undefined]) -> Any:
        if key in self:
            value = self[key]
            if value is None:
                return undefined(
                    hint=f"placeholder {self.child(key)!r} has no value in community.yml",
                    obj=self,
                    name=key,
                )
            return value
        if hasattr(dict, key):
            return getattr(self, key)
        return undefined(obj=self, name=key)


class ConfigList(list[Any]):
    """A list that remembers where it sits in the context, for error messages."""

    def __init__(self, values: Iterable[Any], *, path: str) -> None:
        super().__init__(values)
        self.path = path


class _Placeholder(jinja2.StrictUndefined):
    """StrictUndefined whose message names the full placeholder, not "'dict object'"."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        if self._undefined_hint:
            return self._undefined_hint
        obj, name = self._undefined_obj, self._undefined_name
        if obj is jinja2.runtime.missing:
            dotted = str(name)
        elif isinstance(obj, ConfigNode):
            dotted = obj.child(str(name))
        elif isinstance(obj, ConfigList):
            dotted = f"{obj.path}[{name!r}]"
        else:
            dotted = f"({type(obj).__name__}).{name}"
        return f"unknown placeholder {dotted!r}"


class _PageEnvironment(jinja2.Environment):
    """Routes lookups on config nodes through ConfigNode.lookup (missing values fail)."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, ConfigNode):
            return obj.lookup(attribute, self.undefined)
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(obj, ConfigNode) and isinstance(argument, str):
            return obj.lookup(argument, self.undefined)
        return super().getitem(obj, argument)


def _wrap(value: Any, path: str) -> Any:
    if isinstance(value, Mapping):
        return ConfigNode(
            {key: _wrap(item, f"{path}.{key}" if path else key) for key, item in value.items()},
            path=path,
        )
    if isinstance(value, list | tuple):
        return ConfigList((_wrap(item, f"{path}[{i}]") for i, item in enumerate(value)), path=path)
    # Thresholds are floats in the schema; "10.0%" reads like a typo on a page.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def timezone_label(timezone: str) -> str:
    """How a time's zone reads beside it: "Berlin time" for Europe/Berlin.

    Abbreviations such as CET are ambiguous and change with daylight saving, so the city
    is the clearer label. Zones without a city (UTC, Etc/GMT+5, whose sign is inverted)
    are shown as written.
    """
    area, _, city = timezone.rpartition("/")
    if not area or area == "Etc":
        return timezone
    return f"{city.replace('_', ' ')} time"


@dataclass(frozen=True)
class SiteStore:
    """The store a site is built beside, and the workspace whose pages it fills (`porch site
    build` finds them; a plain `mkdocs build` has none, and the store's pages are empty)."""

    engine: Engine
    team_id: str


def build_context(config: Config, *, store: SiteStore | None = None) -> ConfigNode:
    """Everything a page may use: the config as written, plus a few derived values."""
    data = config.model_dump(mode="json")
    data["community"]["promise"]["statement"] = config.community.promise.statement
    data["community"]["timezone_label"] = timezone_label(config.community.timezone)
    # What the features add for the pages (Feature.site_context): the rituals calendar, the
    # feedback tags, the privacy table; and, from the store, the showcase's entries.
    features = build_features(config=config, templates=feature_templates())
    data.update(features.site_context())
    if store is not None:
        with store.engine.connect() as conn:
            data.update(features.site_data(conn, store.team_id))
    return _wrap(data, "")


def _emoji(name: str) -> str:
    glyph = SLACK_EMOJI.get(name)
    return f"{glyph} `:{name}:`" if glyph else f"`:{name}:`"


def _channel(name: str) -> str:
    """A channel as members see it in Slack.

    Bold, so "#name" can never start a line and turn into a Markdown heading.
    """
    return f"**#{name}**"


def _cell(value: Any) -> str:
    """Keep a value inside one Markdown table cell."""
    return " ".join(str(value).split()).replace("|", "\\|")


def make_environment() -> jinja2.Environment:
    env = _PageEnvironment(
        undefined=_Placeholder,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["emoji"] = _emoji
    env.filters["cell"] = _cell
    env.filters["channel"] = _channel
    return env


def _template_line(tb: TracebackType | None) -> int | None:
    """The template line Jinja reports in its rewritten traceback (the last such frame)."""
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def render_page(
    source: str, *, page: str, context: Mapping[str, Any], environment: jinja2.Environment
) -> str:
    """Render one page's Markdown; raise SiteError("page:line: message") on any template error."""
    try:
        return environment.from_string(source).render(context)
    except jinja2.TemplateSyntaxError as exc:
        raise SiteError(f"{page}:{exc.lineno}: template error: {exc.message}") from None
    except jinja2.TemplateError as exc:
        line = _template_line(exc.__traceback__)
        where = f"{page}:{line}" if line else page
        raise SiteError(f"{where}: {exc.message or exc}") from None


@dataclass(frozen=True)
class SiteRenderer:
    """One build's worth of rendering state: the loaded config and the page context."""

    config_path: Path
    config: Config
    context: ConfigNode
    environment: jinja2.Environment

    def render(self, source: str, *, page: str) -> str:
        return render_page(source, page=page, context=self.context, environment=self.environment)


def load_renderer(*, config_path: Path, store: SiteStore | None = None) -> SiteRenderer:
    """Load and validate everything a build needs (raises ConfigError or SiteError)."""
    config = load_config(config_path)
    return SiteRenderer(
        config_path=config_path,
        config=config,
        context=build_context(config, store=store),
        environment=make_environment(),
    )
