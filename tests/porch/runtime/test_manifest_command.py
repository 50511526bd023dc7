"""`porch manifest`: manifest.yml named after the community, with the request URLs set (or
Socket Mode on), and the same scopes, events and commands as manifest.yml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from porch.runtime import manifest as manifest_service
from porch.runtime.cli import main
from tests.conftest import EXAMPLE_CONFIG, ROOT

PLACEHOLDER = "porch.example.org"


def community_yml(tmp_path: Path, name: str) -> Path:
    """The example community.yml with another community name."""
    text = EXAMPLE_CONFIG.read_text(encoding="utf-8")
    assert "  name: Indie Makers Circle\n" in text
    path = tmp_path / "community.yml"
    path.write_text(text.replace("  name: Indie Makers Circle\n", f"  name: {name}\n", 1))
    return path


def run(*args: str, config: Path) -> Any:
    env = {"PORCH_CONFIG": "", "DATABASE_URL": ""}
    return CliRunner().invoke(main, ["manifest", "--config", str(config), *args], env=env)


def urls(node: Any, path: str = "") -> dict[str, str]:
    """Every string in the manifest that looks like a URL, by where it is."""
    found: dict[str, str] = {}
    if isinstance(node, dict):
        for key, value in node.items():
            found |= urls(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            found |= urls(item, f"{path}[{index}]")
    elif isinstance(node, str) and "://" in node:
        found[path] = node
    return found


def declared(manifest: dict[str, Any]) -> tuple[list[str], list[str], list[str], list[str]]:
    return (
        manifest["oauth_config"]["scopes"]["bot"],
        manifest["settings"]["event_subscriptions"]["bot_events"],
        [c["command"] for c in manifest["features"]["slash_commands"]],
        [s["callback_id"] for s in manifest["features"]["shortcuts"]],
    )


def original() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))


def test_the_app_and_the_bot_are_named_after_the_community(tmp_path):
    result = run("--socket-mode", config=community_yml(tmp_path, "Night Owls Guild"))
    assert result.exit_code == 0, result.output
    manifest = yaml.safe_load(result.stdout)
    assert manifest["display_information"]["name"] == "Night Owls Guild"
    assert manifest["features"]["bot_user"]["display_name"] == "Night Owls Guild"


def test_every_request_url_points_at_the_given_url(tmp_path):
    result = run("--url", "https://porch.nightowls.dev/", config=community_yml(tmp_path, "Owls"))
    assert result.exit_code == 0, result.output
    manifest = yaml.safe_load(result.stdout)
    found = urls(manifest)
    assert set(found) == set(urls(original())), "a request URL was added or lost"
    assert set(found.values()) == {"https://porch.nightowls.dev/slack/events"}
    assert {
        ".settings.event_subscriptions.request_url",
        ".settings.interactivity.request_url",
        ".features.slash_commands[0].url",
        ".features.slash_commands[1].url",
    } <= set(found)
    assert manifest["settings"]["socket_mode_enabled"] is False
    assert PLACEHOLDER not in result.stdout


def test_a_url_given_with_porchs_path_is_not_doubled(tmp_path):
    result = run("--url", "https://owls.dev/slack/events", config=community_yml(tmp_path, "Owls"))
    assert result.exit_code == 0, result.output
    assert set(urls(yaml.safe_load(result.stdout)).values()) == {"https://owls.dev/slack/events"}


def test_socket_mode_removes_the_request_urls_and_turns_socket_mode_on(tmp_path):
    result = run("--socket-mode", config=community_yml(tmp_path, "Owls"))
    assert result.exit_code == 0, result.output
    manifest = yaml.safe_load(result.stdout)
    assert urls(manifest) == {}
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert all("url" not in command for command in manifest["features"]["slash_commands"])


@pytest.mark.parametrize("url", ["http://porch.nightowls.dev", "porch.nightowls.dev", "https://"])
def test_a_url_that_is_not_https_exits_2_with_one_line(tmp_path, url):
    result = run("--url", url, config=community_yml(tmp_path, "Owls"))
    assert result.exit_code == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert "https://" in line and url in line


@pytest.mark.parametrize("args", [[], ["--socket-mode", "--url", "https://owls.dev"]])
def test_either_a_url_or_socket_mode(tmp_path, args):
    result = run(*args, config=community_yml(tmp_path, "Owls"))
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize("args", [["--url", "https://owls.dev"], ["--socket-mode"]])
def test_the_output_declares_what_manifest_yml_declares(tmp_path, args):
    result = run(*args, config=community_yml(tmp_path, "Owls"))
    assert result.exit_code == 0, result.output
    manifest = yaml.safe_load(result.stdout)
    assert declared(manifest) == declared(original())
    assert manifest["features"]["app_home"] == original()["features"]["app_home"]


def test_out_writes_the_file(tmp_path):
    out = tmp_path / "slack-manifest.yml"
    result = run("--socket-mode", "--out", str(out), config=community_yml(tmp_path, "Owls"))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["display_information"]["name"] == "Owls"


def test_the_community_yml_in_the_current_folder_is_used(tmp_path, monkeypatch):
    community_yml(tmp_path, "Folder Folk")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PORCH_CONFIG", raising=False)
    result = CliRunner().invoke(main, ["manifest", "--socket-mode"])
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(result.stdout)["display_information"]["name"] == "Folder Folk"


def test_names_fit_slacks_limits():
    long = "The Very Long Name of a Community of Makers & Friends (Berlin) 🎉"
    app = manifest_service.app_name(long)
    assert len(app) <= 35
    assert app == "The Very Long Name of a Community"
    bot = manifest_service.bot_name(long)
    assert len(bot) <= 80
    assert bot == "The Very Long Name of a Community of Makers Friends Berlin"
    assert manifest_service.bot_name("Café Ünïcode_club.v2") == "Café Ünïcode_club.v2"
    assert manifest_service.bot_name("🎉 & @") == "Porch"
    assert len(manifest_service.bot_name("x" * 100)) == 80
