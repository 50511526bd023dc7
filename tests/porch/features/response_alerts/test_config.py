"""The response_alerts section of community.yml: a clear error, with its line."""

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


def test_community_hours_must_end_after_they_start(tmp_path: Path):
    issue = only_issue(tmp_path, '    end: "18:00"', '    end: "08:00"')
    assert "response_alerts.community_hours" in issue
    assert issue.endswith("end (08:00) must be later than start (09:00)")
