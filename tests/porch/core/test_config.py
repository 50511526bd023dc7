"""community.yml validation: one clear line per problem, naming file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from porch.core.config import ConfigError, load_config
from porch.runtime.cli import main
from tests.conftest import EXAMPLE_CONFIG

EXAMPLE = EXAMPLE_CONFIG.read_text()


def broken(tmp_path: Path, old: str, new: str) -> Path:
    assert old in EXAMPLE, old
    path = tmp_path / "community.yml"
    path.write_text(EXAMPLE.replace(old, new, 1))
    return path


def line_of(text: str) -> int:
    return next(i for i, line in enumerate(EXAMPLE.splitlines(), 1) if text in line)


def only_issue(path: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    [issue] = caught.value.issues
    return str(issue)


def test_the_example_config_is_valid():
    config = load_config(EXAMPLE_CONFIG)
    assert config.community.promise.statement.startswith("This is the place where ")
    assert config.channels.introductions == "introductions"


def test_an_unknown_key_names_its_line(tmp_path: Path):
    path = broken(tmp_path, "  skip_guests: true", "  skip_guest: true")
    issue = only_issue(path)
    assert issue.startswith(f"{path}:{line_of('skip_guests')}: onboarding.skip_guest: unknown key")


def test_a_wrong_type_names_its_line(tmp_path: Path):
    path = broken(tmp_path, "mention_batch_size: 10", "mention_batch_size: lots")
    issue = only_issue(path)
    expected = (
        f"{path}:{line_of('mention_batch_size')}: onboarding.intro_thread.mention_batch_size:"
    )
    assert issue.startswith(expected)
    assert "integer" in issue


def test_an_unknown_timezone_is_named(tmp_path: Path):
    path = broken(tmp_path, "timezone: Europe/Berlin", "timezone: Europe/Berln")
    issue = only_issue(path)
    assert issue.startswith(f"{path}:{line_of('timezone: Europe')}: community.timezone:")
    assert "unknown timezone 'Europe/Berln'" in issue


def test_a_missing_channel_is_named(tmp_path: Path):
    path = broken(tmp_path, "  wins: wins\n", "")
    issue = only_issue(path)
    assert issue == f"{path}:{line_of('channels:')}: channels.wins: required but missing"


def test_broken_yaml_names_its_line(tmp_path: Path):
    path = broken(tmp_path, "  name: Indie Makers Circle", "  name: [Indie Makers")
    assert ":(yaml):" not in only_issue(path)  # the field is replaced by the YAML problem
    assert only_issue(path).startswith(f"{path}:")


def test_a_duplicate_key_is_an_error(tmp_path: Path):
    path = broken(tmp_path, "  home: general\n", "  home: general\n  home: lobby\n")
    assert "duplicate key" in only_issue(path)


def test_porch_check_exits_2_with_one_line_per_problem(tmp_path: Path):
    path = broken(tmp_path, "timezone: Europe/Berlin", "timezone: Mars/Olympus")
    result = CliRunner().invoke(main, ["check", "--config", str(path)])
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0
    assert "community.timezone" in result.output


def test_porch_check_summarises_a_valid_config():
    result = CliRunner().invoke(main, ["check", "--config", str(EXAMPLE_CONFIG)])
    assert result.exit_code == 0, result.output
    assert "Indie Makers Circle: valid" in result.output


def test_a_missing_file_is_a_clear_error(tmp_path: Path):
    result = CliRunner().invoke(main, ["check", "--config", str(tmp_path / "nope.yml")])
    assert result.exit_code == 2
    assert "cannot read" in result.output
