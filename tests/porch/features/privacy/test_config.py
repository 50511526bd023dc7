"""The privacy section of community.yml: retention periods by known name only."""

from __future__ import annotations

from pathlib import Path

from porch.features.registry import load_config
from tests.porch.core.test_config import EXAMPLE, broken, line_of, only_issue


def test_the_example_sets_every_retention_period(tmp_path: Path):
    path = tmp_path / "community.yml"
    path.write_text(EXAMPLE)
    privacy = load_config(path).privacy
    assert privacy.retention.wins == 730 and privacy.deactivated == "keep"


def test_an_unknown_retention_key_names_its_field_and_line(tmp_path: Path):
    path = broken(tmp_path, "    wins: 730", "    win: 730")
    issue = only_issue(path)
    assert issue.startswith(
        f"{path}:{line_of('    wins: 730')}: privacy.retention.win: unknown key"
    )


def test_a_deactivation_policy_must_be_one_of_three(tmp_path: Path):
    path = broken(tmp_path, "  deactivated: keep", "  deactivated: delete")
    issue = only_issue(path)
    assert f"{path}:{line_of('  deactivated: keep')}: privacy.deactivated:" in issue
