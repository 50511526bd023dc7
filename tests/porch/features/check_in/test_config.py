"""The manager_check_in section of community.yml: a misspelt weekday is named, with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from porch.core.config import ConfigError
from porch.features.registry import load_config
from tests.conftest import EXAMPLE_CONFIG

EXAMPLE = EXAMPLE_CONFIG.read_text()


def only_issue(tmp_path: Path, old: str, new: str) -> str:
    assert old in EXAMPLE, old
    path = tmp_path / "community.yml"
    path.write_text(EXAMPLE.replace(old, new, 1))
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    [issue] = caught.value.issues
    return str(issue)


def test_a_misspelt_weekday_is_named(tmp_path: Path):
    weekdays = "  weekdays: [monday, tuesday, wednesday, thursday, friday]\n\nnps:"
    issue = only_issue(tmp_path, weekdays, "  weekdays: [monday, tuesdy]\n\nnps:")
    assert "manager_check_in.weekdays.1:" in issue and "'monday'" in issue
