"""Many workspaces from one install: Slack's OAuth flow over HTTP, a token per workspace, kept
encrypted, and an uninstall that stops the workspace's jobs and deletes its tokens."""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from cryptography.fernet import Fernet
from sqlalchemy import Engine, select
from waitress import wasyncore

from porch.core import effect_queue
from porch.core.clock import ManualClock
from porch.core.config import Config
from porch.core.store.schema import effects, slack_bots, slack_installations, workspaces
from porch.runtime.edge import http_server
from porch.runtime.server import MissingSetting, Runtime
from porch.runtime.settings import Settings
from porch.sandbox import slack_requests as slack
from porch.sandbox.slack_api import FakeSlack

SECRET = "oauth-signing-secret"
CLIENT_ID = "1234.5678"
CLIENT_SECRET = "client-secret-for-tests"
REDIRECT = "https://porch.example.org/slack/oauth_redirect"
START = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


class Installed:
    """Porch in OAuth mode behind a real HTTP server, and two fake workspaces, A and B."""

    def __init__(self, *, config: Config, engine: Engine) -> None:
        self.a = FakeSlack(
            team_id="T0AAAAAAA", team_name="Alpha", bot_token="xoxb-alpha-" + "a" * 40
        )
        self.b = self.a.add_team(
            FakeSlack(
                team_id="T0BBBBBBB",
                team_name="Beta",
                bot_token="xoxb-beta-" + "b" * 40,
                bot_user_id="U0BETABOT",
                bot_id="B0BETABOT",
            )
        )
        self.a.enable_oauth(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, redirect_uri=REDIRECT)
        self.a.start()
        for fake in (self.a, self.b):
            for name in sorted(config.channel_names()):
                fake.add_channel(name)
        self.engine = engine
        self.clock = ManualClock(START)
        self.settings = Settings(
            config_path=Path("community.yml"),
            database_url=str(engine.url),
            slack_signing_secret=SECRET,
            slack_api_url=self.a.api_url,
            slack_client_id=CLIENT_ID,
            slack_client_secret=CLIENT_SECRET,
            slack_redirect_uri=REDIRECT,
            token_key=Fernet.generate_key().decode(),
        )
        self.runtime = Runtime.create(
            config=config, settings=self.settings, clock=self.clock, engine=engine
        )
        self.server = http_server(
            self.runtime.wsgi(), failures=self.runtime.porch.failures, host="127.0.0.1", port=0
        )
        self._thread = threading.Thread(target=self.server.run, daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self.sender = slack.SlackSender(url=f"{self.url}/slack/events", signing_secret=SECRET)

    def stop(self) -> None:
        self.sender.close()
        try:
            self.server.trigger.pull_trigger(lambda: wasyncore.close_all(self.server._map))
        except OSError:
            wasyncore.close_all(self.server._map)
        self._thread.join(timeout=5)
        self.server.task_dispatcher.shutdown()
        self.a.stop()

    def install(self, fake: FakeSlack) -> requests.Response:
        """A person in `fake`'s workspace clicks Add to Slack, approves, and is sent back."""
        page = requests.get(f"{self.url}/slack/install", timeout=5)
        assert page.status_code == 200
        state = authorize_params(page.text)["state"]
        return requests.get(
            f"{self.url}/slack/oauth_redirect",
            params={"code": self.a.approve(fake), "state": state},
            headers={"Cookie": state_cookie(page)},
            timeout=5,
        )

    def event(self, fake: FakeSlack, event: dict) -> None:
        envelope = slack.event_callback(team_id=fake.team_id, event=event)
        assert self.sender.event(envelope).status_code == 200
        self.runtime.inbox.drain()

    def settle(self) -> None:
        self.runtime.scheduler.run_due()
        self.runtime.inbox.drain()
        self.runtime.worker.drain()


def state_cookie(page: requests.Response) -> str:
    """The state cookie as a browser sends it back (Bolt marks it Secure, so `requests` would
    keep it to https:// while the test server is plain http://)."""
    return page.headers["Set-Cookie"].split(";")[0]


def install_through_oauth(url: str, approver: FakeSlack, *fakes: FakeSlack) -> None:
    """Install Porch, served at `url`, in each fake workspace through Slack's OAuth flow (the
    approver's OAuth endpoints grant every workspace), then wait until the worker has looked up
    each one's channels with its own token."""
    from tests.porch.runtime.test_recovery import wait_until

    for fake in (approver, *fakes):
        page = requests.get(f"{url}/slack/install", timeout=5)
        answer = requests.get(
            f"{url}/slack/oauth_redirect",
            params={"code": approver.approve(fake), "state": authorize_params(page.text)["state"]},
            headers={"Cookie": state_cookie(page)},
            timeout=5,
        )
        assert answer.status_code == 200
    assert wait_until(
        lambda: all(f.calls("conversations.list") for f in (approver, *fakes)), seconds=20
    )


def authorize_params(page: str) -> dict[str, str]:
    """The query of the slack.com authorize link on Bolt's install page."""
    link = re.search(r'href="(https://slack\.com/oauth/v2/authorize\?[^"]+)"', page)
    assert link, page
    return {k: v[0] for k, v in parse_qs(urlsplit(unescape(link.group(1))).query).items()}


@pytest.fixture
def installed(config: Config, engine: Engine, tmp_path: Path, monkeypatch) -> Iterator[Installed]:
    monkeypatch.chdir(tmp_path)
    porch = Installed(config=config, engine=engine)
    yield porch
    porch.stop()


def test_installing_stores_the_workspace_with_its_token_encrypted(installed: Installed):
    answer = installed.install(installed.a)

    assert answer.status_code == 200
    with installed.engine.connect() as conn:
        stored = conn.execute(select(slack_bots.c.team_id, slack_bots.c.bot_token)).all()
        installation = conn.execute(select(slack_installations.c.bot_token)).scalars().all()
        teams = conn.execute(select(workspaces.c.team_id)).scalars().all()
    assert [team for team, _ in stored] == ["T0AAAAAAA"]
    raw = stored[0][1] + "".join(installation)
    assert installed.a.bot_token not in raw and "xoxb-" not in raw
    assert teams == ["T0AAAAAAA"]
    client = installed.runtime.slack.client_for("T0AAAAAAA")
    assert client is not None and client.token == installed.a.bot_token
    assert installed.runtime.slack.client_for("T0BBBBBBB") is None


def test_the_install_link_asks_for_the_manifests_scopes_and_the_redirect(installed: Installed):
    page = requests.get(f"{installed.url}/slack/install", timeout=5)
    params = authorize_params(page.text)
    assert params["client_id"] == CLIENT_ID
    assert params["redirect_uri"] == REDIRECT
    assert "chat:write" in params["scope"].split(",")


@pytest.mark.parametrize("state", ["forged-state", None])
def test_a_forged_or_missing_state_is_refused(installed: Installed, state: str | None):
    page = requests.get(f"{installed.url}/slack/install", timeout=5)  # a real state cookie
    code = installed.a.approve()
    params = {"code": code} if state is None else {"code": code, "state": state}

    answer = requests.get(
        f"{installed.url}/slack/oauth_redirect",
        params=params,
        headers={"Cookie": state_cookie(page)},
        timeout=5,
    )

    assert 400 <= answer.status_code < 500
    assert installed.a.calls("oauth.v2.access") == []
    with installed.engine.connect() as conn:
        assert conn.execute(select(slack_bots.c.id)).all() == []


def test_a_state_from_another_browser_is_refused(installed: Installed):
    """The state is tied to the browser that started the flow (Bolt's cookie)."""
    page = requests.get(f"{installed.url}/slack/install", timeout=5)
    state = authorize_params(page.text)["state"]
    answer = requests.get(
        f"{installed.url}/slack/oauth_redirect",
        params={"code": installed.a.approve(), "state": state},
        timeout=5,
    )
    assert 400 <= answer.status_code < 500
    assert installed.a.calls("oauth.v2.access") == []


def welcomed(fake: FakeSlack, user_id: str) -> bool:
    return bool(fake.dm_messages(user_id))


def test_each_workspace_is_answered_with_its_own_token_and_nothing_crosses(
    installed: Installed,
):
    assert installed.install(installed.a).status_code == 200
    assert installed.install(installed.b).status_code == 200
    installed.settle()  # each workspace's channels are looked up with its own token
    ana = installed.a.add_user("U0ANA00001", name="ana", real_name="Ana", display_name="Ana")
    ben = installed.b.add_user("U0BEN00001", name="ben", real_name="Ben", display_name="Ben")

    installed.event(installed.a, slack.team_join(ana))
    installed.event(installed.b, slack.team_join(ben))
    installed.settle()

    assert welcomed(installed.a, "U0ANA00001") and welcomed(installed.b, "U0BEN00001")
    # A's welcome went out in A only, B's in B only; neither fake saw the other's member.
    assert not any("U0BEN00001" in str(call.params) for call in installed.a.calls())
    assert not any("U0ANA00001" in str(call.params) for call in installed.b.calls())
    assert {call.method for call in installed.b.calls()} >= {"auth.test", "conversations.list"}


def test_uninstalling_a_stops_its_jobs_cancels_its_effects_and_deletes_its_token(
    installed: Installed,
):
    installed.install(installed.a)
    installed.install(installed.b)
    installed.settle()
    ana = installed.a.add_user("U0ANA00001", name="ana", real_name="Ana", display_name="Ana")
    installed.event(installed.a, slack.team_join(ana))  # her welcome is recorded, not sent yet
    with installed.engine.connect() as conn:
        assert effect_queue.pending_count(conn, team_id="T0AAAAAAA") > 0

    installed.a.revoke()
    installed.event(installed.a, {"type": "app_uninstalled"})
    installed.a.reset_calls()
    installed.clock.advance(dt.timedelta(days=2))  # every job's slot has come again
    installed.settle()

    assert installed.runtime.scheduler.team_ids() == ["T0BBBBBBB"]
    assert installed.runtime.slack.client_for("T0AAAAAAA") is None
    with installed.engine.connect() as conn:
        assert (
            conn.execute(
                select(slack_bots.c.team_id).where(slack_bots.c.team_id == "T0AAAAAAA")
            ).all()
            == []
        )
        assert (
            conn.execute(
                select(slack_installations.c.id).where(slack_installations.c.team_id == "T0AAAAAAA")
            ).all()
            == []
        )
        statuses = set(
            conn.execute(select(effects.c.status).where(effects.c.team_id == "T0AAAAAAA"))
            .scalars()
            .all()
        )
    assert effect_queue.PENDING not in statuses
    assert installed.a.calls() == []  # nothing more was sent to A
    assert not welcomed(installed.a, "U0ANA00001")
    assert installed.runtime.slack.client_for("T0BBBBBBB") is not None


def test_tokens_revoked_for_the_bot_is_an_uninstall(installed: Installed):
    installed.install(installed.a)
    installed.event(
        installed.a, {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["U0PORCHBOT"]}}
    )
    assert installed.runtime.scheduler.team_ids() == []
    assert installed.runtime.slack.client_for("T0AAAAAAA") is None


def test_installing_again_after_an_uninstall_resumes_the_workspace(installed: Installed):
    installed.install(installed.a)
    installed.event(installed.a, {"type": "app_uninstalled"})
    assert installed.runtime.scheduler.team_ids() == []

    assert installed.install(installed.a).status_code == 200
    assert installed.runtime.scheduler.team_ids() == ["T0AAAAAAA"]


def oauth_settings(engine: Engine, **changes: object) -> Settings:
    values: dict = {
        "database_url": str(engine.url),
        "slack_signing_secret": SECRET,
        "slack_client_id": CLIENT_ID,
        "slack_client_secret": CLIENT_SECRET,
        **changes,
    }
    return Settings(**values)


@pytest.mark.parametrize("key", [None, "not-a-fernet-key"])
def test_oauth_mode_refuses_to_start_without_a_valid_token_key(
    config: Config, engine: Engine, key: str | None
):
    with pytest.raises(MissingSetting, match="PORCH_TOKEN_KEY") as refused:
        Runtime.create(config=config, settings=oauth_settings(engine, token_key=key), engine=engine)
    assert "\n" not in str(refused.value)


def test_oauth_mode_is_on_only_without_a_bot_token():
    env = {"SLACK_CLIENT_ID": CLIENT_ID, "SLACK_CLIENT_SECRET": CLIENT_SECRET}
    assert Settings.from_env(env).oauth_mode
    assert not Settings.from_env({**env, "SLACK_BOT_TOKEN": "xoxb-one"}).oauth_mode
    assert not Settings.from_env({"SLACK_BOT_TOKEN": "xoxb-one"}).oauth_mode


def test_serve_in_oauth_mode_without_a_key_says_so_in_one_line(tmp_path: Path):
    from click.testing import CliRunner

    from porch.runtime.cli import main
    from porch.runtime.settings import EXAMPLE_CONFIG

    env = {
        "SLACK_BOT_TOKEN": "",
        "SLACK_CLIENT_ID": CLIENT_ID,
        "SLACK_CLIENT_SECRET": CLIENT_SECRET,
        "SLACK_SIGNING_SECRET": SECRET,
        "PORCH_TOKEN_KEY": "",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'porch.db'}",
        "PORCH_CONFIG": str(EXAMPLE_CONFIG),
    }
    result = CliRunner().invoke(main, ["serve", "--workers", "0"], env=env)

    assert result.exit_code == 2, result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert "PORCH_TOKEN_KEY" in result.output
    assert CLIENT_SECRET not in result.output


def test_a_state_is_used_once(installed: Installed):
    page = requests.get(f"{installed.url}/slack/install", timeout=5)
    state = authorize_params(page.text)["state"]
    cookie = {"Cookie": state_cookie(page)}
    first = requests.get(
        f"{installed.url}/slack/oauth_redirect",
        params={"code": installed.a.approve(), "state": state},
        headers=cookie,
        timeout=5,
    )
    again = requests.get(
        f"{installed.url}/slack/oauth_redirect",
        params={"code": installed.a.approve(installed.b), "state": state},
        headers=cookie,
        timeout=5,
    )
    assert first.status_code == 200
    assert 400 <= again.status_code < 500
    assert installed.runtime.slack.client_for("T0BBBBBBB") is None


def test_members_import_in_oauth_mode_says_it_needs_a_single_token(installed: Installed):
    from porch.runtime.server import StartupError

    with pytest.raises(StartupError, match="SLACK_BOT_TOKEN"):
        installed.runtime.reconcile(team_id=installed.runtime.team_id)


def test_porch_serve_with_workers_serves_two_installed_workspaces_and_an_uninstall(
    empty_database, tmp_path: Path
):
    """As deployed: the edge runs the OAuth flow, a worker process reads each workspace's token
    from the store, and after A uninstalls, A's effects stop while B's still go out."""
    import os

    from tests.conftest import EXAMPLE_CONFIG
    from tests.porch.runtime.test_recovery import database_url, wait_until
    from tests.porch.runtime.test_workers import Served

    a = FakeSlack(team_id="T0AAAAAAA", bot_token="xoxb-alpha-" + "a" * 40)
    b = a.add_team(
        FakeSlack(team_id="T0BBBBBBB", bot_token="xoxb-beta-" + "b" * 40, bot_user_id="U0BETABOT")
    )
    a.enable_oauth(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    with a:
        for fake in (a, b):
            for name in ("general", "introductions", "feedback", "wins", "community-team"):
                fake.add_channel(name)
        env = {
            **os.environ,
            "SLACK_BOT_TOKEN": "",
            "SLACK_CLIENT_ID": CLIENT_ID,
            "SLACK_CLIENT_SECRET": CLIENT_SECRET,
            "PORCH_TOKEN_KEY": Fernet.generate_key().decode(),
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": a.api_url,
            "DATABASE_URL": database_url(empty_database),
            "PORCH_CONFIG": str(EXAMPLE_CONFIG),
        }
        served = Served(env, workers=1, cwd=tmp_path)
        try:
            # The worker looks up each workspace's channels with its own token.
            install_through_oauth(served.url, a, b)
            with slack.SlackSender(url=f"{served.url}/slack/events", signing_secret=SECRET) as s:
                for fake, user in ((a, "U0ANA00001"), (b, "U0BEN00001")):
                    joined = fake.add_user(user, name=user.lower())
                    envelope = slack.event_callback(
                        team_id=fake.team_id, event=slack.team_join(joined)
                    )
                    assert s.event(envelope).status_code == 200
                assert wait_until(
                    lambda: a.dm_messages("U0ANA00001") and b.dm_messages("U0BEN00001"),
                    seconds=20,
                )
                assert a.dm_messages("U0BEN00001") == [] and b.dm_messages("U0ANA00001") == []

                a.revoke()
                gone = slack.event_callback(team_id=a.team_id, event={"type": "app_uninstalled"})
                assert s.event(gone).status_code == 200
                engine = empty_database.open()
                try:

                    def a_forgotten() -> bool:
                        with engine.connect() as conn:
                            return not conn.execute(
                                select(slack_bots.c.id).where(slack_bots.c.team_id == a.team_id)
                            ).all()

                    assert wait_until(a_forgotten, seconds=20)
                finally:
                    engine.dispose()
                a.reset_calls()
                later = [a.add_user("U0ANA00002", name="ana2"), b.add_user("U0BEN00002", name="b2")]
                for fake, user in zip((a, b), later, strict=True):
                    envelope = slack.event_callback(
                        team_id=fake.team_id, event=slack.team_join(user)
                    )
                    assert s.event(envelope).status_code == 200
                assert wait_until(lambda: b.dm_messages("U0BEN00002"), seconds=20)
            assert a.calls() == []  # nothing went to the uninstalled workspace
        finally:
            output = served.stop()
        assert "xoxb-" not in output, output
