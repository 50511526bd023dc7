"""The `moderation` section: the example is valid, and a broken pattern is reported at
`porch check` with the file, the line and the field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from porch.core.config import ConfigError
from porch.features.registry import load_config
from tests.conftest import EXAMPLE_CONFIG


def example_section() -> str:
    """The example community.yml's commented moderation section, uncommented."""
    text = EXAMPLE_CONFIG.read_text()
    start = text.index("# moderation:")
    lines = []
    for line in text[start:].splitlines():
        if not line.startswith("#"):
            break
        lines.append(line[2:] if line.startswith("# ") else line[1:])
    return "\n".join(lines) + "\n"


def test_the_example_section_is_valid(tmp_path: Path) -> None:
    path = tmp_path / "community.yml"
    path.write_text(EXAMPLE_CONFIG.read_text() + "\n" + example_section(), encoding="utf-8")
    config = load_config(path)
    [rule] = config.moderation.rules
    assert rule.guideline in {r.title for r in config.guidelines.rules}
    assert rule.patterns == [r"t\.me/\w+"]


@pytest.mark.parametrize(
    ("patterns", "problem"),
    [
        ('["(unclosed"]', "not a valid regular expression"),
        ('["[z-a]"]', "not a valid regular expression"),
        ('[""]', "must be a regular expression"),
    ],
)
def test_a_broken_pattern_names_the_line(tmp_path: Path, patterns: str, problem: str) -> None:
    section = (
        "moderation:\n  rules:\n    - name: Spam\n      guideline: No unsolicited pitches\n"
        f"      patterns: {patterns}\n"
    )
    path = tmp_path / "community.yml"
    path.write_text(EXAMPLE_CONFIG.read_text() + "\n" + section, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    [issue] = caught.value.issues
    assert re.fullmatch(
        rf".*community\.yml:\d+: moderation\.rules\.0\.patterns\.0: .*{problem}.*", str(issue)
    ), str(issue)
    assert issue.line == len(EXAMPLE_CONFIG.read_text().splitlines()) + 6


def test_a_rule_needs_words_or_patterns(tmp_path: Path) -> None:
    section = "moderation:\n  rules:\n    - name: Empty\n      guideline: No unsolicited pitches\n"
    path = tmp_path / "community.yml"
    path.write_text(EXAMPLE_CONFIG.read_text() + "\n" + section, encoding="utf-8")
    with pytest.raises(ConfigError, match="keywords, patterns or both"):
        load_config(path)


def test_a_rule_names_a_published_guideline(tmp_path: Path) -> None:
    section = (
        "moderation:\n  rules:\n    - name: Spam\n      guideline: No spam please\n"
        '      keywords: ["spam"]\n'
    )
    path = tmp_path / "community.yml"
    path.write_text(EXAMPLE_CONFIG.read_text() + "\n" + section, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    [issue] = caught.value.issues
    assert "moderation.rules.0.guideline" in str(issue)
    assert "'No spam please' is not a guidelines.rules title" in str(issue)
    assert "'No unsolicited pitches'" in str(issue)
    assert issue.line == len(EXAMPLE_CONFIG.read_text().splitlines()) + 5
    harassment = section.replace("No spam please", "anti_harassment")
    path.write_text(EXAMPLE_CONFIG.read_text() + "\n" + harassment, encoding="utf-8")
    assert load_config(path).moderation.rules[0].guideline == "anti_harassment"
