"""The `showcase` section: hashtags are checked and named by line; post_in is a channel key."""

from __future__ import annotations

from pathlib import Path

import pytest

from porch.core.config import ConfigError
from porch.features.registry import load_config
from tests.conftest import EXAMPLE_CONFIG


def with_section(tmp_path: Path, section: str) -> Path:
    path = tmp_path / "community.yml"
    text = EXAMPLE_CONFIG.read_text().replace('  hashtags: ["#showcase"]\n', section)
    path.write_text(text, encoding="utf-8")
    return path


def test_hashtags_are_normalised_and_checked(tmp_path: Path) -> None:
    config = load_config(with_section(tmp_path, '  hashtags: ["made-it", "#Ship"]\n'))
    assert config.showcase.hashtags == ["#made-it", "#Ship"]
    with pytest.raises(ConfigError, match=r"community.yml:\d+: showcase.hashtags.*twice"):
        load_config(with_section(tmp_path, '  hashtags: ["#ship", "#Ship"]\n'))
    with pytest.raises(ConfigError, match=r"community.yml:\d+: showcase.hashtags"):
        load_config(with_section(tmp_path, '  hashtags: ["two words"]\n'))


def test_post_in_names_a_public_channel_key(tmp_path: Path) -> None:
    path = tmp_path / "community.yml"
    path.write_text(
        EXAMPLE_CONFIG.read_text().replace("  post_in: wins\n", "  post_in: moderators\n")
    )
    with pytest.raises(ConfigError, match=r"community.yml:\d+: showcase.post_in"):
        load_config(path)
