"""`porch demo`, the README's first command, tells the whole story and writes every output."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from porch.runtime.cli import main
from tests.conftest import EXAMPLE_CONFIG


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    out = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(
        main, ["demo", "--config", str(EXAMPLE_CONFIG), "--out", str(out / "demo-output")]
    )
    assert result.exit_code == 0, result.output
    return result.output, out / "demo-output"


def test_the_demo_shows_a_welcome_the_thread_mention_an_introduction_and_a_nudge(demo):
    output, _ = demo
    assert "DM to Ana · Indie Makers Circle bot" in output
    assert "Welcome to Indie Makers Circle, Ana!" in output
    assert "Welcome @Ana @Ben!" in output  # tagged together in the introductions thread
    assert "#introductions (thread) · Ana" in output
    assert "The bot reacts :wave: to Ana's message" in output
    assert "Hi Ben, you joined Indie Makers Circle a few days ago" in output


def test_the_demo_welcomes_each_newcomer_once_and_skips_bots_and_guests(demo):
    output, _ = demo
    assert output.count("Welcome to Indie Makers Circle, Ben!") == 1
    assert "DM to Deploy Bot" not in output and "DM to Gus" not in output
    assert "DM to Dana" not in output  # imported at install, not welcomed
    assert "Welcome to Indie Makers Circle, Farid!" in output  # found by reconciliation


def test_the_demo_escapes_member_names(demo):
    _, out = demo
    transcript = (out / "transcript.txt").read_text()
    assert "Chloé <!channel>" in transcript  # shown as text, escaped in Slack


def test_the_demo_writes_the_transcript_tracker_and_site(demo):
    output, out = demo
    assert (out / "transcript.txt").exists()
    assert (out / "porch.db").exists()
    assert "tracker" in output and "site" in output
    assert any((out / "tracker").iterdir())
