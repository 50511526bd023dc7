"""Fixtures shared across tests/porch/: the demo's one run."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from porch.runtime.cli import main
from tests.conftest import EXAMPLE_CONFIG


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """`porch demo`'s output and its folder, run once for the whole session: the runtime's
    demo tests and each feature's demo-scene test (tests/porch/features/<name>/) read it."""
    out = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(
        main, ["demo", "--config", str(EXAMPLE_CONFIG), "--out", str(out / "demo-output")]
    )
    assert result.exit_code == 0, result.output
    return result.output, out / "demo-output"
