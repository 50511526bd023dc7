"""`porch setup`: the Slack side of installing Porch, through the real slack_sdk client against
the fake workspace. Scopes missing are named with their use, channels are created once however
often it runs, a private channel the bot is not in is left with the /invite to type, managers
given as @handle or email become member IDs, and --dry-run changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from slack_sdk import WebClient

from porch.features.registry import load_config
from porch.runtime.cli import main
from porch.sandbox.slack_api import SCOPES, FakeSlack
from tests.conftest import EXAMPLE_CONFIG, config_issue_after

# The example's channels, and the one setup creates private (channels.moderators).
CHANNELS = {
    "general",
    "introductions",
    "feedback",
    "wins",
    "community-team",
    "ambassadors",
    "showcase-review",
}
MANAGERS_LINE = "  users: [U0MANAGER1]\n"


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack(bot_joins_channels=False) as running:
        running.add_user("U0MANAGER1", name="sam.rivera", display_name="Sam")
        yield running


def community_yml(tmp_path: Path, users: str = "[U0MANAGER1]") -> Path:
    text = EXAMPLE_CONFIG.read_text(encoding="utf-8")
    assert MANAGERS_LINE in text
    path = tmp_path / "community.yml"
    path.write_text(text.replace(MANAGERS_LINE, f"  users: {users}\n", 1), encoding="utf-8")
    return path


def setup(fake: FakeSlack, config: Path, *args: str, token: str | None = None) -> Any:
    env = {
        "SLACK_BOT_TOKEN": token or fake.bot_token,
        "SLACK_API_URL": fake.api_url,
        "PORCH_CONFIG": "",
        "DATABASE_URL": "",
    }
    return CliRunner().invoke(main, ["setup", "--config", str(config), *args], env=env)


def changes(fake: FakeSlack) -> list[str]:
    """The calls that change the workspace and went through."""
    writes = {"conversations.create", "conversations.join", "conversations.invite"}
    return [call.method for call in fake.calls() if call.method in writes and call.ok]


def test_missing_scopes_are_named_with_what_they_are_for(fake, tmp_path):
    fake.scopes = SCOPES - {"channels:join", "groups:write"}
    fake.add_channel("general", members=["U0MANAGER1"])

    result = setup(fake, community_yml(tmp_path))

    assert result.exit_code == 1, result.output
    assert "grant the channels:join scope (porch setup joins the public community channels)" in (
        result.output
    )
    assert "grant the groups:write scope (invite newcomers to recommended private" in result.output
    # The steps those scopes allow are left, not failed: Slack answered missing_scope.
    assert "#general not set up: that needs the channels:join scope" in result.output
    assert "#community-team not set up: that needs the groups:write scope" in result.output
    assert "created the channel #wins" in result.output
    assert fake.bot_user_id not in fake.channel_members(fake.channel_id("general"))


def test_channels_are_created_once_across_two_runs(fake, tmp_path):
    general = fake.add_channel("general", members=["U0MANAGER1"])
    config = community_yml(tmp_path)

    first = setup(fake, config)

    assert first.exit_code == 0, first.output
    assert "Nothing left" in first.output
    assert "joined #general" in first.output
    assert fake.bot_user_id in fake.channel_members(general)
    created = [c.params["name"] for c in fake.calls("conversations.create") if c.ok]
    assert sorted(created) == sorted(CHANNELS - {"general"})
    # The managers' channel gets members' DMs and reports: private, with the managers in it.
    moderators = fake.channel_id("community-team")
    client = WebClient(token=fake.bot_token, base_url=fake.api_url)
    listed = {
        c["name"]: c
        for c in client.conversations_list(types="public_channel,private_channel")["channels"]
    }
    assert listed["community-team"]["is_private"] is True
    assert listed["wins"]["is_private"] is False
    assert set(fake.channel_members(moderators)) == {fake.bot_user_id, "U0MANAGER1"}

    fake.reset_calls()
    second = setup(fake, config)

    assert second.exit_code == 0, second.output
    assert changes(fake) == []
    assert "created" not in second.output and "joined" not in second.output


def test_a_private_channel_the_bot_is_not_in_is_left_with_the_invite_to_type(fake, tmp_path):
    hidden = fake.add_channel("showcase-review", is_private=True, members=["U0MANAGER1"])

    result = setup(fake, community_yml(tmp_path))

    assert result.exit_code == 1, result.output
    assert "/invite @porch in #showcase-review (a private channel Porch is not in)" in (
        result.output
    )
    assert "1 thing left" in result.output
    assert fake.channel_members(hidden) == ["U0MANAGER1"]
    # Once invited, nothing is left.
    fake.set_bot_member(hidden, True)
    assert setup(fake, community_yml(tmp_path)).exit_code == 0


def test_an_archived_channel_is_reported_not_created_again(fake, tmp_path):
    fake.archive_channel(fake.add_channel("wins"))

    result = setup(fake, community_yml(tmp_path))

    assert result.exit_code == 1
    assert "#wins is archived" in result.output
    assert "wins" not in [c.params["name"] for c in fake.calls("conversations.create")]


def test_managers_given_as_handles_and_emails_are_resolved(fake, tmp_path):
    fake.add_user("U0PRIYA", name="priya.nair", display_name="Priya")
    fake.add_user("U0ALEX", name="alex", email="alex@makers.example.org")
    config = community_yml(tmp_path, '[U0MANAGER1, "@priya", alex@makers.example.org]')
    before = config.read_text(encoding="utf-8")

    printed = setup(fake, config)

    assert printed.exit_code == 1, printed.output
    assert "@priya is U0PRIYA" in printed.output
    assert "alex@makers.example.org is U0ALEX" in printed.output
    assert "write U0PRIYA for '@priya' at managers.users[1]" in printed.output
    assert config.read_text(encoding="utf-8") == before
    # Resolved managers are invited to the managers' channel already.
    assert set(fake.channel_members(fake.channel_id("community-team"))) == {
        fake.bot_user_id,
        "U0MANAGER1",
        "U0PRIYA",
        "U0ALEX",
    }

    written = setup(fake, config, "--write")

    assert written.exit_code == 0, written.output
    assert "wrote 2 manager member IDs into" in written.output
    after = config.read_text(encoding="utf-8")
    assert after == before.replace(
        '[U0MANAGER1, "@priya", alex@makers.example.org]', "[U0MANAGER1, U0PRIYA, U0ALEX]"
    )
    assert "# Who runs the community." in after  # comments kept
    assert load_config(config).managers.users == ["U0MANAGER1", "U0PRIYA", "U0ALEX"]
    again = setup(fake, config)
    assert again.exit_code == 0 and "Nothing left" in again.output


def test_a_contact_given_by_handle_is_resolved_in_place(fake, tmp_path):
    fake.add_user("U0PRIYA", name="priya.nair", display_name="Priya")
    config = community_yml(tmp_path)
    text = config.read_text(encoding="utf-8")
    old = "    - name: Priya Nair\n      role: Moderator\n"
    assert old in text
    config.write_text(text.replace(old, '    - name: Priya Nair\n      slack_id: "@Priya"\n'))

    result = setup(fake, config, "--write")

    assert result.exit_code == 0, result.output
    assert "      slack_id: U0PRIYA\n" in config.read_text(encoding="utf-8")
    assert "U0PRIYA" in load_config(config).managers.users


def test_managers_that_cannot_be_resolved_are_left_with_the_reason(fake, tmp_path):
    fake.add_user("U0KIM1", name="kim", display_name="kim")
    fake.add_user("U0KIM2", name="kim2", display_name="Kim")
    config = community_yml(tmp_path, '[U0MANAGER1, "@kim", "@nobody", ghost@example.org]')
    before = config.read_text(encoding="utf-8")

    result = setup(fake, config, "--write")

    assert result.exit_code == 1, result.output
    assert "'@kim' (line 29): several members go by that name (U0KIM1, U0KIM2)" in result.output
    assert "'@nobody' (line 29): no active member has that handle" in result.output
    assert "'ghost@example.org' (line 29): no member of this workspace has that email" in (
        result.output
    )
    assert config.read_text(encoding="utf-8") == before
    # Nobody unresolved is invited anywhere, the placeholder least of all.
    assert set(fake.channel_members(fake.channel_id("community-team"))) == {
        fake.bot_user_id,
        "U0MANAGER1",
    }


def test_emails_without_the_email_scope_say_what_to_write_instead(fake, tmp_path):
    fake.scopes = SCOPES - {"users:read.email"}
    fake.add_user("U0ALEX", name="alex", email="alex@makers.example.org")

    result = setup(fake, community_yml(tmp_path, "[U0MANAGER1, alex@makers.example.org]"))

    assert result.exit_code == 1
    assert "needs the users:read.email scope" in result.output
    assert "write the @handle or member ID" in result.output
    assert "grant the users:read.email" not in result.output  # not a scope Porch asks for


def test_dry_run_changes_nothing(fake, tmp_path):
    fake.add_channel("general", members=["U0MANAGER1"])
    fake.add_user("U0PRIYA", name="priya.nair", display_name="Priya")
    config = community_yml(tmp_path, '[U0MANAGER1, "@priya"]')
    before = config.read_text(encoding="utf-8")

    result = setup(fake, config, "--dry-run", "--write")

    assert result.exit_code == 1, result.output
    assert "dry run" in result.output
    assert "would create the channel #wins" in result.output
    assert "would join #general" in result.output
    assert "would write U0PRIYA for '@priya'" in result.output
    assert changes(fake) == []
    assert config.read_text(encoding="utf-8") == before
    assert fake.bot_user_id not in fake.channel_members(fake.channel_id("general"))


def test_a_refused_token_is_one_line_and_exit_2(fake, tmp_path):
    result = setup(fake, community_yml(tmp_path), token="xoxb-wrong")

    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0
    assert "Slack refused SLACK_BOT_TOKEN (invalid_auth)" in result.output
    assert changes(fake) == []


def test_no_token_and_a_broken_config_exit_2(fake, tmp_path):
    env = {"SLACK_BOT_TOKEN": "", "PORCH_CONFIG": "", "DATABASE_URL": ""}
    config = community_yml(tmp_path)
    result = CliRunner().invoke(main, ["setup", "--config", str(config)], env=env)
    assert result.exit_code == 2
    assert "SLACK_BOT_TOKEN is not set" in result.output

    broken = community_yml(tmp_path, "[U0MANAGER1, not-an-id]")
    result = setup(fake, broken)
    assert result.exit_code == 2
    assert "managers.users.1: must be a Slack member ID" in result.output
    assert fake.calls() == []


def test_porch_check_stays_honest_about_handles(tmp_path):
    """A handle is not an ID the app can check: `porch check` still refuses it, and says how
    setup fixes that; a handle YAML cannot read says to quote it."""
    quoted = config_issue_after(tmp_path, "users: [U0MANAGER1]", 'users: ["@sam"]')
    assert "managers.users.0: must be a Slack member ID" in quoted
    assert "porch setup --write" in quoted
    bare = config_issue_after(tmp_path, "users: [U0MANAGER1]", "users: [@sam]")
    assert 'put a @handle in quotes: "@sam"' in bare


def test_a_manager_id_that_is_nobody_here_is_left(fake, tmp_path):
    """The example's U0MANAGER1 copied as is, or an ID from another workspace."""
    fake.add_user("U0GONE", name="gone")
    fake.deactivate_user("U0GONE")

    result = setup(fake, community_yml(tmp_path, "[U0MANAGER1, U0NOBODY, U0GONE]"))

    assert result.exit_code == 1, result.output
    assert "managers: U0NOBODY is no member of this workspace" in result.output
    assert "managers: U0GONE is deactivated" in result.output
    assert set(fake.channel_members(fake.channel_id("community-team"))) == {
        fake.bot_user_id,
        "U0MANAGER1",
    }


def test_channels_and_members_on_later_pages_are_found(fake, tmp_path):
    """conversations.list and users.list are read to their last cursor."""
    for index in range(250):
        fake.add_channel(f"other-{index:03d}")
        fake.add_user(f"U0X{index:03d}", name=f"member{index}")
    general = fake.add_channel("general")
    fake.add_user("U0PRIYA", name="priya.nair", display_name="Priya")

    result = setup(fake, community_yml(tmp_path, '[U0MANAGER1, "@priya"]'))

    assert "joined #general" in result.output
    assert "@priya is U0PRIYA" in result.output
    assert fake.bot_user_id in fake.channel_members(general)
    assert "general" not in [c.params["name"] for c in fake.calls("conversations.create")]
    assert len([c for c in fake.calls("conversations.list") if c.ok]) > 1
    assert len([c for c in fake.calls("users.list") if c.ok]) > 1
