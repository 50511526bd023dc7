"""`porch manifest`: the Slack app manifest for this community, ready to paste.

manifest.yml (bundled with Porch, see porch/core/resources.py) declares the scopes, events and
commands Porch handles; tests/test_manifest.py keeps it in step with the listeners. This copies
it untouched except for what differs per community: the app's and the bot's name (the
community's name from community.yml) and where Slack sends requests (a public https:// URL, or
Socket Mode and no URLs at all).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import yaml

from porch.core.resources import project_path

MANIFEST_FILE = project_path("manifest.yml")
# The placeholder manifest.yml uses for the public URL in every request URL.
PLACEHOLDER = "https://porch.example.org"
# Slack's limits (api.slack.com/reference/manifests): display_information.name at most 35
# characters; features.bot_user.display_name at most 80, of letters, digits, -, _ and . (Slack's
# own examples also use spaces, which it accepts).
APP_NAME_MAX = 35
BOT_NAME_MAX = 80
FALLBACK_NAME = "Porch"
_NOT_IN_BOT_NAME = re.compile(r"[^\w\-. ]")


class NotHttps(ValueError):
    """A request URL Slack would refuse: it only sends requests to https:// URLs."""


def app_name(community: str) -> str:
    """The community's name on one line, cut to Slack's 35 characters (at a word if it can)."""
    return _fit(" ".join(community.split()), APP_NAME_MAX)


def bot_name(community: str) -> str:
    """The community's name with only the characters Slack takes in a bot's display name."""
    cleaned = " ".join(_NOT_IN_BOT_NAME.sub(" ", community).split())
    return _fit(cleaned, BOT_NAME_MAX)


def _fit(name: str, limit: int) -> str:
    if len(name) > limit:
        cut = name[:limit]
        # Cut at the last space when it leaves most of the name, rather than mid-word.
        space = cut.rfind(" ")
        name = cut[:space] if space > limit // 2 else cut
    return name.strip(" -_.") or FALLBACK_NAME


def base_url(url: str) -> str:
    """The public URL Porch answers on, without a trailing / or Porch's own path."""
    parts = urlsplit(url.strip())
    if parts.scheme != "https" or not parts.netloc:
        raise NotHttps(
            f"{url!r} is not an https:// URL: Slack sends requests only to https:// "
            '(see "HTTPS" under Deploy for real in the README), or use --socket-mode'
        )
    base = url.strip().rstrip("/")
    return base.removesuffix("/slack/events")


def build(
    *, community: str, url: str | None = None, socket_mode: bool = False, source: str | None = None
) -> dict[str, Any]:
    """manifest.yml for one community: named after it, with request URLs under `url`, or with
    Socket Mode on and no request URLs. Scopes, events and commands stay as they are."""
    if socket_mode == (url is not None):
        raise ValueError("give either url or socket_mode")
    text = source if source is not None else MANIFEST_FILE.read_text(encoding="utf-8")
    manifest: dict[str, Any] = yaml.safe_load(text)
    manifest["display_information"]["name"] = app_name(community)
    manifest["features"]["bot_user"]["display_name"] = bot_name(community)
    if socket_mode:
        manifest = _without_request_urls(manifest)
        manifest["settings"]["socket_mode_enabled"] = True
    else:
        assert url is not None
        manifest = _with_base(manifest, base_url(url))
        manifest["settings"]["socket_mode_enabled"] = False
    return manifest


def _points_at_placeholder(value: Any) -> bool:
    return isinstance(value, str) and (value == PLACEHOLDER or value.startswith(PLACEHOLDER + "/"))


def _with_base(node: Any, base: str) -> Any:
    """Every URL at the placeholder moved to `base`, keeping its path (/slack/events)."""
    if isinstance(node, dict):
        return {key: _with_base(value, base) for key, value in node.items()}
    if isinstance(node, list):
        return [_with_base(item, base) for item in node]
    if _points_at_placeholder(node):
        return base + node[len(PLACEHOLDER) :]
    return node


def _without_request_urls(node: Any) -> Any:
    """Every key whose value is a URL at the placeholder left out: in Socket Mode Slack sends
    events, commands and interactions over the WebSocket."""
    if isinstance(node, dict):
        return {
            key: _without_request_urls(value)
            for key, value in node.items()
            if not _points_at_placeholder(value)
        }
    if isinstance(node, list):
        return [_without_request_urls(item) for item in node]
    return node


def render(manifest: dict[str, Any], *, how: str) -> str:
    """The manifest as YAML, with a header saying where to paste it and how it was made."""
    header = (
        f"# Slack app manifest for {manifest['display_information']['name']}, written by "
        f"`porch manifest {' '.join(how.split())}`.\n"
        "# api.slack.com/apps -> Create New App -> From an app manifest -> paste this file.\n"
    )
    body = yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True, width=100)
    return header + body
