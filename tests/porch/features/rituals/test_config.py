"""Ritual settings in community.yml: mistakes name the ritual and say what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import EXAMPLE_CONFIG
from tests.porch.core.test_config import broken, line_of, only_issue

R = "rituals[friday-wins]"
WINS = "    kind: wins\n    prompt: What moved forward this week? Big or small, post it here.\n"


@pytest.mark.parametrize(
    ("new", "field", "message"),
    [
        ("    kind: wins\n", R, "needs a prompt (or a list of prompts)"),
        (WINS + "    prompts: [One, Two]\n", R, "give either prompt or prompts"),
        (WINS + "    cadence: monthly\n", R, "a monthly ritual needs week_of_month"),
        (WINS + "    week_of_month: 2\n", R, "week_of_month is only for cadence"),
        (WINS + "    cadence: fortnightly\n", R + ".cadence", "'weekly' or 'monthly'"),
        (WINS + "    every_weeks: 0\n", R + ".every_weeks", "at least 1"),
        (WINS.replace("wins", "chat", 1), R + ".kind", "'goals', 'wins' or 'other'"),
        (WINS + "    template: ../secrets.txt\n", R + ".template", ""),
        (WINS + "    catch_up_hours: -1\n", R + ".catch_up_hours", "at least 0"),
    ],
)
def test_ritual_mistakes_name_the_ritual_and_the_field(
    tmp_path: Path, new: str, field: str, message: str
):
    path = broken(tmp_path, WINS, new)
    issue = only_issue(path)
    assert f": {field}: " in issue and message in issue, issue


def test_a_monthly_ritual_with_rotating_prompts_is_valid(tmp_path: Path):
    from porch.features.registry import load_config

    path = broken(
        tmp_path,
        WINS,
        WINS + "    cadence: monthly\n    week_of_month: 1\n",
    )
    ritual = load_config(path).rituals[2]
    assert (ritual.cadence, ritual.week_of_month, ritual.all_prompts[0][:4]) == (
        "monthly",
        1,
        "What",
    )


def test_a_ritual_id_used_twice_is_named(tmp_path: Path):
    path = broken(tmp_path, "- id: monday-goals", "- id: friday-wins")
    issue = only_issue(path)
    assert issue == f"{path}:{line_of('rituals:')}: rituals: ritual id 'friday-wins' is used twice"


def test_no_rituals_is_valid(tmp_path: Path):
    """The section is optional: without it, no ritual is scheduled."""
    from porch.features.registry import load_config

    head, _, tail = EXAMPLE_CONFIG.read_text().partition("\nrituals:\n")
    path = tmp_path / "community.yml"
    path.write_text(head + "\n" + tail[tail.index("\n\n") :])  # up to the next section
    assert "rituals:" not in path.read_text()
    assert load_config(path).rituals == []
