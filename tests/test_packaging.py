"""A wheel of Porch is the whole product: installed outside the checkout, `porch demo`,
`porch check` and `porch site build` work from an empty folder with the bundled templates, site
and example config, and the only package it installs is `porch`.

Offline and quick: the wheel is built with this environment's setuptools (no build isolation),
installed with --no-deps into a fresh venv, and the dependencies already installed here are made
importable there by a .pth file. Only this environment's site-packages goes on that path, never
the checkout: the editable install's finder is a .pth hook that a plain path entry does not run,
and the test checks that `porch` really is imported from the fresh venv.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.packaging

# Not part of the build: local state, caches and outputs a developer's checkout may hold.
NOT_SOURCE = {"build", "dist", "public", "demo-output", "tracker", "tests", "bench"}


def _can_build() -> str | None:
    """Why the wheel cannot be built here, or None. `make test` installs what it needs."""
    try:
        setuptools, pip = version("setuptools"), version("pip")
    except PackageNotFoundError as missing:
        return f"{missing} is not installed"
    if int(setuptools.split(".")[0]) < 77:
        return f"setuptools {setuptools} is older than 77 (SPDX license fields)"
    if tuple(int(part) for part in pip.split(".")[:2]) < (22, 3):
        return f"pip {pip} has no --python option"
    return None


def _source_copy(target: Path) -> Path:
    """The checkout's sources without local state, so building never writes into the checkout."""

    def ignore(folder: str, names: list[str]) -> set[str]:
        skipped = {n for n in names if n == "__pycache__" or n.endswith(".egg-info")}
        if Path(folder) == ROOT:
            skipped |= {n for n in names if n.startswith(".") or n in NOT_SOURCE}
            skipped |= {n for n in names if n.startswith("porch.db") or n.startswith("porch-")}
        return skipped

    shutil.copytree(ROOT, target, ignore=ignore)
    return target


def _run(command: list[str | Path], **kwargs: object) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        **kwargs,  # type: ignore[arg-type]
    )
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result


PIP = [sys.executable, "-m", "pip"]
OFFLINE = ["--no-deps", "--no-index"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy of the checkout."""
    if reason := _can_build():
        pytest.skip(reason)
    work = tmp_path_factory.mktemp("wheel")
    source = _source_copy(work / "source")
    build = _run(
        [*PIP, "wheel", "-v", *OFFLINE, "--no-build-isolation", "-w", work / "dist", source]
    )
    assert "Deprecat" not in build.stdout + build.stderr, "setuptools warns about the config"
    (built,) = (work / "dist").glob("porch-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv, outside the checkout, with only the wheel installed in it."""
    env_dir = tmp_path_factory.mktemp("packaging") / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    _run([*PIP, "--python", python, "install", *OFFLINE, wheel])
    site_packages = Path(
        _run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]
        ).stdout.strip()
    )
    ours = dict.fromkeys(sysconfig.get_paths()[key] for key in ("purelib", "platlib"))
    (site_packages / "_porch_test_dependencies.pth").write_text("\n".join(ours) + "\n")
    return env_dir


def _clean_env() -> dict[str, str]:
    drop = {"PYTHONPATH", "PYTHONHOME", "PORCH_CONFIG", "PORCH_SITE_DIR", "DATABASE_URL"}
    return {k: v for k, v in os.environ.items() if k not in drop}


def test_the_wheel_installs_only_the_porch_package(wheel: Path) -> None:
    """app.py, handlers/ and sheets_sync/ sit at the top of the checkout (the design card's
    layout) but install inside porch/: a top-level `app` or `handlers` in site-packages would
    clash with other distributions."""
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        (dist_info,) = {name.split("/")[0] for name in names if ".dist-info/" in name}
        top_level = archive.read(f"{dist_info}/top_level.txt").decode().split()
    assert dist_info.startswith("porch-")
    assert sorted({name.split("/")[0] for name in names} - {dist_info}) == ["porch"]
    assert top_level == ["porch"]
    for moved in ("app.py", "handlers/__init__.py", "handlers/events.py", "sheets_sync/local.py"):
        assert f"porch/{moved}" in names, moved


def test_only_porch_is_importable_from_the_wheel(
    installed: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    python = installed / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    empty = tmp_path_factory.mktemp("imports")
    probe = "import porch.app, porch.handlers, porch.sheets_sync.google; print(porch.app.__file__)"
    found = _run([python, "-c", probe], cwd=empty, env=_clean_env()).stdout.strip()
    assert installed.resolve() in Path(found).resolve().parents
    for name in ("app", "handlers", "sheets_sync"):
        result = subprocess.run(
            [str(python), "-c", f"import {name}"],
            capture_output=True,
            text=True,
            cwd=empty,
            env=_clean_env(),
            timeout=60,
            check=False,
        )
        assert result.returncode == 1, f"import {name}: {result.stdout}{result.stderr}"
        assert f"No module named '{name}'" in result.stderr


def test_porch_is_imported_from_the_fresh_venv_with_its_files(installed: Path) -> None:
    python = installed / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    probe = (
        "import porch, porch.core.templating as t, porch.site.build as b, "
        "porch.runtime.settings as s, porch.core.store as st;"
        "print(porch.__file__, t.PACKAGED_TEMPLATES, b.MKDOCS_FILE, b.HOOK_FILE,"
        " s.EXAMPLE_CONFIG, st.MIGRATIONS / 'script.py.mako', sep='\\n')"
    )
    lines = _run([python, "-c", probe], cwd=installed, env=_clean_env()).stdout.splitlines()
    for line in lines:
        path = Path(line)
        assert path.exists(), line
        assert installed.resolve() in path.resolve().parents, f"{line} is not in the fresh venv"


def test_demo_and_site_build_work_from_an_empty_folder(
    installed: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    porch = installed / ("Scripts/porch.exe" if os.name == "nt" else "bin/porch")
    empty = tmp_path_factory.mktemp("empty")

    demo = _run([porch, "demo"], cwd=empty, env=_clean_env())
    assert "No community.yml in this folder: using the bundled example" in demo.stderr
    assert "Welcome to Indie Makers Circle, Ana!" in demo.stdout
    assert (empty / "demo-output" / "transcript.txt").exists()
    assert any((empty / "demo-output" / "tracker").iterdir())
    assert (empty / "public" / "index.html").exists()

    shutil.rmtree(empty / "public")
    site = _run([porch, "site", "build"], cwd=empty, env=_clean_env())
    assert "using the bundled example" in site.stderr
    assert site.stdout.strip() == f"Site built: {empty / 'public'}/index.html"
    guidelines = (empty / "public" / "guidelines" / "index.html").read_text(encoding="utf-8")
    assert "Be generous with specifics" in guidelines
    # Nothing was written inside the installed package (outputs, databases, trackers).
    (bundled,) = installed.rglob("site-packages/porch/bundled")
    assert {p.name for p in bundled.iterdir()} == {
        "templates",
        "site",
        "mkdocs.yml",
        "community.yml",
        "manifest.yml",
    }


def test_check_passes_on_the_wheels_example_config(
    installed: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """`porch check` validates the manager's own community.yml (it never falls back to the
    example): a folder holding only a copy of the bundled one, with the bundled templates."""
    porch = installed / ("Scripts/porch.exe" if os.name == "nt" else "bin/porch")
    folder = tmp_path_factory.mktemp("check")
    (example,) = installed.rglob("site-packages/porch/bundled/community.yml")
    shutil.copy(example, folder / "community.yml")
    result = _run([porch, "check"], cwd=folder, env=_clean_env())
    assert "Indie Makers Circle" in result.stdout
    assert sorted(p.name for p in folder.iterdir()) == ["community.yml"]


def test_manifest_comes_from_the_wheel(
    installed: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    porch = installed / ("Scripts/porch.exe" if os.name == "nt" else "bin/porch")
    folder = tmp_path_factory.mktemp("manifest")
    shutil.copy(ROOT / "community.yml", folder / "community.yml")
    result = _run([porch, "manifest", "--url", "https://owls.dev"], cwd=folder, env=_clean_env())
    assert "name: Indie Makers Circle" in result.stdout
    assert "request_url: https://owls.dev/slack/events" in result.stdout


def test_init_then_check_and_site_build_use_the_folders_own_files(
    installed: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    porch = installed / ("Scripts/porch.exe" if os.name == "nt" else "bin/porch")
    folder = tmp_path_factory.mktemp("community")
    init = [porch, "init", "--yes", "--name", "Harbour Knitters", "--manager", "U0SAM00001"]
    _run(init, cwd=folder, env=_clean_env())
    page = folder / "site" / "faq.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nAsk us about yarn.\n", encoding="utf-8")

    assert "Harbour Knitters: valid" in _run([porch, "check"], cwd=folder, env=_clean_env()).stdout
    site = _run([porch, "site", "build"], cwd=folder, env=_clean_env())
    assert "bundled example" not in site.stderr
    assert "Ask us about yarn." in (folder / "public" / "faq" / "index.html").read_text()
    # The theme overrides are the wheel's: init copies only the pages and the stylesheet.
    assert not (folder / "site" / "overrides").exists()
    assert "Harbour Knitters" in (folder / "public" / "404.html").read_text()
