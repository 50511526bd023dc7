"""manifest.yml must declare exactly the events, commands and interactivity Porch handles, and
every button a template renders must have a listener (the features' ids.py name them all)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import pytest
import yaml
from jinja2 import UndefinedError, nodes

from porch import handlers
from porch.core.config import Config
from porch.core.slack_ids import Command
from porch.core.templating import PACKAGED_TEMPLATES
from porch.features import registry
from porch.runtime.preview import samples
from tests.conftest import ROOT


class RecordingApp:
    """Stands in for a Bolt App to see which listeners handlers/ registers."""

    def __init__(self) -> None:
        self.events: set[str] = set()
        self.actions: set[str] = set()
        self.commands: set[str] = set()
        self.views: set[str] = set()
        self.shortcuts: set[str] = set()
        self.middleware: list[Callable[..., Any]] = []

    def _record(self, into: set[str], name: str) -> Callable[[Any], Any]:
        into.add(str(name))
        # Bolt's decorator takes the listener, or ack= and lazy= (a lazy listener).
        return lambda function=None, **lazy: function

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

    def use(self, function: Callable[..., Any]) -> Callable[..., Any]:
        self.middleware.append(function)
        return function

    def error(self, function: Callable[..., Any]) -> Callable[..., Any]:
        return function


def registered(config: Config) -> RecordingApp:
    app = RecordingApp()
    templates = registry.templates()
    features = registry.build_features(config=config, templates=templates)
    porch = SimpleNamespace(config=config, features=features, templates=templates)
    handlers.register_all(app, porch=porch)  # type: ignore[arg-type]
    return app


def test_manifest_matches_the_registered_listeners(config):
    app = registered(config)
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text())

    declared_events = {
        e.split(".")[0] for e in manifest["settings"]["event_subscriptions"]["bot_events"]
    }
    assert declared_events == app.events
    declared_commands = {c["command"] for c in manifest["features"].get("slash_commands", [])}
    assert declared_commands == app.commands == declared("Command")
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
        "message.im": "im:history",
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


def declared(kind: str) -> set[str]:
    """Every feature package's IDs of one kind (Action, View, ...), and core's commands."""
    core = set(Command) if kind == "Command" else set()
    return core | {member for ids in registry.slack_ids() if ids.__name__ == kind for member in ids}


def test_every_id_has_a_listener_and_every_listener_an_id(config):
    app = registered(config)
    assert app.actions == declared("Action")
    assert app.views == declared("View")
    assert app.commands == declared("Command")


def _template_ids(template: nodes.Template) -> Iterator[str]:
    for node in template.find_all(nodes.Getattr):
        if isinstance(node.node, nodes.Name) and node.node.name == "ids":
            yield node.attr


def test_templates_name_ids_only_through_the_constants():
    """Every `ids.X` exists, no action_id is a string literal, and every button is used."""
    templates = registry.templates()
    environment = templates._env
    every_id = registry.template_ids()
    referenced: set[str] = set()
    for name in templates.names():
        source = (PACKAGED_TEMPLATES / name).read_text(encoding="utf-8")
        tree = environment.parse(source, name=name)
        for keyword in tree.find_all(nodes.Keyword):
            if keyword.key == "action_id":
                assert not isinstance(keyword.value, nodes.Const), (
                    f"templates/{name}: action_id={keyword.value.value!r}: use ids.<NAME>"
                )
        names = set(_template_ids(tree))
        unknown = names - set(every_id)
        assert not unknown, f"templates/{name}: no such ids: {sorted(unknown)}"
        referenced |= names
    assert {every_id[name] for name in referenced} == declared("Action") | declared("Input")


def _rendered_ids(blocks: list[dict[str, Any]]) -> Iterator[tuple[str, str]]:
    for block in blocks:
        for element in block.get("elements", []):
            if "action_id" in element:
                yield element["type"], element["action_id"]
        if block["type"] == "input":
            yield "input", block["element"]["action_id"]


def test_every_rendered_action_id_is_handled(config):
    """Rendered, not just parsed: what reaches Slack is a plain string a listener matches."""
    handled = registered(config).actions
    seen: set[str] = set()
    for title, _, template, message in samples(config):
        for kind, action_id in _rendered_ids(message.blocks):
            assert type(action_id) is str, (title, action_id)
            if kind == "input":
                assert action_id in declared("Input"), (template, action_id)
            else:
                assert action_id in handled, f"{template} ({title}): {action_id} has no listener"
            seen.add(action_id)
    assert seen == declared("Action") | declared("Input")


def test_a_misspelt_id_fails_the_render(tmp_path):
    (tmp_path / "onboarding").mkdir()
    (tmp_path / "onboarding" / "check_in.j2").write_text(
        '{{ msg.button("Off", action_id=ids.OPT_OUTT) }}', encoding="utf-8"
    )
    with pytest.raises(UndefinedError, match="OPT_OUTT"):
        registry.templates(override_dir=tmp_path).render("onboarding/check_in.j2")


def test_every_scope_says_what_porch_needs_it_for():
    """`porch setup` names a missing scope with its manifest.yml comment."""
    from porch.runtime.setup_command import manifest_scopes

    reasons = manifest_scopes((ROOT / "manifest.yml").read_text())
    assert reasons and all(reasons.values()), reasons
    assert "porch setup" in reasons["channels:join"]
