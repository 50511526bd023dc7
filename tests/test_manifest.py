"""manifest.yml must declare exactly the events, commands and interactivity Porch handles."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import yaml

import handlers
from tests.conftest import ROOT


class RecordingApp:
    """Stands in for a Bolt App to see which listeners handlers/ registers."""

    def __init__(self) -> None:
        self.events: set[str] = set()
        self.actions: set[str] = set()
        self.commands: set[str] = set()
        self.views: set[str] = set()
        self.shortcuts: set[str] = set()

    def _record(self, into: set[str], name: str) -> Callable[[Any], Any]:
        into.add(name)
        return lambda function: function

    def event(self, name: str) -> Callable[[Any], Any]:
        return self._record(self.events, name)

    def action(self, name: str) -> Callable[[Any], Any]:
        return self._record(self.actions, name)

    def command(self, name: str) -> Callable[[Any], Any]:
        return self._record(self.commands, name)

    def view(self, name: str) -> Callable[[Any], Any]:
        return self._record(self.views, name)

    def shortcut(self, name: str) -> Callable[[Any], Any]:
        return self._record(self.shortcuts, name)


class AnyDomain:
    """Whatever handler modules look up on the domain object at registration time."""

    def __getattr__(self, name: str) -> AnyDomain:
        return AnyDomain()

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        return None


def test_manifest_matches_the_registered_listeners(config):
    app = RecordingApp()
    porch = SimpleNamespace(config=config, features=AnyDomain())
    handlers.register_all(app, porch=porch)  # type: ignore[arg-type]
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text())

    declared_events = {
        e.split(".")[0] for e in manifest["settings"]["event_subscriptions"]["bot_events"]
    }
    assert declared_events == app.events
    declared_commands = {c["command"] for c in manifest["features"].get("slash_commands", [])}
    assert declared_commands == app.commands
    declared_shortcuts = {s["callback_id"] for s in manifest["features"].get("shortcuts", [])}
    assert declared_shortcuts == app.shortcuts
    interactive = bool(app.actions or app.views or app.shortcuts)
    assert manifest["settings"]["interactivity"]["is_enabled"] == interactive
    assert manifest["features"]["app_home"]["home_tab_enabled"] == ("app_home_opened" in app.events)


def test_manifest_asks_for_the_scopes_its_events_need():
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text())
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    needs = {
        "message.channels": "channels:history",
        "message.groups": "groups:history",
        "team_join": "users:read",
        "member_joined_channel": "channels:read",
        "reaction_added": "reactions:read",
        "reaction_removed": "reactions:read",
    }
    for event in manifest["settings"]["event_subscriptions"]["bot_events"]:
        if event in needs:
            assert needs[event] in scopes, event
    if manifest["features"].get("slash_commands"):
        assert "commands" in scopes
