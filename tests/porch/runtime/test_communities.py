"""Many workspaces from one install, each with its own community file (communities/T….yml):
each workspace's messages, jobs, tracker, report and site come from its own file, and nothing
of one reaches another's."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from cryptography.fernet import Fernet
from openpyxl import load_workbook
from sqlalchemy import Engine, select, text

from porch.core.config import Config, ConfigError
from porch.core.store.schema import leases, slack_bots
from porch.features.registry import check_config
from porch.runtime.cli import main
from porch.runtime.communities import Communities
from porch.sandbox import slack_requests as slack
from porch.sandbox.slack_api import FakeSlack
from tests.conftest import EXAMPLE_CONFIG
from tests.porch.runtime.test_oauth import (
    CLIENT_ID,
    CLIENT_SECRET,
    SECRET,
    Installed,
    install_through_oauth,
)

A, B = "T0AAAAAAA", "T0BBBBBBB"
ALPHA, BETA = "Alpha Makers", "Beta Builders"
ALPHA_LEAD = "U0ALPHALEAD"  # a manager in A's file only


def write_community(
    folder: Path,
    team_id: str,
    *,
    name: str,
    intros: str,
    sync_seconds: int = 60,
    manager: str = "U0MANAGER1",
) -> Path:
    """The example community.yml, renamed, with its own introductions channel, tracker and
    manager."""
    text = EXAMPLE_CONFIG.read_text().replace("U0MANAGER1", manager)
    for old, new in (
        ("Indie Makers Circle", name),
        ("  introductions: introductions", f"  introductions: {intros}"),
        ("  local_dir: tracker", f"  local_dir: tracker-{team_id}"),
        ("  sync_every_seconds: 60", f"  sync_every_seconds: {sync_seconds}"),
    ):
        assert old in text, old
        text = text.replace(old, new)
    folder.mkdir(exist_ok=True)
    path = folder / f"{team_id}.yml"
    path.write_text(text)
    return path


def communities_beside(folder: Path, *, sync_seconds: int = 60) -> Path:
    """community.yml (the example, the default) and a file for A and one for B."""
    config = folder / "community.yml"
    config.write_text(EXAMPLE_CONFIG.read_text())
    files = folder / "communities"
    write_community(
        files, A, name=ALPHA, intros="alpha-intros", sync_seconds=sync_seconds, manager=ALPHA_LEAD
    )
    write_community(files, B, name=BETA, intros="beta-intros", sync_seconds=sync_seconds)
    return config


def tracker_text(path: Path) -> str:
    """Every cell of a local tracker workbook, as one string ('' when there is none yet)."""
    if not path.exists():
        return ""
    workbook = load_workbook(path, read_only=True)
    return " ".join(
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


def cli_url(engine: Engine) -> str:
    """DATABASE_URL for a command run against the test's store (its schema on PostgreSQL)."""
    url = engine.url.render_as_string(hide_password=False)
    if engine.dialect.name != "postgresql":
        return url
    with engine.connect() as conn:
        schema = conn.execute(text("select current_schema()")).scalar()
    return f"{url}?options={quote(f'-csearch_path={schema}')}"


def everything_sent(fake: FakeSlack) -> str:
    return " ".join(str(call.params) for call in fake.calls())


@pytest.fixture
def two(config: Config, engine: Engine, tmp_path: Path, monkeypatch) -> Iterator[Installed]:
    monkeypatch.chdir(tmp_path)
    communities_beside(tmp_path)
    porch = Installed(config=config, engine=engine)
    porch.a.add_channel("alpha-intros")
    porch.b.add_channel("beta-intros")
    yield porch
    porch.stop()


def test_each_installed_workspace_runs_on_its_own_community_file(two: Installed, tmp_path: Path):
    assert two.install(two.a).status_code == 200
    assert two.install(two.b).status_code == 200
    two.settle()  # each workspace's own channels are looked up with its own token
    ana = two.a.add_user("U0ANA00001", name="ana", real_name="Ana", display_name="Ana")
    ben = two.b.add_user("U0BEN00001", name="ben", real_name="Ben", display_name="Ben")
    bea = two.b.add_user("U0BEA00001", name="bea", real_name="Bea", display_name="Bea")
    two.event(two.a, slack.team_join(ana))
    two.event(two.b, slack.team_join(ben))
    two.event(two.b, slack.team_join(bea))
    two.event(two.b, slack.team_join(bea))  # delivered twice: welcomed once
    two.settle()
    two.clock.advance(dt.timedelta(minutes=2))  # the tracker's slot comes again
    two.settle()

    # Messages: each welcome names its own community, and nothing crosses.
    assert ALPHA in str(two.a.dm_messages("U0ANA00001"))
    assert BETA in str(two.b.dm_messages("U0BEN00001"))
    assert len(two.b.dm_messages("U0BEA00001")) == len(two.b.dm_messages("U0BEN00001"))
    sent_a, sent_b = everything_sent(two.a), everything_sent(two.b)
    assert BETA not in sent_a and "U0BEN00001" not in sent_a and "beta-intros" not in sent_a
    assert ALPHA not in sent_b and "U0ANA00001" not in sent_b and "alpha-intros" not in sent_b
    assert "Indie Makers Circle" not in sent_a + sent_b  # the default is not used by either

    # Trackers: each workspace's rows in its own community's tracker only.
    alpha = tracker_text(tmp_path / "communities" / f"tracker-{A}" / "tracker.xlsx")
    beta = tracker_text(tmp_path / "communities" / f"tracker-{B}" / "tracker.xlsx")
    assert "U0ANA00001" in alpha and "U0BEN00001" not in alpha and "U0BEA00001" not in alpha
    assert "U0BEN00001" in beta and "U0BEA00001" in beta and "U0ANA00001" not in beta
    assert not (tmp_path / "tracker").exists()  # the default's tracker is nobody's here

    # Reports: `porch report --team` counts that workspace's members only.
    env = {"DATABASE_URL": cli_url(two.engine), "PORCH_CONFIG": str(tmp_path / "community.yml")}
    reported = {}
    for team in (A, B):
        result = CliRunner().invoke(main, ["report", "--team", team, "--json"], env=env)
        assert result.exit_code == 0, result.output
        reported[team] = json.loads(result.output)
    assert (reported[A]["team_id"], reported[A]["members"]) == (A, 1)
    assert (reported[B]["team_id"], reported[B]["members"]) == (B, 2)

    # `porch sync --team A --backfill` rebuilds A's tracker from A's rows alone.
    alpha_file = tmp_path / "communities" / f"tracker-{A}" / "tracker.xlsx"
    alpha_file.unlink()
    result = CliRunner().invoke(main, ["sync", "--team", A, "--backfill"], env=env)
    assert result.exit_code == 0, result.output
    rebuilt = tracker_text(alpha_file)
    assert "U0ANA00001" in rebuilt and "U0BEN00001" not in rebuilt
    assert not (tmp_path / "tracker").exists()


def test_a_workspaces_managers_are_those_its_own_file_names(two: Installed):
    two.install(two.a)
    two.install(two.b)
    two.settle()
    answers = {}
    for fake in (two.a, two.b):
        form = slack.slash_command(
            team_id=fake.team_id,
            user_id=ALPHA_LEAD,
            command="/porch",
            text="feedback",
            channel_id=fake.channel_id("general"),
        )
        answer = two.sender.command(form)
        assert answer.status_code == 200
        answers[fake.team_id] = answer.text
    refused = "Only community managers can do that"
    assert refused not in answers[A]  # A's file names them a manager
    assert refused in answers[B]  # B's file (and community.yml) do not


def test_uninstalling_one_workspace_leaves_the_others_jobs_running(two: Installed):
    two.install(two.a)
    two.install(two.b)
    two.settle()
    two.event(two.a, {"type": "app_uninstalled"})
    two.a.reset_calls()
    two.clock.advance(dt.timedelta(days=2))

    ran = two.runtime.scheduler.run_due()

    assert {run.team_id for run in ran} == {B}
    assert {"tracker-sync", "reconcile", "workspace"} <= {run.job for run in ran}
    assert two.a.calls() == []


def test_site_build_for_a_workspace_uses_its_file_and_writes_its_own_folder(
    tmp_path: Path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    config = communities_beside(tmp_path)
    env = {"PORCH_CONFIG": str(config), "PORCH_SITE_DIR": ""}
    for team in (A, B):
        result = CliRunner().invoke(main, ["site", "build", "--team", team], env=env)
        assert result.exit_code == 0, result.output
    alpha = (tmp_path / "public" / A / "index.html").read_text()
    beta = (tmp_path / "public" / B / "index.html").read_text()
    assert ALPHA in alpha and BETA not in alpha and "Indie Makers Circle" not in alpha
    assert BETA in beta and ALPHA not in beta
    assert not (tmp_path / "public" / "index.html").exists()


def test_porch_check_checks_every_community_file_with_its_line(tmp_path: Path):
    config = communities_beside(tmp_path)
    env = {"PORCH_CONFIG": str(config)}
    fine = CliRunner().invoke(main, ["check"], env=env)
    assert fine.exit_code == 0, fine.output
    assert f"workspace {A}" in fine.output and f"workspace {B}" in fine.output

    broken = tmp_path / "communities" / f"{B}.yml"
    broken.write_text(broken.read_text().replace("timezone: Europe/Berlin", "timezone: Mars/Base"))
    (tmp_path / "communities" / "alpha.yml").write_text("community: {}\n")
    result = CliRunner().invoke(main, ["check"], env=env)

    assert result.exit_code == 2
    line = next(
        n for n, text in enumerate(broken.read_text().splitlines(), 1) if "Mars/Base" in text
    )
    assert f"{broken}:{line}: community.timezone" in result.output
    assert "alpha.yml: a community file is named after its workspace's team ID" in result.output


def test_two_communities_writing_one_tracker_are_refused(tmp_path: Path, config: Config):
    communities_beside(tmp_path)
    shared = tmp_path / "communities" / f"{B}.yml"
    shared.write_text(
        shared.read_text().replace(f"local_dir: tracker-{B}", f"local_dir: tracker-{A}")
    )
    with pytest.raises(ConfigError) as refused:
        Communities.load(
            default_path=tmp_path / "community.yml",
            default=config,
            folder=tmp_path / "communities",
        )
    [issue] = refused.value.issues
    assert issue.path == shared and "give each community its own" in issue.message


def test_workspaces_on_community_yml_share_its_config_but_each_writes_its_own_tracker(
    config: Config, engine: Engine, tmp_path: Path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "community.yml").write_text(EXAMPLE_CONFIG.read_text())
    porch = Installed(config=config, engine=engine)
    try:
        assert porch.install(porch.a).status_code == 200
        assert porch.install(porch.b).status_code == 200
        porch.settle()
        ana = porch.a.add_user("U0ANA00001", name="ana", real_name="Ana", display_name="Ana")
        ben = porch.b.add_user("U0BEN00001", name="ben", real_name="Ben", display_name="Ben")
        porch.event(porch.a, slack.team_join(ana))
        porch.event(porch.b, slack.team_join(ben))
        porch.settle()
        porch.clock.advance(dt.timedelta(minutes=2))  # the tracker's slot comes again
        porch.settle()
    finally:
        porch.stop()

    alpha = tracker_text(tmp_path / "tracker" / A / "tracker.xlsx")
    beta = tracker_text(tmp_path / "tracker" / B / "tracker.xlsx")
    assert "U0ANA00001" in alpha and "U0BEN00001" not in alpha
    assert "U0BEN00001" in beta and "U0ANA00001" not in beta
    assert not (tmp_path / "tracker" / "tracker.xlsx").exists()


def test_with_many_workspaces_a_sheet_in_community_yml_is_refused(tmp_path: Path):
    """Every workspace without a file of its own would write that one Sheet."""
    default = tmp_path / "community.yml"
    default.write_text(
        EXAMPLE_CONFIG.read_text().replace("  sheet:\n", "  sheet: 1AbCdEfGhIjKlMnOpQrStUvWxYz\n")
    )
    config, _ = check_config(default)
    with pytest.raises(ConfigError) as refused:
        Communities.load(default_path=default, default=config, folder=tmp_path / "communities")
    [issue] = refused.value.issues
    assert issue.path == default and issue.field == "tracker.sheet"
    assert "tracker.local_dir/TEAM_ID/" in issue.message
    # One token, one community: the Sheet is community.yml's to write.
    Communities.load(
        default_path=default, default=config, folder=tmp_path / "communities", many=False
    )


def test_without_community_files_every_workspace_runs_on_community_yml(
    tmp_path: Path, config: Config
):
    found = Communities.load(
        default_path=tmp_path / "community.yml", default=config, folder=tmp_path / "communities"
    )
    assert found.teams == {} and found.of(A) is found.default


def test_porch_serve_gives_each_installed_workspace_its_own_community(
    empty_database, tmp_path: Path
):
    """As deployed: `porch serve` with a worker process, two workspaces installed through the
    OAuth flow, each with its community file. Each one's welcomes and tracker are its own; after
    A uninstalls, A's jobs stop (its leases are never taken again) while B's go on."""
    from tests.porch.runtime.test_recovery import database_url, wait_until
    from tests.porch.runtime.test_workers import Served

    config = communities_beside(tmp_path, sync_seconds=5)
    a = FakeSlack(team_id=A, bot_token="xoxb-alpha-" + "a" * 40)
    b = a.add_team(FakeSlack(team_id=B, bot_token="xoxb-beta-" + "b" * 40, bot_user_id="U0BETABOT"))
    a.enable_oauth(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    trackers = {t: tmp_path / "communities" / f"tracker-{t}" / "tracker.xlsx" for t in (A, B)}
    with a:
        for fake, intros in ((a, "alpha-intros"), (b, "beta-intros")):
            for name in ("general", intros, "feedback", "wins", "community-team"):
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
            "PORCH_CONFIG": str(config),
        }
        served = Served(env, workers=1, cwd=tmp_path)
        engine = empty_database.open()
        try:
            install_through_oauth(served.url, a, b)
            with slack.SlackSender(url=f"{served.url}/slack/events", signing_secret=SECRET) as s:
                for fake, user in ((a, "U0ANA00001"), (b, "U0BEN00001")):
                    joined = fake.add_user(user, name=user.lower())
                    envelope = slack.event_callback(
                        team_id=fake.team_id, event=slack.team_join(joined)
                    )
                    assert s.event(envelope).status_code == 200
                    assert s.event(envelope).status_code == 200  # a second delivery
                assert wait_until(
                    lambda: a.dm_messages("U0ANA00001") and b.dm_messages("U0BEN00001"),
                    seconds=20,
                )
                assert wait_until(
                    lambda: (
                        "U0ANA00001" in tracker_text(trackers[A])
                        and "U0BEN00001" in tracker_text(trackers[B])
                    ),
                    seconds=30,
                )
                assert ALPHA in str(a.dm_messages("U0ANA00001"))
                assert BETA in str(b.dm_messages("U0BEN00001"))
                assert BETA not in everything_sent(a) and ALPHA not in everything_sent(b)
                assert "U0BEN00001" not in tracker_text(trackers[A])
                assert "U0ANA00001" not in tracker_text(trackers[B])

                a.revoke()
                gone = slack.event_callback(team_id=A, event={"type": "app_uninstalled"})
                assert s.event(gone).status_code == 200

                def a_forgotten() -> bool:
                    with engine.connect() as conn:
                        return not conn.execute(
                            select(slack_bots.c.id).where(slack_bots.c.team_id == A)
                        ).all()

                assert wait_until(a_forgotten, seconds=20)
                a.reset_calls()
                before = job_leases(engine)
                later = b.add_user("U0BEN00002", name="ben2")
                envelope = slack.event_callback(team_id=B, event=slack.team_join(later))
                assert s.event(envelope).status_code == 200
                # B's jobs go on: its tracker sync (a job, every 5 s) writes its new member.
                assert wait_until(lambda: "U0BEN00002" in tracker_text(trackers[B]), seconds=30)
                assert wait_until(
                    lambda: (
                        job_leases(engine)[f"job:tracker-sync:{B}"]
                        > before[f"job:tracker-sync:{B}"]
                    ),
                    seconds=20,
                )
            after = job_leases(engine)
            # A's jobs stopped: none of its slots was taken again, nothing was sent to A.
            assert {k: v for k, v in after.items() if k.endswith(A)} == {
                k: v for k, v in before.items() if k.endswith(A)
            }
            assert a.calls() == []
            assert "U0BEN00002" not in tracker_text(trackers[A])
        finally:
            engine.dispose()
            output = served.stop()
        assert "xoxb-" not in output, output


def job_leases(engine: Engine) -> dict[str, object]:
    """Each job slot's lease and until when it was taken (a slot taken again moves it)."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(leases.c.name, leases.c.until).where(leases.c.name.like("job:%"))
        ).all()
    return {name: until for name, until in rows}


def test_serve_refuses_to_start_on_a_broken_community_file_naming_its_line(tmp_path: Path):
    config = communities_beside(tmp_path)
    broken = tmp_path / "communities" / f"{A}.yml"
    broken.write_text(broken.read_text().replace("timezone: Europe/Berlin", "timezone: Mars/Base"))
    env = {
        "SLACK_BOT_TOKEN": "",
        "SLACK_CLIENT_ID": CLIENT_ID,
        "SLACK_CLIENT_SECRET": CLIENT_SECRET,
        "SLACK_SIGNING_SECRET": SECRET,
        "PORCH_TOKEN_KEY": Fernet.generate_key().decode(),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'porch.db'}",
        "PORCH_CONFIG": str(config),
    }
    result = CliRunner().invoke(main, ["serve", "--workers", "0"], env=env)

    assert result.exit_code == 2, result.output
    assert f"{broken}:" in result.output and "community.timezone" in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
