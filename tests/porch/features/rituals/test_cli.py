"""`porch ritual post|pause|resume`, run as a manager would run them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from porch.runtime.cli import main
from porch.sandbox.slack_api import FakeSlack
from tests.conftest import EXAMPLE_CONFIG, MONDAY_MORNING
from tests.porch.runtime.test_cli import fake, slack_env

__all__ = ["fake"]


def ritual_posts(fake: FakeSlack, channel: str, title: str) -> list[dict]:
    return [
        m
        for m in fake.messages(fake.channel_id(channel))
        if m["user"] == fake.bot_user_id and m["text"].startswith(title)
    ]


def installed(fake: FakeSlack, tmp_path: Path) -> dict[str, str]:
    """The environment of a Porch installed as the README says (`porch members import` creates
    the store): `ritual post` sends from an existing store and never creates one."""
    env = slack_env(fake, tmp_path)
    result = CliRunner().invoke(main, ["members", "import"], env=env)
    assert result.exit_code == 0, result.output
    return env


def test_posting_an_occurrence_three_times_posts_it_once(fake: FakeSlack, tmp_path: Path):
    env = installed(fake, tmp_path)
    command = ["ritual", "post", "monday-goals", "--date", "2026-11-02"]
    results = [CliRunner().invoke(main, command, env=env) for _ in range(3)]

    assert [r.exit_code for r in results] == [0, 0, 0], results[0].output
    assert "Posted Monday goals for 2026-11-02." in results[0].output
    assert results[1].output == "Monday goals for 2026-11-02 was already posted; nothing sent.\n"
    assert "already posted" in results[2].output
    assert len(ritual_posts(fake, "general", "Monday goals")) == 1


def test_an_unknown_ritual_exits_2_with_the_ids(tmp_path: Path):
    env = {"PORCH_CONFIG": str(EXAMPLE_CONFIG), "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}"}
    for verb in ("post", "pause", "resume"):
        result = CliRunner().invoke(main, ["ritual", verb, "monday-goalz"], env=env)
        assert result.exit_code == 2
        assert "unknown ritual 'monday-goalz'" in result.output
        assert "monday-goals, wednesday-poll, friday-wins" in result.output


def test_a_paused_ritual_is_not_posted_until_resumed(workspace_factory, config):
    # Porch started at 09:00 Berlin, before the Monday goals' 09:30.
    workspace = workspace_factory(config, at=MONDAY_MORNING - dt.timedelta(hours=1))
    if workspace.engine.dialect.name != "sqlite":
        pytest.skip("the CLI reaches the store by its URL; the PostgreSQL schema is per test")
    env = {"PORCH_CONFIG": str(EXAMPLE_CONFIG), "DATABASE_URL": str(workspace.engine.url)}
    workspace.at(MONDAY_MORNING)
    assert len(ritual_posts(workspace.fake, "general", "Monday goals")) == 1

    paused = CliRunner().invoke(main, ["ritual", "pause", "monday-goals"], env=env)
    again = CliRunner().invoke(main, ["ritual", "pause", "monday-goals"], env=env)
    assert paused.exit_code == 0, paused.output
    assert "Monday goals paused." in paused.output and "already paused" in again.output
    workspace.at(MONDAY_MORNING + dt.timedelta(weeks=1))
    assert len(ritual_posts(workspace.fake, "general", "Monday goals")) == 1

    resumed = CliRunner().invoke(main, ["ritual", "resume", "monday-goals"], env=env)
    assert "Monday goals resumed." in resumed.output
    workspace.at(MONDAY_MORNING + dt.timedelta(weeks=1, hours=1))  # the paused one stays unposted
    workspace.at(MONDAY_MORNING + dt.timedelta(weeks=2))
    assert len(ritual_posts(workspace.fake, "general", "Monday goals")) == 2


def test_a_day_the_ritual_does_not_run_on_is_refused_with_its_dates(tmp_path: Path):
    env = {"PORCH_CONFIG": str(EXAMPLE_CONFIG), "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}"}
    command = ["ritual", "post", "friday-wins", "--date", "2026-11-02"]  # a Monday
    result = CliRunner().invoke(main, command, env=env)
    assert result.exit_code == 2
    assert result.output == (
        "porch ritual post: Friday wins runs every Friday, and 2026-11-02 (a Monday) is not one "
        "of its days; to post it anyway, pass an occurrence's date: --date 2026-10-30 (the last) "
        "or --date 2026-11-06 (the next).\n"
    )


def test_today_is_refused_when_the_ritual_does_not_run_today(tmp_path: Path):
    env = {"PORCH_CONFIG": str(EXAMPLE_CONFIG), "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}"}
    today = dt.datetime.now(ZoneInfo("Europe/Berlin"))  # the example community's timezone
    ritual_id, name = (
        ("monday-goals", "Monday goals") if today.weekday() != 0 else ("friday-wins", "Friday wins")
    )
    result = CliRunner().invoke(main, ["ritual", "post", ritual_id], env=env)
    assert result.exit_code == 2
    assert result.output.startswith(f"porch ritual post: {name} runs every ")
    assert "is not one of its days" in result.output and "--date " in result.output
    assert not (tmp_path / "p.db").exists()  # refused before anything else


@pytest.fixture
def fake_without_wins() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        for name in ("general", "introductions", "feedback", "community-team"):
            fake.add_channel(name)
        yield fake


def test_a_missing_channel_is_not_reported_as_already_posted(
    fake_without_wins: FakeSlack, tmp_path: Path
):
    env = installed(fake_without_wins, tmp_path)
    command = ["ritual", "post", "friday-wins", "--date", "2026-11-06"]
    result = CliRunner().invoke(main, command, env=env)
    assert result.exit_code == 2
    [line] = result.output.splitlines()
    assert "#wins" in line and "missing" in line and "already posted" not in line
