"""The recognition section of community.yml: a mistake names the field and says what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from porch.core.config import ConfigError
from porch.features.registry import load_config
from tests.conftest import EXAMPLE_CONFIG


def test_weights_that_are_all_zero_are_refused(tmp_path: Path):
    # Only the spotlight's weights: other sections (ambassadors' levels) use the same words.
    head, _, text = EXAMPLE_CONFIG.read_text().partition("\nrecognition:\n")
    for signal in ("replies_to_others: 1", "reactions_received: 0.5", "wins_shared: 3"):
        text = text.replace(signal, signal.split(":")[0] + ": 0", 1)
    text = head + "\nrecognition:\n" + text.replace("first_responses: 2", "first_responses: 0", 1)
    path = tmp_path / "community.yml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    [issue] = caught.value.issues
    assert "recognition.spotlight.weights" in str(issue)
    assert "at least one spotlight weight must be above 0" in str(issue)


def test_the_section_is_optional_with_its_defaults(tmp_path: Path):
    head, _, tail = EXAMPLE_CONFIG.read_text().partition("\nrecognition:\n")
    path = tmp_path / "community.yml"
    path.write_text(head + "\n" + tail[tail.index("\n\n") :])  # up to the next section
    assert "recognition:" not in path.read_text()
    spotlight = load_config(path).recognition.spotlight
    assert (spotlight.enabled, spotlight.day, spotlight.time, spotlight.size) == (
        True,
        1,
        "10:00",
        3,
    )
