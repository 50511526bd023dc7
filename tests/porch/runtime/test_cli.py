"""The `porch` commands that talk to Slack, run as a manager would run them."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlalchemy import select

from porch.core import effect_queue, inbox
from porch.core.store import connect
from porch.core.store.schema import effects, inbox_events, members
from porch.runtime.cli import main
from porch.runtime.edge import MAX_BODY_BYTES
from porch.runtime.preview import samples
from porch.sandbox import slack_requests as slack
from porch.sandbox.slack_api import FakeSlack
from porch.sandbox.socket_mode import FakeSocketMode
from tests.conftest import EXAMPLE_CONFIG, ROOT


@pytest.fixture
def fake() -> FakeSlack:
    with FakeSlack() as fake:
        for name in ("general", "introductions", "feedback", "wins", "community-team"):
            fake.add_channel(name)
        fake.add_channel("ambassadors")
        fake.add_channel("showcase-review")
        yield fake


SYNC_EVERY_SECONDS = 5  # the least community.yml allows


def config_copy(tmp_path: Path) -> Path:
    """The example config in tmp_path, so the local tracker is written there, synced often."""
    text = EXAMPLE_CONFIG.read_text(encoding="utf-8")
    assert "  sync_every_seconds: 60\n" in text
    path = tmp_path / "community.yml"
    path.write_text(
        text.replace("  sync_every_seconds: 60\n", f"  sync_every_seconds: {SYNC_EVERY_SECONDS}\n"),
        encoding="utf-8",
    )
    return path


def slack_env(fake: FakeSlack, tmp_path: Path) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": fake.bot_token,
        "SLACK_SIGNING_SECRET": "secret-for-tests",
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'porch.db'}",
        "PORCH_CONFIG": str(config_copy(tmp_path)),
    }


def test_members_import_records_everyone_without_a_welcome(
    fake: FakeSlack, tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    for n in range(450):  # three pages of users.list
        fake.add_user(f"U0M{n:07d}", name=f"member{n}")
    fake.add_user("U0BOT00001", name="bot", is_bot=True)

    # The member commands only call Slack: the bot token is all they need.
    env = {**slack_env(fake, tmp_path), "SLACK_SIGNING_SECRET": "", "SLACK_APP_TOKEN": ""}
    result = CliRunner().invoke(main, ["members", "import"], env=env)

    assert result.exit_code == 0, result.output
    assert "450 recorded without a welcome" in result.output
    # No library warning in normal output (Bolt's "`token` will be unused" among them).
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    # What Slack was really sent: nothing. App Home views wait until a member opens the tab.
    assert "sent to Slack: nothing." in result.output
    assert fake.calls("chat.postMessage") == []
    assert fake.calls("views.publish") == []
    engine = connect(f"sqlite:///{tmp_path / 'porch.db'}")
    with engine.begin() as conn:
        assert len(conn.execute(select(members.c.user_id)).all()) == 450


def test_the_import_reports_progress_against_the_real_total(workspace):
    for n in range(450):
        workspace.add_user(f"U0M{n:07d}", f"member{n}", f"Member {n}")
    seen: list[tuple[int, int]] = []
    listed = len(workspace.fake._users)

    workspace.runtime.reconcile(
        team_id=workspace.runtime.team_id,
        welcome=False,
        progress=lambda done, total: seen.append((done, total)),
    )

    # Everyone Slack lists (the 450, the sandbox's manager and bots) is counted up front.
    assert seen == [(200, listed), (400, listed), (listed, listed)]


def test_members_reconcile_welcomes_only_the_missed(fake: FakeSlack, tmp_path: Path):
    fake.add_user("U0OLD00001", name="olga")
    env = slack_env(fake, tmp_path)
    CliRunner().invoke(main, ["members", "import"], env=env)
    fake.add_user("U0NEW00001", name="nina")

    result = CliRunner().invoke(main, ["members", "reconcile"], env=env)

    assert result.exit_code == 0, result.output
    assert "1 welcomed" in result.output
    assert "sent to Slack: 1 message." in result.output
    assert len(fake.dm_messages("U0NEW00001")) == 1
    assert fake.dm_messages("U0OLD00001") == []


def test_commands_that_need_slack_say_which_variable_is_missing(tmp_path: Path):
    env = {"SLACK_BOT_TOKEN": "", "PORCH_CONFIG": str(EXAMPLE_CONFIG)}
    result = CliRunner().invoke(main, ["members", "import"], env=env)
    assert result.exit_code == 2
    assert "SLACK_BOT_TOKEN is not set" in result.output


def test_preview_shows_every_template(tmp_path: Path, config):
    out = tmp_path / "preview.html"
    result = CliRunner().invoke(
        main, ["preview", "--config", str(EXAMPLE_CONFIG), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    page = out.read_text()
    # Partials (named _*.j2) are App Home sections, previewed inside App Home.
    folder = ROOT / "templates"
    shipped = {
        p.relative_to(folder).as_posix() for p in folder.rglob("*.j2") if not p.name.startswith("_")
    }
    assert {template for _, _, template, _ in samples(config)} == shipped
    assert all(f"templates/{name}" in page for name in shipped)
    assert "Welcome to Indie Makers Circle" in page
    assert "Your first steps" in page


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def first_answer(url: str, *, process: subprocess.Popen, seconds: float = 60) -> requests.Response:
    """GET `url` once the server process started by the test is listening."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return requests.get(url, timeout=2)
        except requests.ConnectionError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise
            time.sleep(0.2)


def settled(database_url: str, *, seconds: float) -> bool:
    """Whether, within `seconds`, the store of a running Porch has no event and no effect left
    pending (events stored and all they caused delivered)."""
    store = connect(database_url)
    try:
        deadline = time.monotonic() + seconds
        while True:
            with store.connect() as conn:
                events = conn.execute(select(inbox_events.c.status)).scalars().all()
                pending = conn.execute(select(effects.c.status)).scalars().all()
            if events and inbox.PENDING not in events and effect_queue.PENDING not in pending:
                return True
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
    finally:
        store.dispose()


def tracker_member_ids(workbook: Path) -> list[str]:
    if not workbook.exists():
        return []
    rows = load_workbook(workbook)["Members"].iter_rows(min_row=2, max_col=1, values_only=True)
    return [row[0] for row in rows if row[0]]


def test_porch_serve_answers_healthz_rejects_unsigned_requests_and_syncs_the_tracker(
    fake: FakeSlack, tmp_path
):
    port = free_port()
    env = {**os.environ, **slack_env(fake, tmp_path), "PORT": str(port)}
    process = subprocess.Popen(
        [sys.executable, "-m", "porch.runtime.cli", "serve", "--host", "127.0.0.1"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    workbook = tmp_path / "tracker" / "tracker.xlsx"
    try:
        health = first_answer(f"http://127.0.0.1:{port}/healthz", process=process)
        assert health.status_code == 200
        unsigned = requests.post(f"http://127.0.0.1:{port}/slack/events", data="{}", timeout=5)
        assert unsigned.status_code == 401
        # What used to be a 500 and a traceback, unsigned (issue 9): now one line each.
        for hostile in (b"[1]", b"null", b"42"):
            answer = requests.post(
                f"http://127.0.0.1:{port}/slack/events",
                data=hostile,
                headers={"Content-Type": "application/json", "X-Slack-Request-Timestamp": "x"},
                timeout=5,
            )
            assert answer.status_code == 401
        huge = requests.post(
            f"http://127.0.0.1:{port}/slack/events", data=b"x" * (MAX_BODY_BYTES + 1), timeout=5
        )
        assert huge.status_code == 413

        user = fake.add_user("U0ANA00001", name="ana", real_name="Ana", display_name="Ana")
        with slack.SlackSender(
            url=f"http://127.0.0.1:{port}/slack/events", signing_secret="secret-for-tests"
        ) as sender:
            joined = sender.event(
                slack.event_callback(team_id=fake.team_id, event=slack.team_join(user))
            )
        assert joined.status_code == 200
        # Nobody runs `porch sync`: the scheduler's tracker job writes her row within a slot.
        deadline = time.monotonic() + SYNC_EVERY_SECONDS + 10
        while "U0ANA00001" not in tracker_member_ids(workbook) and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        process.terminate()
        output = process.communicate(timeout=10)[0].decode()
    assert "U0ANA00001" in tracker_member_ids(workbook), output
    assert fake.bot_token not in output and "secret-for-tests" not in output
    assert "Traceback" not in output, output


def test_porch_serve_refuses_a_body_over_1_mib_with_413_and_one_log_line(
    fake: FakeSlack, tmp_path: Path
):
    """waitress reads a body before the app sees it; its refusal of one over the cap is
    Porch's own, logged in one line naming the size and the path (the README promises it)."""
    port = free_port()
    env = {**os.environ, **slack_env(fake, tmp_path), "PORT": str(port)}
    process = subprocess.Popen(
        [sys.executable, "-m", "porch.runtime.cli", "serve", "--host", "127.0.0.1"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        assert first_answer(f"http://127.0.0.1:{port}/healthz", process=process).ok
        size = MAX_BODY_BYTES + 1
        huge = requests.post(
            f"http://127.0.0.1:{port}/slack/events",
            data=b"x" * size,
            headers={"Content-Type": "application/json"},
            timeout=5,
        )
        assert huge.status_code == 413
        # At the cap exactly, the body reaches Porch (and, unsigned, is refused there).
        assert (
            requests.post(
                f"http://127.0.0.1:{port}/slack/events", data=b"x" * MAX_BODY_BYTES, timeout=5
            ).status_code
            == 401
        )
    finally:
        process.terminate()
        output = process.communicate(timeout=10)[0].decode()
    lines = [line for line in output.splitlines() if "413" in line]
    assert len(lines) == 1, output
    assert "/slack/events" in lines[0] and str(size) in lines[0], output


def test_serve_says_in_one_line_when_slack_is_unreachable_or_refuses_the_token(
    fake: FakeSlack, tmp_path: Path
):
    unreachable = {**slack_env(fake, tmp_path), "SLACK_API_URL": f"http://127.0.0.1:{free_port()}/"}
    refused = {**slack_env(fake, tmp_path), "SLACK_BOT_TOKEN": "xoxb-not-a-real-token-1234"}

    for env, reason in ((unreachable, "cannot reach the Slack Web API"), (refused, "invalid_auth")):
        result = CliRunner().invoke(main, ["members", "import"], env=env)
        assert result.exit_code == 2, result.output
        assert reason in result.output
        assert "Traceback" not in result.output
        assert env["SLACK_BOT_TOKEN"] not in result.output


def test_run_needs_an_app_level_token(fake: FakeSlack, tmp_path: Path):
    env = {**slack_env(fake, tmp_path), "SLACK_APP_TOKEN": ""}
    result = CliRunner().invoke(main, ["run"], env=env)
    assert result.exit_code == 2
    assert "SLACK_APP_TOKEN is not set" in result.output


@pytest.mark.parametrize(
    ("case", "message"),
    [
        (
            "socket mode off",
            "porch: Slack refused SLACK_APP_TOKEN (socket_mode_not_enabled): turn on Socket Mode "
            "in the app settings and use an app-level token (xapp-…) with the connections:write "
            'scope. See the README section "Run Porch for real".',
        ),
        (
            "wrong app token",
            "porch: Slack refused SLACK_APP_TOKEN (invalid_auth): create an app-level token "
            "(Basic Information → App-Level Tokens) and copy it. "
            'See the README section "Run Porch for real".',
        ),
        (
            "bot token as app token",
            "porch: Slack refused SLACK_APP_TOKEN (not_allowed_token_type): it must be an "
            "app-level token (xapp-…, under Basic Information → App-Level Tokens), not the bot "
            'token. See the README section "Run Porch for real".',
        ),
    ],
)
def test_run_says_in_one_line_when_socket_mode_is_off_or_the_app_token_is_wrong(
    fake: FakeSlack, tmp_path: Path, case: str, message: str
):
    fake.socket_mode_url = None if case == "socket mode off" else "ws://127.0.0.1:9/unused"
    app_token = {
        "socket mode off": fake.app_token,
        "wrong app token": "xapp-1-A0OTHER-not-ours",
        "bot token as app token": fake.bot_token,
    }[case]
    env = {**slack_env(fake, tmp_path), "SLACK_APP_TOKEN": app_token}

    result = CliRunner().invoke(main, ["run"], env=env)

    assert result.exit_code == 2
    # Bolt may log its own startup warning; Porch's answer is one line, and no traceback.
    assert [line for line in result.output.splitlines() if "SLACK_APP_TOKEN" in line] == [message]
    assert "Traceback" not in result.output and app_token not in result.output
    assert len(fake.calls("apps.connections.open")) == 1


def test_porch_run_welcomes_a_newcomer_over_socket_mode(fake: FakeSlack, tmp_path: Path):
    with FakeSocketMode(app_id=fake.app_id) as socket_mode:
        fake.socket_mode_url = socket_mode.url
        user = fake.add_user("U0ANA00001", name="ana", real_name="Ana", display_name="Ana")
        env = {**os.environ, **slack_env(fake, tmp_path), "SLACK_APP_TOKEN": fake.app_token}
        env.pop("SLACK_SIGNING_SECRET")  # Socket Mode needs no signing secret
        process = subprocess.Popen(
            [sys.executable, "-m", "porch.runtime.cli", "run"],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            assert socket_mode.wait_connected(timeout=60), "porch run never connected"
            envelope = slack.event_callback(team_id=fake.team_id, event=slack.team_join(user))
            acks = [socket_mode.send_event(envelope, retry_attempt=n) for n in range(2)]
            deadline = time.monotonic() + 30
            while not fake.dm_messages("U0ANA00001") and time.monotonic() < deadline:
                time.sleep(0.1)
            # Both deliveries were acknowledged, so both are in the store (or the retry was
            # refused as a duplicate): once every event is processed and every effect done,
            # nothing is left that could send a second welcome.
            assert settled(env["DATABASE_URL"], seconds=30), "porch run left work undone"
        finally:
            process.terminate()
            output = process.communicate(timeout=10)[0].decode()
    assert len(acks) == 2 and all("envelope_id" in ack for ack in acks)
    [welcome] = fake.dm_messages("U0ANA00001")
    assert "Welcome to Indie Makers Circle" in welcome["text"], output
    assert fake.app_token not in output and fake.bot_token not in output


def test_site_serve_previews_the_site_on_localhost(tmp_path: Path):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "porch.runtime.cli", "site", "serve", "--port", str(port)],
        env={**os.environ, "PORCH_CONFIG": str(EXAMPLE_CONFIG)},
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        home = first_answer(f"http://127.0.0.1:{port}/", process=process)
        guidelines = requests.get(f"http://127.0.0.1:{port}/guidelines/", timeout=5)
    finally:
        process.terminate()
        process.communicate(timeout=10)
    assert home.status_code == 200 and "Indie Makers Circle" in home.text
    assert guidelines.status_code == 200 and "If a rule is broken" in guidelines.text


def with_sheet(path: Path) -> Path:
    text = path.read_text(encoding="utf-8")
    assert "  sheet:\n" in text
    path.write_text(text.replace("  sheet:\n", "  sheet: 1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789\n"))
    return path


@pytest.mark.parametrize("command", [["check"], ["serve"], ["run"], ["sync"]])
def test_a_sheet_without_google_credentials_is_one_line_and_exit_2(
    fake: FakeSlack, tmp_path: Path, command: list[str]
):
    env = slack_env(fake, tmp_path)
    env["PORCH_CONFIG"] = str(with_sheet(Path(env["PORCH_CONFIG"])))
    env["SLACK_APP_TOKEN"] = "xapp-test"
    env["GOOGLE_APPLICATION_CREDENTIALS"] = ""
    result = CliRunner().invoke(main, command, env=env)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert lines[-1].startswith("porch: tracker.sheet is set but GOOGLE_APPLICATION_CREDENTIALS")
    assert '"The tracker" in the README' in lines[-1]
    assert not (tmp_path / "tracker").exists()  # no silent fall-back to the local tracker
