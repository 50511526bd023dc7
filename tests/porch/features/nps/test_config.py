"""The nps section of community.yml: a survey month out of range is named, with its line."""

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


def test_a_survey_month_out_of_range_is_named(tmp_path: Path):
    issue = only_issue(tmp_path, "month_of_quarter: 2", "month_of_quarter: 4")
    assert "nps.month_of_quarter: must be at most 3, not 4" in issue
