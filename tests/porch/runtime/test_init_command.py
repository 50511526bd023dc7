"""`porch init`: a community's own community.yml and site/ in the current folder, which `porch
check`, `preview`, `site build` and `site serve` then read."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
import yaml
from click.testing import CliRunner

from porch.runtime.cli import main
from porch.runtime.init_command import local_timezone
from tests.conftest import ROOT
from tests.porch.runtime.test_cli import first_answer, free_port

# No PORCH_CONFIG or PORCH_SITE_DIR from the environment running the tests: the current folder.
HERE = {"PORCH_CONFIG": None, "PORCH_SITE_DIR": None}


@contextmanager
def in_folder(folder: Path) -> Iterator[None]:
    """Run the commands in `folder`, as a manager would (click's isolated_filesystem, which
    does this, is deprecated)."""
    previous = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(previous)


def invoke(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), env=HERE, input=input)


def test_init_writes_a_community_that_checks_and_builds_its_own_site(tmp_path: Path):
    with in_folder(tmp_path):
        result = invoke("init", "--yes")
        assert result.exit_code == 0, result.output
        assert "Wrote community.yml and site/ (9 pages)." in result.output
        text = Path("community.yml").read_text(encoding="utf-8")
        assert len(text.splitlines()) < 100 and text.count("#") > 20  # short, and commented
        assert sorted(p.name for p in Path("site").glob("*.md")) == sorted(
            p.name for p in (ROOT / "site").glob("*.md")
        )

        checked = invoke("check")
        assert checked.exit_code == 0, checked.output
        assert "My Community: valid\n" in checked.output
        # The placeholder manager passes, with a warning until it is replaced.
        assert "U0CHANGEME is the placeholder `porch init` wrote" in checked.output

        # The community's own page, edited here, is what the site shows.
        faq = Path("site/faq.md")
        faq.write_text(faq.read_text() + "\nAsk {{ community.name }} anything.\n")
        built = invoke("site", "build")
        assert built.exit_code == 0, built.output
        assert built.output == f"Site built: {Path.cwd() / 'public'}/index.html\n"
        assert "No community.yml in this folder" not in built.output
        assert "Ask My Community anything." in Path("public/faq/index.html").read_text()
        assert "<title>My Community</title>" in Path("public/index.html").read_text()
        assert Path("public/assets/stylesheets/site.css").is_file()

        previewed = invoke("preview")
        assert previewed.exit_code == 0, previewed.output
        assert "My Community" in Path("porch-preview.html").read_text()


def test_the_options_answer_the_questions_and_any_name_stays_valid_yaml(tmp_path: Path):
    name = 'Ana\'s "Club" #1: knit & purl'
    with in_folder(tmp_path):
        result = invoke(
            "init",
            "--name",
            name,
            "--timezone",
            "America/New_York",
            "--manager",
            "U0SAM00001",
            "--manager",
            "U0PRI00002",
        )
        assert result.exit_code == 0, result.output
        assert "U0CHANGEME" not in result.output
        data = yaml.safe_load(Path("community.yml").read_text(encoding="utf-8"))
        assert data["community"]["name"] == name
        assert data["community"]["timezone"] == "America/New_York"
        assert data["managers"]["users"] == ["U0SAM00001", "U0PRI00002"]
        checked = invoke("check")
        assert checked.exit_code == 0, checked.output
        assert "placeholder" not in checked.output


def test_without_a_terminal_nothing_is_asked(tmp_path: Path):
    with in_folder(tmp_path):
        result = invoke("init", input="Other name\n")
        assert result.exit_code == 0, result.output
        assert "Community name" not in result.output
        assert yaml.safe_load(Path("community.yml").read_text())["community"]["name"] == (
            "My Community"
        )


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--timezone", "Berlin"], "unknown timezone 'Berlin': use an IANA name"),
        (["--manager", "@sam"], "@sam: a manager is a Slack member ID such as U0123ABCD"),
        (["--name", "  "], "the community needs a name"),
    ],
)
def test_a_wrong_option_is_one_line_and_writes_nothing(
    tmp_path: Path, option: list[str], message: str
):
    with in_folder(tmp_path):
        result = invoke("init", *option)
        assert result.exit_code == 2
        assert message in result.output
        assert not Path("community.yml").exists() and not Path("site").exists()


@pytest.mark.parametrize("existing", ["community.yml", "site"])
def test_existing_files_are_kept_unless_force(tmp_path: Path, existing: str):
    with in_folder(tmp_path):
        if existing == "site":
            Path("site").mkdir()
            Path("site/index.md").write_text("# Ours\n")
        else:
            Path("community.yml").write_text("# ours\n")
        before = sorted(str(p) for p in Path().rglob("*"))

        refused = invoke("init", "--yes")
        assert refused.exit_code == 2
        assert refused.output == (
            f"porch init: {existing} already exist here; keeping them (--force overwrites them).\n"
        )
        assert sorted(str(p) for p in Path().rglob("*")) == before

        forced = invoke("init", "--yes", "--force")
        assert forced.exit_code == 0, forced.output
        assert "My Community" in Path("community.yml").read_text()
        assert Path("site/index.md").read_text() == (ROOT / "site/index.md").read_text()


def _converse(
    command: list[str], *, cwd: Path, answers: list[str], env: dict[str, str], seconds: float = 60
) -> str:
    """Run `command` with a terminal as stdin and stdout, typing each answer after its prompt
    appears; return everything the terminal showed."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        command,
        cwd=cwd,
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env={**_environment(), **env},
    )
    os.close(terminal)
    shown = b""
    pending = list(answers)
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([controller], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(controller, 4096)
                except OSError:  # the process ended and closed the terminal
                    break
                if not chunk:
                    break
                shown += chunk
                if pending and shown.rstrip().endswith((b":", b"]:")):
                    os.write(controller, pending.pop(0).encode() + b"\n")
            elif process.poll() is not None:
                break
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
        os.close(controller)
    return shown.decode(errors="replace").replace("\r\n", "\n")


def test_in_a_terminal_it_asks_and_asks_again_after_a_wrong_answer(tmp_path: Path):
    shown = _converse(
        [sys.executable, "-m", "porch.runtime.cli", "init"],
        cwd=tmp_path,
        # A wrong timezone, then Enter for the default: the machine's.
        answers=["Harbour Knitters", "Harbour", "", "U0SAM00001, U0PRI00002"],
        env={"TZ": "Europe/Lisbon"},
    )
    assert "Community name [My Community]:" in shown, shown
    assert "Timezone (IANA name) [Europe/Lisbon]:" in shown, shown
    assert "Error: unknown timezone 'Harbour'" in shown, shown
    assert "Wrote community.yml and site/" in shown, shown
    data = yaml.safe_load((tmp_path / "community.yml").read_text(encoding="utf-8"))
    assert data["community"]["name"] == "Harbour Knitters"
    assert data["community"]["timezone"] == "Europe/Lisbon"
    assert data["managers"]["users"] == ["U0SAM00001", "U0PRI00002"]


def test_the_timezone_question_defaults_to_the_machines(tmp_path: Path):
    (tmp_path / "zoneinfo" / "Asia").mkdir(parents=True)
    (tmp_path / "zoneinfo" / "Asia" / "Tokyo").write_bytes(b"")
    localtime = tmp_path / "localtime"
    localtime.symlink_to(tmp_path / "zoneinfo" / "Asia" / "Tokyo")

    assert local_timezone({"TZ": ":America/Toronto"}, localtime=localtime) == "America/Toronto"
    assert local_timezone({"TZ": "CET-1"}, localtime=localtime) == "Asia/Tokyo"
    assert local_timezone({}, localtime=localtime) == "Asia/Tokyo"
    assert local_timezone({}, localtime=tmp_path / "missing") == "UTC"


def test_site_serve_previews_the_pages_in_this_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(tmp_path)
    assert invoke("init", "--yes", "--name", "Harbour Knitters").exit_code == 0
    (tmp_path / "site" / "faq.md").write_text("# FAQ\n\nOnly in this folder.\n")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "porch.runtime.cli", "site", "serve", "--port", str(port)],
        env=_environment(),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        home = first_answer(f"http://127.0.0.1:{port}/", process=process)
        faq = requests.get(f"http://127.0.0.1:{port}/faq/", timeout=5)
    finally:
        process.terminate()
        process.communicate(timeout=10)
    assert home.status_code == 200 and "Harbour Knitters" in home.text
    assert faq.status_code == 200 and "Only in this folder." in faq.text


def _environment() -> dict[str, str]:
    """This process's environment for a `porch` subprocess run in another folder: this
    checkout's porch first, and no PORCH_CONFIG or PORCH_SITE_DIR (the folder decides)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PORCH_CONFIG", "PORCH_SITE_DIR")}
    return {**env, "PYTHONPATH": str(ROOT)}
