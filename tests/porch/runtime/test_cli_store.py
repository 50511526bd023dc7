"""Commands that read or edit the store never create one: a wrong folder or DATABASE_URL is one
line and exit 2 naming DATABASE_URL, not an empty porch.db answered from."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from porch.runtime.cli import main
from tests.conftest import EXAMPLE_CONFIG

STORE_COMMANDS = [
    ["report"],
    ["members", "export", "U0ADA00001"],
    ["members", "forget", "U0ADA00001", "--yes"],
    ["feedback", "digest"],
    ["ritual", "pause", "monday-goals"],
    ["ritual", "resume", "monday-goals"],
    # These three send (or write the tracker) too; the store check comes before any Slack call.
    ["ritual", "post", "monday-goals", "--date", "2026-12-07"],
    ["members", "reconcile"],
    ["sync"],
]
# A bot token, so the sending commands get as far as opening the store; Slack is never reached.
SLACK = {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_API_URL": "http://127.0.0.1:9/api/"}


@pytest.mark.parametrize("command", STORE_COMMANDS, ids=" ".join)
def test_a_folder_without_the_database_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
):
    monkeypatch.chdir(tmp_path)
    env = {"PORCH_CONFIG": str(EXAMPLE_CONFIG), "DATABASE_URL": None, **SLACK}
    result = CliRunner().invoke(main, command, env=env)
    assert result.exit_code == 2, result.output
    [line] = result.output.splitlines()
    assert "DATABASE_URL" in line and str(tmp_path / "porch.db") in line
    assert not (tmp_path / "porch.db").exists()


@pytest.mark.parametrize("command", STORE_COMMANDS, ids=" ".join)
def test_a_database_without_porch_in_it_is_an_error(tmp_path: Path, command: list[str]):
    database = tmp_path / "other.db"
    sqlite3.connect(database).close()
    url = f"sqlite:///{database}"
    env = {"PORCH_CONFIG": str(EXAMPLE_CONFIG), "DATABASE_URL": url, **SLACK}
    result = CliRunner().invoke(main, command, env=env)
    assert result.exit_code == 2, result.output
    assert result.output == f"porch: DATABASE_URL={url} holds no Porch data: " + (
        "run this command in the folder that holds Porch's database, or set DATABASE_URL to it "
        "(porch serve, run, demo and members import create one)\n"
    )


@pytest.mark.parametrize("command", [["report"], ["sync"]], ids=" ".join)
@pytest.mark.parametrize("url", ["porch.db", "/tmp/x.db", "postgres://sam:hunter2@db/porch"])
def test_a_database_url_that_is_not_a_url_says_what_one_looks_like(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str], url: str
):
    monkeypatch.chdir(tmp_path)
    env = {"PORCH_CONFIG": str(EXAMPLE_CONFIG), "DATABASE_URL": url}
    result = CliRunner().invoke(main, command, env=env)
    assert result.exit_code == 2, result.output
    [line] = result.output.splitlines()
    assert line.startswith("porch: DATABASE_URL ") and "is not a database URL" in line
    assert "sqlite:///" in line and "postgresql://" in line
    assert "hunter2" not in line
    assert isinstance(result.exception, SystemExit)  # no traceback
