"""The repository holds sources, not what running Porch produces: a report written by a test,
the demo or `porch serve` in the checkout is ignored by git, never committed."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.conftest import ROOT


def git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False, timeout=30
    )


@pytest.fixture(scope="module", autouse=True)
def checkout() -> None:
    if shutil.which("git") is None or git("rev-parse", "--git-dir").returncode != 0:
        pytest.skip("not a git checkout")


def test_no_generated_report_is_committed():
    tracked = git("ls-files", "--", "reports").stdout.split()
    assert tracked == [], f"generated reports are committed: {tracked}"


def test_reports_written_in_the_checkout_are_ignored():
    """health.reports_dir defaults to ./reports: a `porch serve` run in the checkout writes
    there."""
    assert git("check-ignore", "-q", "reports/health-T0PORCH-2026-11.html").returncode == 0
