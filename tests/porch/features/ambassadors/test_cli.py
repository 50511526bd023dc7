"""`porch ambassadors candidates [--json]` and `porch ambassadors invite USER_ID`, run as a
manager would run them."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from porch.runtime.cli import main
from porch.sandbox.slack_api import FakeSlack
from tests.porch.features.ambassadors.community import ANA
from tests.porch.runtime.test_cli import fake, slack_env

__all__ = ["fake"]


def installed(fake: FakeSlack, tmp_path: Path) -> dict[str, str]:
    fake.add_user(ANA, name="ana", real_name="Ana")
    env = slack_env(fake, tmp_path)
    result = CliRunner().invoke(main, ["members", "import"], env=env)
    assert result.exit_code == 0, result.output
    return env


def invitations(fake: FakeSlack) -> list[dict]:
    channel = fake.dm_channel(ANA)
    return [m for m in fake.messages(channel) if "porch_ambassador_accept" in str(m["blocks"])]


def test_invite_sends_one_invitation_however_often_it_is_run(fake: FakeSlack, tmp_path: Path):
    env = installed(fake, tmp_path)
    results = [CliRunner().invoke(main, ["ambassadors", "invite", ANA], env=env) for _ in range(2)]
    assert [r.exit_code for r in results] == [0, 0], results[0].output
    assert results[0].output.startswith(f"invited {ANA}")
    assert "invited already" in results[1].output
    assert len(invitations(fake)) == 1

    listed = CliRunner().invoke(main, ["ambassadors", "candidates", "--json"], env=env)
    assert listed.exit_code == 0, listed.output
    [candidate] = json.loads(listed.output)
    assert candidate["user_id"] == ANA and candidate["state"] == "invited"
    table = CliRunner().invoke(main, ["ambassadors", "candidates"], env=env)
    assert f"{ANA}  member [invited]: 0 days active" in table.output


def test_bad_input_exits_2_saying_why(fake: FakeSlack, tmp_path: Path):
    env = installed(fake, tmp_path)
    unknown = CliRunner().invoke(main, ["ambassadors", "invite", "U0NOBODY01"], env=env)
    assert unknown.exit_code == 2
    assert "no member U0NOBODY01 in this workspace" in unknown.output
    malformed = CliRunner().invoke(main, ["ambassadors", "invite", "ana"], env=env)
    assert malformed.exit_code == 2
    assert "not a Slack member ID" in malformed.output
    empty = CliRunner().invoke(main, ["ambassadors", "candidates"], env=env)
    assert empty.output == "No candidates yet.\n"
