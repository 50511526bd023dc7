"""Which community.yml a command reads, including the bundled example for the demo and site."""

from __future__ import annotations

from pathlib import Path

import pytest

from porch.runtime.settings import EXAMPLE_CONFIG, Settings


def test_the_example_is_used_only_when_no_community_yml_is_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert Settings.from_env({}, example_if_missing=True).config_path == EXAMPLE_CONFIG
    assert Settings.from_env({}, example_if_missing=True).uses_example
    assert Settings.from_env({}).config_path == Path("community.yml")

    (tmp_path / "community.yml").write_text("community: {}\n", encoding="utf-8")
    here = Settings.from_env({}, example_if_missing=True)
    assert here.config_path == Path("community.yml") and not here.uses_example


def test_a_config_the_user_named_never_falls_back(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.yml"
    named = Settings.from_env({}, config_path=missing, example_if_missing=True)
    assert named.config_path == missing
    from_env = Settings.from_env({"PORCH_CONFIG": str(missing)}, example_if_missing=True)
    assert from_env.config_path == missing


def test_the_example_is_a_real_file() -> None:
    assert EXAMPLE_CONFIG.is_file()
