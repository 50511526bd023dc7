"""A setting that was removed is named, with what replaced it, when an old community.yml has it."""

from __future__ import annotations

from pathlib import Path

import pytest

from porch.core.config import ConfigError
from porch.features.registry import load_config
from tests.conftest import EXAMPLE_CONFIG


def test_unanswered_after_hours_is_gone_and_points_to_first_response_hours(tmp_path: Path):
    example = EXAMPLE_CONFIG.read_text()
    old = "  first_response_hours: 4\n"
    assert old in example and "unanswered_after_hours" not in example
    path = tmp_path / "community.yml"
    path.write_text(example.replace(old, old + "  unanswered_after_hours: 24\n", 1))
    line = path.read_text().splitlines().index("  unanswered_after_hours: 24") + 1
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    [issue] = caught.value.issues
    assert str(issue).startswith(f"{path}:{line}: thresholds.unanswered_after_hours: ")
    assert "first_response_hours" in str(issue)
    assert "unanswered_after_hours" not in load_config(EXAMPLE_CONFIG).thresholds.model_dump()


@pytest.mark.parametrize("name", ["healthy_participation_pct", "stagnant_participation_pct"])
def test_the_participation_band_is_gone_and_points_to_the_score_bands(tmp_path: Path, name: str):
    """Issue 24: the status came from participation and read "Healthy" beside a score of 32."""
    example = EXAMPLE_CONFIG.read_text()
    old = "  first_response_hours: 4\n"
    assert name not in example
    path = tmp_path / "community.yml"
    path.write_text(example.replace(old, f"  {name}: 10\n" + old, 1))
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    [issue] = caught.value.issues
    assert f"thresholds.{name}: " in str(issue)
    assert "health.healthy_score" in str(issue)
